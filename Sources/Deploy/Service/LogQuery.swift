import Foundation

/// Which of a deployment's log lines `logs` asks for: the last `tail` lines, since a time, matching
/// a filter pattern.
public struct LogQuery: Sendable, Equatable {
    public var tail: Int
    public var since: Date?
    public var filter: LogFilter?

    public init(tail: Int = 100, since: Date? = nil, filter: LogFilter? = nil) {
        self.tail = tail
        self.since = since
        self.filter = filter
    }

    /// Whether the query asks for more than the last lines.
    public var isNarrowed: Bool { since != nil || filter != nil }

    /// Reads `--since`: a duration back from `now` (`90s`, `10m`, `2h`, `1d`, `1h30m`) or a time
    /// (`2026-12-03T21:00:00Z`, with an offset or fractional seconds, or a day `2026-12-03` in UTC).
    public static func since(_ text: String, now: Date) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = duration(trimmed) { return now.addingTimeInterval(-seconds) }
        if let date = time(trimmed) { return date }
        throw DeployError(.invalidInput, "since \"\(text)\" is neither a duration (30s, 10m, 2h, 1d, 1h30m) nor a time (2026-12-03T21:00:00Z, 2026-12-03)")
    }

    /// Seconds in `90s`, `10m`, `1h30m`...; nil when the text is not such a duration.
    static func duration(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var total: TimeInterval = 0
        var digits = ""
        var sawUnit = false
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if let unit = units[character], let number = Double(digits) {
                total += number * unit
                digits = ""
                sawUnit = true
            } else {
                return nil
            }
        }
        return sawUnit && digits.isEmpty ? total : nil
    }

    static func time(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return plain.date(from: text) ?? withFraction.date(from: text) ?? day.date(from: text)
    }
}

/// A CloudWatch Logs filter pattern of plain terms, applied where CloudWatch does not apply it (a
/// local container's logs): a line matches when it holds every term, holds none of the `-term`s, and
/// at least one `?term` when there are any. `"a phrase"` is one term; matching is case-sensitive,
/// as CloudWatch's is.
public struct LogFilter: Sendable, Equatable {
    /// The pattern as given, sent to CloudWatch as `filterPattern`.
    public var pattern: String
    var required: [String] = []
    var excluded: [String] = []
    var optional: [String] = []

    /// nil for an empty pattern; a pattern CloudWatch reads as JSON or a space-delimited form is refused.
    public init?(_ pattern: String) throws {
        let trimmed = pattern.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            throw DeployError(.invalidInput, "filter \"\(pattern)\": JSON and space-delimited CloudWatch patterns are not supported; give terms (ERROR timeout), \"a phrase\", ?either, -excluded")
        }
        self.pattern = trimmed
        var index = trimmed.startIndex
        while index < trimmed.endIndex {
            if trimmed[index] == " " {
                index = trimmed.index(after: index)
                continue
            }
            var prefix: Character?
            if trimmed[index] == "?" || trimmed[index] == "-" {
                prefix = trimmed[index]
                index = trimmed.index(after: index)
            }
            let text: String
            if index < trimmed.endIndex, trimmed[index] == "\"" {
                let open = trimmed.index(after: index)
                guard let close = trimmed[open...].firstIndex(of: "\"") else {
                    throw DeployError(.invalidInput, "filter \"\(pattern)\" has an unclosed quote")
                }
                text = String(trimmed[open..<close])
                index = trimmed.index(after: close)
            } else {
                let stop = trimmed[index...].firstIndex(of: " ") ?? trimmed.endIndex
                text = String(trimmed[index..<stop])
                index = stop
            }
            switch (prefix, text.isEmpty) {
            case (_, true): if let prefix { required.append(String(prefix)) }
            case ("?", false): optional.append(text)
            case ("-", false): excluded.append(text)
            default: required.append(text)
            }
        }
    }

    public func matches(_ line: String) -> Bool {
        required.allSatisfy(line.contains) && !excluded.contains(where: line.contains) && (optional.isEmpty || optional.contains(where: line.contains))
    }
}
