import Foundation

/// Whether an engine answers, before a deploy starts anything.
extension DockerCLI {
    /// The engine's version and kind, asked with `docker version` within `engineTimeout`.
    ///
    /// - Throws: a one-line `DeployError` saying what to start when no engine answers.
    public func engineInfo() async throws -> EngineInfo {
        let host = (runner.environment ?? ProcessInfo.processInfo.environment)["DOCKER_HOST"].flatMap { $0.isEmpty ? nil : $0 }
        let format = "{{.Server.Version}}|{{range .Server.Components}}{{.Name}};{{end}}"
        let output = try await runner.run(executable, ["version", "--format", format], timeout: engineTimeout)
        let line = output.stdout.split(separator: "\n").first.map(String.init) ?? ""
        let fields = line.split(separator: "|", omittingEmptySubsequences: false)
        let version = fields.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard output.succeeded, !version.isEmpty, !version.hasPrefix("<no value>") else {
            let place = host.map { "DOCKER_HOST=\($0)" } ?? "DOCKER_HOST unset, so unix:///var/run/docker.sock"
            let waited = output.timedOut ? ", waited \(engineTimeout)" : ""
            throw DeployError(.docker, "no container engine answers (\(place)\(waited)): start Docker or 'podman system service', then try again")
        }
        let components = fields.count > 1 ? String(fields[1]) : ""
        return EngineInfo(serverVersion: version, isPodman: components.localizedCaseInsensitiveContains("podman"), host: host)
    }
}
