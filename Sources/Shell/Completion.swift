/// What Tab can put in place of the word before the cursor.
public struct Completion: Sendable, Equatable {
    /// The word being completed, as typed.
    public var word: String
    /// Full replacements for `word`, sorted.
    public var candidates: [String]

    public init(word: String, candidates: [String]) {
        self.word = word
        self.candidates = candidates
    }

    public static let none = Completion(word: "", candidates: [])

    /// The text Tab inserts: the candidates' common prefix beyond `word`, and a space when only one fits.
    public var insertion: String {
        guard let first = candidates.first else { return "" }
        var common = first
        for candidate in candidates.dropFirst() {
            common = String(zip(common, candidate).prefix { $0.0 == $0.1 }.map(\.0))
        }
        guard common.hasPrefix(word) else { return "" }
        let rest = String(common.dropFirst(word.count))
        return candidates.count == 1 ? rest + " " : rest
    }
}
