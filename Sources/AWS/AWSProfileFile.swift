import Foundation

/// One of the INI files the AWS tools share (`~/.aws/credentials`, `~/.aws/config`): sections of `key = value`.
///
/// Only what the credential chain reads is kept: section names and flat keys. Nested blocks
/// (`s3 =` followed by indented lines) are skipped.
public struct AWSProfileFile: Sendable, Equatable {
    /// Settings by section name as written between brackets (`default`, `profile dev`), keys in lower case.
    public var sections: [String: [String: String]]

    public init(sections: [String: [String: String]] = [:]) {
        self.sections = sections
    }

    public init(parsing text: String) {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let startsIndented = rawLine.first == " " || rawLine.first == "\t"
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { current = nil; continue }
                let name = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                current = name
                sections[name, default: [:]] = sections[name] ?? [:]
                continue
            }
            guard let section = current, !startsIndented, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            // An inline comment needs whitespace before its `#`; secrets may contain `#` themselves.
            if let comment = value.range(of: " #") ?? value.range(of: "\t#") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            guard !key.isEmpty else { continue }
            sections[section, default: [:]][key] = value
        }
        self.sections = sections
    }

    /// Reads the file at `path`; a file that does not exist is empty.
    public static func load(path: String) throws -> AWSProfileFile {
        guard FileManager.default.fileExists(atPath: path) else { return AWSProfileFile() }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return AWSProfileFile(parsing: String(decoding: data, as: UTF8.self))
        } catch {
            throw AWSError(.invalidConfiguration, "cannot read \(path): \(error.localizedDescription); check its permissions")
        }
    }

    /// The settings of `profile` in a credentials file, where sections are plain profile names.
    public func credentialsProfile(_ profile: String) -> [String: String]? {
        sections[profile]
    }

    /// The settings of `profile` in a config file, where sections are `[profile NAME]`, except `[default]`.
    public func configProfile(_ profile: String) -> [String: String]? {
        if let settings = sections["profile \(profile)"] { return settings }
        if profile == "default" { return sections["default"] }
        return nil
    }
}
