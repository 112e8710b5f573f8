import Foundation

/// One thing `deployotron doctor` looked at, what it found, and what to do about it.
struct DoctorCheck: Sendable, Equatable, Encodable {
    enum Status: String, Sendable, Equatable, Encodable {
        /// It works.
        case ok
        /// Something does not work that this configuration can do without (a deploy that needs it will say so).
        case warning
        /// Something this configuration needs does not work: `doctor` exits non-zero.
        case failure
        /// Not looked at: `--offline`, or it depends on something that is missing (no key, no notify URL).
        case skipped
    }

    /// A stable key: `anthropic-credentials`, `ledger`, `engine`...
    var name: String
    var status: Status
    /// What was found, never a secret.
    var detail: String
    /// What to do, for a warning or a failure.
    var fix: String?

    static func ok(_ name: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(name: name, status: .ok, detail: detail)
    }

    static func skipped(_ name: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(name: name, status: .skipped, detail: detail)
    }

    /// A problem: a failure when the configuration needs the thing, else a warning.
    static func problem(_ name: String, needed: Bool, _ detail: String, fix: String?) -> DoctorCheck {
        DoctorCheck(name: name, status: needed ? .failure : .warning, detail: detail, fix: fix)
    }
}

/// What `deployotron doctor` (and the REPL's `/doctor`) found: one line per check.
struct DoctorReport: Sendable, Equatable, Encodable {
    var version: String
    var checks: [DoctorCheck]

    /// No check the configuration needs failed.
    var passed: Bool { !checks.contains { $0.status == .failure } }

    func check(_ name: String) -> DoctorCheck? {
        checks.first { $0.name == name }
    }

    /// One line per check (`warning  engine  no container engine answers ... → what to do`), then a summary line.
    var text: String {
        let width = checks.map(\.name.count).max() ?? 0
        var lines = checks.map { check in
            let label = check.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            let name = check.name.padding(toLength: width, withPad: " ", startingAt: 0)
            return "\(label) \(name)  \(check.detail)" + (check.fix.map { " → \($0)" } ?? "")
        }
        let failures = checks.filter { $0.status == .failure }.count
        let warnings = checks.filter { $0.status == .warning }.count
        lines.append(
            failures == 0
                ? "deployotron \(version): ready" + (warnings == 0 ? "." : " (\(warnings) warning\(warnings == 1 ? "" : "s")).")
                : "deployotron \(version): \(failures) check\(failures == 1 ? "" : "s") this configuration needs failed.")
        return lines.joined(separator: "\n") + "\n"
    }

    private enum CodingKeys: String, CodingKey {
        case version, checks, passed
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(checks, forKey: .checks)
        try container.encode(passed, forKey: .passed)
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
