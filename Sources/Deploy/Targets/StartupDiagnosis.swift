import Foundation

/// Explains in plain words why a container did not become healthy: its exit, its health probe,
/// and an address or port in its logs that does not match what the container expects.
public struct StartupDiagnosis: Sendable, Equatable {
    /// Where the app said it listens, read from its logs.
    public struct Listening: Sendable, Equatable {
        public var host: String?
        public var port: Int
    }

    public var summary: String
    public var hints: [String]
    public var exitCode: Int?
    public var lastLines: [String]

    /// - Parameters:
    ///   - state: the container's last state, nil when it never started.
    ///   - timedOut: health polling gave up while the container was still starting.
    ///   - expectedPort: the port the container publishes and sets as PORT.
    public init(state: ContainerState?, timedOut: Bool, logs: [String], expectedPort: Int) {
        var hints: [String] = []
        var summary: String
        var exitCode: Int?
        if let state {
            if !state.running && (state.status == "exited" || state.status == "dead" || state.status == "created") {
                exitCode = state.exitCode
                summary = state.status == "created" ? "the container was created but never started" : "the container exited with code \(state.exitCode)"
                if state.oomKilled == true { hints.append("it was killed for using too much memory") }
                if state.exitCode == 127 { hints.append("exit code 127 means the start command was not found in the image") }
                if state.exitCode == 126 { hints.append("exit code 126 means the start command is not executable") }
                if state.exitCode == 137 && state.oomKilled != true { hints.append("exit code 137 means it was killed (SIGKILL)") }
            } else if state.status == "restarting" {
                summary = "the container keeps restarting (last exit code \(state.exitCode))"
                exitCode = state.exitCode
            } else if state.health?.status == "unhealthy" {
                summary = "the container runs but its health check fails"
                if let output = state.health?.log?.last?.output?.trimmingCharacters(in: .whitespacesAndNewlines), !output.isEmpty {
                    hints.append("last health check said: \(output.prefix(200))")
                }
            } else if timedOut {
                summary = "the container did not become healthy in time (still \(state.health?.status ?? state.status))"
            } else {
                summary = "the container is \(state.status)"
            }
            if let error = state.error, !error.isEmpty { hints.append("docker said: \(error)") }
        } else {
            summary = "no container was started"
        }
        for listening in Self.listening(in: logs) {
            if let host = listening.host, ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) {
                hints.append("the app listens on \(host):\(listening.port), which only the container itself can reach; it must listen on 0.0.0.0 (the HOST variable is set to 0.0.0.0)")
            }
            if listening.port != expectedPort {
                hints.append("the app listens on port \(listening.port) but the container expects port \(expectedPort); make it read the PORT variable (set to \(expectedPort)) or set \"port\": \(listening.port) in .deployotron/stack.json")
            }
            break
        }
        self.summary = summary
        self.hints = hints
        self.exitCode = exitCode
        self.lastLines = Array(logs.suffix(15))
    }

    /// One message: what happened, why, and the last log lines.
    public var message: String {
        var text = summary.prefix(1).uppercased() + summary.dropFirst()
        if !hints.isEmpty { text += ": " + hints.joined(separator: "; ") }
        text += "."
        if !lastLines.isEmpty { text += "\nLast log lines:\n" + lastLines.map { "  " + $0 }.joined(separator: "\n") }
        return text
    }

    private static let listenPattern = try! NSRegularExpression(
        pattern: #"(?i)(?:listen|running|started|serving|server|bound|ready|available)[^\n]*?(?:https?://)?(\[[0-9a-f:]*\]|localhost|\d{1,3}(?:\.\d{1,3}){3}|::1?)?:(\d{2,5})\b"#
    )

    private static let portWordPattern = try! NSRegularExpression(
        pattern: #"(?i)(?:listen|running|started|serving|server|bound|ready|available)[^\n]*?\bport\s+(\d{2,5})\b"#
    )

    /// Addresses the logs say the app listens on, most recent first.
    static func listening(in logs: [String]) -> [Listening] {
        var found: [Listening] = []
        for line in logs.reversed() {
            let range = NSRange(line.startIndex..., in: line)
            if let match = listenPattern.firstMatch(in: line, range: range),
               let portRange = Range(match.range(at: 2), in: line), let port = Int(line[portRange]) {
                let host = Range(match.range(at: 1), in: line).map { String(line[$0]) }
                found.append(Listening(host: host, port: port))
            } else if let match = portWordPattern.firstMatch(in: line, range: range),
                      let portRange = Range(match.range(at: 1), in: line), let port = Int(line[portRange]) {
                found.append(Listening(host: nil, port: port))
            }
        }
        return found
    }
}
