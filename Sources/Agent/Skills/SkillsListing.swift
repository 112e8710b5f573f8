import Foundation

/// The skills as the system prompt lists them: one line per skill, name and description, no bodies.
///
/// The listing stays within a character budget: when the skills are many, the longest descriptions
/// are shortened first, to an equal length, so every skill keeps its name and the start of its
/// description. The same skills always give the same text, so the prompt stays cacheable.
public struct SkillsListing: Sendable, Equatable {
    /// Characters the listing may take when the caller sets no budget.
    public static let defaultBudget = 8_000
    /// No description is shortened below this, whatever the budget.
    public static let minimumDescription = 60

    /// One line per skill, sorted by name: `- name: description`.
    public private(set) var text: String
    /// Whether some description was shortened to fit the budget.
    public private(set) var isShortened: Bool

    public init(_ skills: [Skill], budget: Int = defaultBudget) {
        let entries = skills.sorted { $0.name < $1.name }.map { skill in
            (name: skill.name, description: String(Self.oneLine(skill.description).prefix(Skill.maximumDescriptionLength)))
        }
        let overhead = entries.reduce(0) { $0 + $1.name.count + 5 }
        let lengths = entries.map(\.description.count)
        let cap = Self.cap(lengths, available: budget - overhead)
        isShortened = lengths.contains { $0 > cap }
        text = entries.map { entry in
            let description = Self.shorten(entry.description, to: cap)
            return description.isEmpty ? "- \(entry.name)" : "- \(entry.name): \(description)"
        }.joined(separator: "\n")
    }

    /// The longest description length that keeps the total within `available`: short descriptions
    /// stay whole, the rest share what is left equally.
    static func cap(_ lengths: [Int], available: Int) -> Int {
        guard lengths.reduce(0, +) > available else { return Int.max }
        var remaining = max(available, 0)
        var left = lengths.count
        for length in lengths.sorted() {
            let share = remaining / left
            if length > share { return max(share, minimumDescription) }
            remaining -= length
            left -= 1
        }
        return Int.max
    }

    /// `text` cut to at most `limit` characters at a word boundary, ending with an ellipsis.
    static func shorten(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        let cut = text.prefix(limit - 1)
        let atWord = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        let kept = atWord.count >= limit / 2 ? atWord : cut
        return kept.trimmingCharacters(in: .whitespaces) + "…"
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
