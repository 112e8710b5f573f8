import Foundation
import Yams

/// The YAML frontmatter of a `SKILL.md`, read leniently: real skill folders are messy.
///
/// Numbers and booleans where text is expected are read as written (`version: 1.10` stays "1.10");
/// lists and maps where text is expected are joined or ignored, with a problem saying so; YAML
/// that does not parse falls back to reading `key: value` lines, with a problem saying so.
struct SkillFrontmatter: Sendable {
    /// Whether the text opened with a `---` line closed by another.
    var hasFrontmatter = false
    var name: String?
    var description: String?
    var allowedTools: [String] = []
    var metadata: [String: String] = [:]
    /// The markdown after the frontmatter (all of the text when there is none).
    var body: String
    var problems: [String] = []

    init(parsing text: String) {
        var text = text
        if text.utf8.contains(0x0D) { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        body = text

        // Only the frontmatter is walked line by line: bodies can be long.
        let opening = Self.line(in: text, from: text.startIndex)
        guard opening.text.trimmingCharacters(in: .whitespaces) == "---" else { return }
        var cursor = opening.next
        var closing: (start: String.Index, next: String.Index)?
        while cursor < text.endIndex {
            let line = Self.line(in: text, from: cursor)
            let trimmed = line.text.trimmingCharacters(in: .whitespaces)
            if trimmed == "---" || trimmed == "..." {
                closing = (cursor, line.next)
                break
            }
            cursor = line.next
        }
        guard let closing else {
            problems.append("the frontmatter opens with --- but never closes; read the whole file as the body")
            return
        }
        hasFrontmatter = true
        let yaml = String(text[opening.next..<closing.start])
        body = Self.trimmingLeadingBlankLines(text[closing.next...])

        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            let reason = String(describing: error).split(separator: "\n").first.map(String.init) ?? "unknown error"
            problems.append("the frontmatter is not valid YAML (\(reason)); read its key: value lines as plain text")
            readLines(yaml)
            return
        }
        guard let root else { return }
        guard let mapping = root.mapping else {
            problems.append("the frontmatter is not a list of key: value pairs; ignored it")
            return
        }
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else { continue }
            switch key {
            case "name": name = textValue(value, field: key, joinLists: false)
            case "description": description = textValue(value, field: key, joinLists: true)
            case "allowed-tools": allowedTools = tools(value)
            case "metadata": metadata = metadataValues(value)
            default: break
            }
        }
    }

    // MARK: - Fields

    /// A text field's value; nil when missing, null, or a shape that cannot be text.
    private mutating func textValue(_ node: Node, field: String, joinLists: Bool) -> String? {
        if let scalar = node.scalar {
            if Self.isNull(scalar) { return nil }
            return scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let sequence = node.sequence, joinLists {
            let items = sequence.compactMap { $0.scalar?.string.trimmingCharacters(in: .whitespacesAndNewlines) }
            problems.append("\(field) is a list, not text; joined its items")
            return items.joined(separator: " ")
        }
        problems.append("\(field) is a \(node.sequence != nil ? "list" : "map"), not text; ignored it")
        return nil
    }

    /// `allowed-tools`: a list, or one string separated by commas (Claude Code) or spaces (the open format).
    private mutating func tools(_ node: Node) -> [String] {
        if let scalar = node.scalar {
            if Self.isNull(scalar) { return [] }
            return Self.splitTools(scalar.string)
        }
        if let sequence = node.sequence {
            var names: [String] = []
            for item in sequence {
                if let scalar = item.scalar {
                    names.append(scalar.string.trimmingCharacters(in: .whitespaces))
                } else {
                    problems.append("allowed-tools holds a list or map inside its list; ignored it")
                }
            }
            return names.filter { !$0.isEmpty }
        }
        problems.append("allowed-tools is a map, not a list of tool names; ignored it")
        return []
    }

    static func splitTools(_ text: String) -> [String] {
        let byComma = text.contains(",")
        return text.split { character in byComma ? character == "," : character.isWhitespace }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    private mutating func metadataValues(_ node: Node) -> [String: String] {
        if let scalar = node.scalar, Self.isNull(scalar) { return [:] }
        guard let mapping = node.mapping else {
            problems.append("metadata is not a map of keys to values; ignored it")
            return [:]
        }
        var values: [String: String] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else { continue }
            if let scalar = value.scalar {
                values[key] = scalar.string
            } else if let sequence = value.sequence, sequence.allSatisfy({ $0.scalar != nil }) {
                values[key] = sequence.compactMap { $0.scalar?.string }.joined(separator: ", ")
            } else {
                problems.append("metadata \(key) is nested; the format wants text values; ignored it")
            }
        }
        return values
    }

    /// YAML's null: an empty or `~`/`null` plain scalar.
    private static func isNull(_ scalar: Node.Scalar) -> Bool {
        guard scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    // MARK: - Fallback

    /// Reads top-level `key: value` lines of frontmatter that is not valid YAML, such as a
    /// description holding an unquoted `: `.
    private mutating func readLines(_ yaml: String) {
        for line in yaml.split(separator: "\n") {
            guard let first = line.first, first != " ", first != "\t", first != "#",
                  let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            guard !value.isEmpty else { continue }
            switch key {
            case "name": name = value
            case "description": description = value
            case "allowed-tools": allowedTools = Self.splitTools(value)
            default: break
            }
        }
    }

    /// The line starting at `start` (without its newline) and where the next one starts.
    private static func line(in text: String, from start: String.Index) -> (text: Substring, next: String.Index) {
        let end = text[start...].firstIndex(of: "\n") ?? text.endIndex
        return (text[start..<end], end == text.endIndex ? end : text.index(after: end))
    }

    private static func trimmingLeadingBlankLines(_ text: Substring) -> String {
        var start = text.startIndex
        while start < text.endIndex {
            let end = text[start...].firstIndex(of: "\n") ?? text.endIndex
            guard text[start..<end].allSatisfy({ $0 == " " || $0 == "\t" }) else { break }
            start = end == text.endIndex ? end : text.index(after: end)
        }
        return String(text[start...])
    }
}
