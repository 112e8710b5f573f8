import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Single containers by name: what a deploy without a database runs.
extension DockerCLI {
    /// `docker run -d --name NAME -p 127.0.0.1:HOST:CONTAINER --label K=V ... --env-file FILE IMAGE`; returns the container id.
    ///
    /// The environment never appears in argv (where `ps` shows it): it goes through an env file
    /// written with mode 0600 in `scratch` (or the temporary folder) and deleted once docker has read it.
    /// The port is published on loopback only.
    @discardableResult
    public func runContainer(
        name: String, image: String, hostPort: Int, containerPort: Int,
        environment: [String: String] = [:], labels: [String: String] = [:], scratch: URL? = nil
    ) async throws -> String {
        var arguments = ["run", "-d", "--name", name, "-p", "127.0.0.1:\(hostPort):\(containerPort)"]
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { arguments += ["--label", "\(key)=\(value)"] }
        var envFile: URL?
        defer { if let envFile { try? FileManager.default.removeItem(at: envFile) } }
        if !environment.isEmpty {
            let file = (scratch ?? FileManager.default.temporaryDirectory).appendingPathComponent(".\(name)-\(UUID().uuidString).env")
            try Self.writeEnvFile(environment, to: file)
            envFile = file
            arguments += ["--env-file", file.path]
        }
        arguments.append(image)
        let output = try await run(arguments, what: "starting container \(name)")
        guard let id = output.stdout.split(separator: "\n").last.map({ $0.trimmingCharacters(in: .whitespaces) }), !id.isEmpty else {
            throw DeployError(.docker, "docker run started \(name) but printed no container id")
        }
        return id
    }

    /// `docker rm -f NAME`: stops and removes it; succeeds when there is no such container.
    public func removeContainer(name: String) async throws {
        let output = try await runner.run(executable, ["rm", "-f", name], timeout: commandTimeout)
        if output.succeeded || Self.saysMissing(output) { return }
        if output.timedOut { throw DeployError(.timeout, "removing container \(name) did not finish in time; check that the container engine is responsive") }
        throw DeployError(.docker, "removing container \(name) failed (docker exited \(output.exitCode)): \(output.lastLines(3).joined(separator: " "))")
    }

    /// `docker stop -t GRACE NAME`: SIGTERM, then SIGKILL after `grace` seconds.
    public func stopContainer(name: String, grace: Int = 10) async throws {
        try await run(["stop", "-t", String(grace), name], what: "stopping container \(name)")
    }

    public func startContainer(name: String) async throws {
        try await run(["start", name], what: "starting container \(name)")
    }

    /// The state of the container called `name`; nil when there is none.
    public func containerState(name: String) async throws -> ContainerState? {
        let output = try await runner.run(executable, ["inspect", "--type", "container", "--format", "{{json .State}}", name], timeout: commandTimeout)
        if output.timedOut { throw DeployError(.timeout, "inspecting container \(name) did not finish in time; check that the container engine is responsive") }
        guard output.exitCode == 0 else {
            if Self.saysMissing(output) { return nil }
            throw DeployError(.docker, "inspecting container \(name) failed (docker exited \(output.exitCode)): \(output.lastLines(3).joined(separator: " "))")
        }
        return try Self.decodeState(output.stdout)
    }

    /// Writes `KEY=VALUE` lines, mode 0600 from creation. docker reads values verbatim, so a value
    /// cannot hold a line break, and a key cannot hold `=` or spaces.
    static func writeEnvFile(_ environment: [String: String], to url: URL) throws {
        var text = ""
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) {
            guard !key.isEmpty, !key.contains("="), !key.contains(where: \.isWhitespace) else {
                throw DeployError(.invalidInput, "the environment variable name \"\(key)\" cannot be passed to docker: use letters, digits and underscores")
            }
            guard !value.contains(where: \.isNewline) else {
                throw DeployError(.invalidInput, "the value of \(key) holds a line break, which docker's env file cannot carry: put it in one line (e.g. base64)")
            }
            text += "\(key)=\(value)\n"
        }
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DeployError(.docker, "could not write the env file \(url.path): \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw DeployError(.docker, "could not write the env file \(url.path): \(error.localizedDescription)")
        }
    }
}
