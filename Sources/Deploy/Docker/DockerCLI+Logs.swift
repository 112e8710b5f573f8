import Foundation

// MARK: - Logs since a time, and followed

extension DockerCLI {
    /// `docker logs --since` takes RFC 3339 times (Docker and podman alike).
    static func sinceArgument(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// The container's log lines since `since` (all of them when nil), stdout and stderr together;
    /// the last `tail` when given.
    public func logs(container: String, tail: Int?, since: Date?) async throws -> [String] {
        var arguments = ["logs", "--tail", tail.map(String.init) ?? "all"]
        if let since { arguments += ["--since", Self.sinceArgument(since)] }
        let output = try await run(arguments + [container], what: "reading the logs of \(container)")
        let lines = output.lastLines(Int.max)
        return tail.map { Array(lines.suffix($0)) } ?? lines
    }

    /// `docker logs --follow`: calls `onLine` with the last `tail` lines (since `since`) and then each
    /// new one until the container stops or the calling task is cancelled, which stops the docker
    /// process (its whole group) and throws `CancellationError`.
    public func followLogs(container: String, tail: Int, since: Date?, onLine: @escaping @Sendable (String) -> Void) async throws {
        var arguments = ["logs", "--follow", "--tail", String(tail)]
        if let since { arguments += ["--since", Self.sinceArgument(since)] }
        let output = try await runner.run(executable, arguments + [container], timeout: nil, input: .none, onLine: onLine)
        guard output.exitCode == 0 else {
            let tail = output.lastLines(4).joined(separator: "\n")
            throw DeployError(.docker, "following the logs of \(container) failed (docker exited \(output.exitCode))" + (tail.isEmpty ? "" : ":\n\(tail)"))
        }
    }
}
