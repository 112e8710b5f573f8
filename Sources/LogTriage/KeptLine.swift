/// A line held back for the excerpt: its number, display text and what was learnt about it.
struct KeptLine: Sendable {
    var number: Int
    var text: String
    var template: Int32
    var score: Int8
    var signature: Bool
    var trace: Bool
    /// Blank lines just before this one (never kept, so a gap of only blanks is not marked).
    var blanksBefore: Int = 0
}
