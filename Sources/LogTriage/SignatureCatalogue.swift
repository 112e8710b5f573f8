import Foundation
import Locations

/// The failure signatures, kept as data (`Resources/signatures.json`, compiled into the binary) so
/// they can grow without code.
///
/// Matching costs one automaton pass per line over every rule's literals; the `also`, `unless`
/// and `regex` parts of a rule are checked only on the rare lines that hit a literal.
public struct SignatureCatalogue: Sendable {
    public let signatures: [FailureSignature]
    /// Literal index → (signature, rule).
    let literalOwners: [(signature: Int, rule: Int)]
    let literals: [String]
    private let regexes: [[NSRegularExpression?]]
    /// Per signature and rule: the `also` and `unless` literals, lower-cased bytes.
    private let foldedWords: [[(also: [[UInt8]], unless: [[UInt8]])]]

    /// Parses a catalogue from its JSON form (`{"signatures": [...]}`).
    public init(json: Data) throws {
        struct File: Decodable { var signatures: [FailureSignature] }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: json)
        } catch {
            throw LogTriageError.badCatalogue("\(error)")
        }
        try self.init(signatures: file.signatures)
    }

    public init(signatures: [FailureSignature]) throws {
        var owners: [(Int, Int)] = []
        var literals: [String] = []
        var regexes: [[NSRegularExpression?]] = []
        var foldedWords: [[(also: [[UInt8]], unless: [[UInt8]])]] = []
        var seen = Set<String>()
        for (s, signature) in signatures.enumerated() {
            guard seen.insert(signature.id).inserted else {
                throw LogTriageError.badCatalogue("signature id \(signature.id) appears twice")
            }
            var compiled: [NSRegularExpression?] = []
            let fold = { (words: [String]?) in (words ?? []).map { Array($0.utf8).map(LiteralAutomaton.fold) } }
            foldedWords.append(signature.match.map { (also: fold($0.also), unless: fold($0.unless)) })
            for (r, rule) in signature.match.enumerated() {
                guard !rule.any.isEmpty, !rule.any.contains(where: \.isEmpty) else {
                    throw LogTriageError.badCatalogue("signature \(signature.id) has a rule without literals")
                }
                for literal in rule.any {
                    owners.append((s, r))
                    literals.append(literal)
                }
                if let pattern = rule.regex {
                    do {
                        compiled.append(try NSRegularExpression(pattern: pattern))
                    } catch {
                        throw LogTriageError.badCatalogue("signature \(signature.id) has a bad regex \(pattern)")
                    }
                } else {
                    compiled.append(nil)
                }
            }
            regexes.append(compiled)
        }
        self.signatures = signatures
        self.literalOwners = owners
        self.literals = literals
        self.regexes = regexes
        self.foldedWords = foldedWords
    }

    /// The catalogue shipped with deployotron, compiled into the binary (`BundledFiles.signatures`)
    /// so it needs no resource folder beside it.
    public static func bundled() throws -> SignatureCatalogue {
        try SignatureCatalogue(json: BundledFiles.signatures)
    }

    /// Confirms rule `rule` of signature `signature` on a candidate line.
    func confirm(signature: Int, rule: Int, line: String) -> Bool {
        var copy = line
        return copy.withUTF8 { confirm(signature: signature, rule: rule, bytes: $0) }
    }

    /// Confirms a rule on a line's bytes; `also` and `unless` are byte searches ignoring ASCII
    /// case, and only a rule with a regex pays for a String.
    func confirm(signature: Int, rule: Int, bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let folded = foldedWords[signature][rule]
        if !folded.also.isEmpty, !folded.also.contains(where: { Self.contains(bytes, $0) }) { return false }
        if folded.unless.contains(where: { Self.contains(bytes, $0) }) { return false }
        if let regex = regexes[signature][rule] {
            let line = String(decoding: bytes, as: UTF8.self)
            let range = NSRange(line.startIndex..., in: line)
            return regex.firstMatch(in: line, range: range) != nil
        }
        return true
    }

    /// Whether `needle` (already lower-case) occurs in `haystack`, ignoring ASCII case.
    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        let n = needle.count, h = haystack.count
        guard n > 0, n <= h else { return n == 0 }
        let first = needle[0]
        var i = 0
        while i <= h - n {
            if LiteralAutomaton.fold(haystack[i]) == first {
                var k = 1
                while k < n, LiteralAutomaton.fold(haystack[i + k]) == needle[k] { k += 1 }
                if k == n { return true }
            }
            i += 1
        }
        return false
    }

    /// The signatures matching one line of text, by index (for tests and single lines).
    public func matches(_ line: String) -> [String] {
        let automaton = LiteralAutomaton(patterns: literals)
        var candidates = Set<Int>()
        var copy = line
        copy.withUTF8 { bytes in automaton.scan(bytes) { candidates.insert(Int($0)) } }
        var found: [String] = []
        var checked = Set<Int>()
        for literal in candidates.sorted() {
            let owner = literalOwners[literal]
            let key = owner.signature << 16 | owner.rule
            guard checked.insert(key).inserted else { continue }
            if confirm(signature: owner.signature, rule: owner.rule, line: line),
               !found.contains(signatures[owner.signature].id) {
                found.append(signatures[owner.signature].id)
            }
        }
        return found
    }
}
