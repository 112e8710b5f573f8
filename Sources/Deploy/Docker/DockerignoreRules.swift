import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The patterns of a `.dockerignore`, matched the way docker matches them.
///
/// Patterns are relative to the context root (a leading `/` is dropped); `*`, `?` and `[...]` match
/// within one path segment, `**` any number of segments; a pattern that matches a folder leaves out
/// everything under it; `!` brings a path back; the last matching pattern wins.
public struct DockerignoreRules: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        var segments: [String]
        var exception: Bool
    }

    var rules: [Rule]

    public init(_ text: String) {
        rules = text.split(whereSeparator: \.isNewline).compactMap { line in
            var pattern = line.trimmingCharacters(in: .whitespaces)
            guard !pattern.isEmpty, !pattern.hasPrefix("#") else { return nil }
            let exception = pattern.hasPrefix("!")
            if exception { pattern = String(pattern.dropFirst()).trimmingCharacters(in: .whitespaces) }
            let segments = pattern.split(separator: "/").map(String.init).filter { $0 != "." && !$0.isEmpty }
            guard !segments.isEmpty else { return nil }
            return Rule(segments: segments, exception: exception)
        }
    }

    /// Some rule brings paths back, so a left-out folder may still hold included files.
    public var hasExceptions: Bool { rules.contains(where: \.exception) }

    /// Whether the path (its segments from the root) is left out.
    public func excludes(_ path: [String]) -> Bool {
        var excluded = false
        for rule in rules where Self.matchesOrParentMatches(rule.segments, path) {
            excluded = !rule.exception
        }
        return excluded
    }

    public func excludes(_ path: String) -> Bool {
        excludes(path.split(separator: "/").map(String.init))
    }

    static func matchesOrParentMatches(_ pattern: [String], _ path: [String]) -> Bool {
        (1...max(path.count, 1)).contains { matches(pattern[...], path.prefix($0)) }
    }

    static func matches(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let head = pattern.first else { return path.isEmpty }
        if head == "**" {
            let rest = pattern.dropFirst()
            return (0...path.count).contains { matches(rest, path.dropFirst($0)) }
        }
        guard let segment = path.first else { return false }
        return fnmatch(head, segment, 0) == 0 && matches(pattern.dropFirst(), path.dropFirst())
    }
}
