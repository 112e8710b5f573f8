import Foundation
import Testing
@testable import Deploy

/// DockerCLI, ProcessRunner and HTTPProbe against a real engine (scripts/engine.sh starts rootful
/// podman behind the docker CLI). Images are FROM scratch with a static busybox: nothing is pulled.
@Suite(
    .serialized, .engineExclusive,
    .enabled(if: EngineFixture.engineAvailable, "needs a container engine (DEPLOYOTRON_TEST_ENGINE, set by scripts/engine.sh) and busybox-static")
)
struct EngineTests {
    let docker = DockerCLI(commandTimeout: .seconds(60))

    static let httpd = """
        FROM scratch
        COPY bin/busybox /bin/busybox
        COPY www /www
        EXPOSE 8080
        CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
        """

    @Test(.timeLimit(.minutes(5)))
    func engineIsRecognised() async throws {
        let info = try await docker.engineInfo()
        #expect(!info.serverVersion.isEmpty)
        #expect(info.host == ProcessInfo.processInfo.environment["DOCKER_HOST"])
    }

    @Test(.timeLimit(.minutes(5)))
    func buildRunProbeStopStartRemove() async throws {
        let folder = try TemporaryFolder("engine")
        let marker = UUID().uuidString
        let project = try EngineFixture.busyboxProject(in: folder, dockerfile: Self.httpd, files: ["www/index.html": "<h1>\(marker)</h1>\n"])
        let tag = "\(EngineFixture.uniqueName("serve")):v1"
        let name = EngineFixture.uniqueName("serve")
        let lines = LineLog()
        defer { Self.cleanUp(containers: [name], images: [tag]) }

        _ = try await docker.build(tag: tag, dockerfile: project.dockerfile, context: project.context, labels: ["deployotron.test": "1"], onLine: lines.append)
        #expect(!lines.lines.isEmpty)
        #expect(try await docker.imageExists(tag))

        let port = try EngineFixture.freePort()
        let probe = HTTPProbe()
        #expect(await probe.probe(port: port) == .refused)
        let id = try await docker.runContainer(name: name, image: tag, hostPort: port, containerPort: 8080,
                                               environment: ["GREETING": "hello"], labels: ["deployotron.test": "1"], scratch: folder.url)
        #expect(!id.isEmpty)
        #expect(await EngineFixture.eventually { await probe.probe(port: port).isAnswering })
        let page = try await probe.fetch(port: port, path: "/index.html")
        #expect(page.status == 200)
        #expect(String(decoding: page.body, as: UTF8.self) == "<h1>\(marker)</h1>\n")
        #expect(try await docker.containerState(name: name)?.running == true)

        try await docker.stopContainer(name: name, grace: 1)
        let stopped = try #require(try await docker.containerState(name: name))
        #expect(!stopped.running)
        #expect(stopped.status == "exited")
        #expect(await EngineFixture.eventually { await !probe.probe(port: port).isAnswering })

        try await docker.startContainer(name: name)
        #expect(await EngineFixture.eventually { await probe.probe(port: port).isAnswering })

        try await docker.removeContainer(name: name)
        #expect(try await docker.containerState(name: name) == nil)
        try await docker.removeContainer(name: name)
    }

    @Test(.timeLimit(.minutes(5)))
    func aContainerThatExitsAtOnceShowsItsCodeAndLogs() async throws {
        let folder = try TemporaryFolder("engine")
        let project = try EngineFixture.busyboxProject(in: folder, dockerfile: """
            FROM scratch
            COPY bin/busybox /bin/busybox
            CMD ["/bin/busybox", "sh", "-c", "echo boom; exit 3"]
            """)
        let tag = "\(EngineFixture.uniqueName("crash")):v1"
        let name = EngineFixture.uniqueName("crash")
        defer { Self.cleanUp(containers: [name], images: [tag]) }

        _ = try await docker.build(tag: tag, dockerfile: project.dockerfile, context: project.context)
        try await docker.runContainer(name: name, image: tag, hostPort: try EngineFixture.freePort(), containerPort: 8080)
        #expect(try await EngineFixture.eventually { try await docker.containerState(name: name)?.running == false })
        let state = try #require(try await docker.containerState(name: name))
        #expect(state.status == "exited")
        #expect(state.exitCode == 3)
        #expect(try await docker.logs(container: name, tail: 10).contains("boom"))
    }

    @Test(.timeLimit(.minutes(5)))
    func aCancelledBuildStopsTheDockerProcessGroup() async throws {
        let folder = try TemporaryFolder("engine")
        let project = try EngineFixture.busyboxProject(in: folder, dockerfile: """
            FROM scratch
            COPY bin/busybox /bin/busybox
            RUN ["/bin/busybox", "sleep", "30"]
            CMD ["/bin/busybox", "true"]
            """)
        let tag = "\(EngineFixture.uniqueName("slow")):v1"
        defer { Self.cleanUp(containers: [], images: [tag]) }
        let lines = LineLog()
        let docker = self.docker
        let build = Task { try await docker.build(tag: tag, dockerfile: project.dockerfile, context: project.context, onLine: lines.append) }

        // Cancelled once the engine runs the slow step (the line naming it is the first output of
        // the build proper); the docker CLI's process group is found from outside meanwhile.
        #expect(await EngineFixture.eventually(attempts: 600, interval: .milliseconds(50)) { lines.lines.contains { $0.contains("sleep") } })
        let buildProcess = try #require(ProcessTable.entries().first { $0.commandLine.contains("build") && $0.commandLine.contains(tag) })
        #expect(buildProcess.pgid == buildProcess.pid, "docker build leads a process group of its own")

        build.cancel()
        await #expect(throws: CancellationError.self) { try await build.value }
        #expect(ProcessTable.livingMembers(of: buildProcess.pgid).isEmpty)
        #expect(!ProcessTable.entries().contains { $0.commandLine.contains(tag) && $0.state != "Z" })
        #expect(try await !docker.imageExists(tag))

        // podman finishes the step it is in (its API has no cancel for a classic build: the RUN's
        // process is its child, not ours), then drops the build: once the step is over, no image
        // is tagged. Docker with BuildKit cancels at once; then there is no step to wait for.
        let step = ["/bin/busybox", "sleep", "30"]
        #expect(await EngineFixture.eventually(attempts: 300) { !ProcessTable.entries().contains { $0.commandLine == step && $0.state != "Z" } })
        #expect(try await !EngineFixture.eventually(attempts: 15) { try await docker.imageExists(tag) })
    }

    @Test(.timeLimit(.minutes(5)))
    func envFilesNeverReachTheImage() async throws {
        let folder = try TemporaryFolder("engine")
        let project = try EngineFixture.busyboxProject(in: folder, dockerfile: """
            FROM scratch
            COPY bin/busybox /bin/busybox
            COPY . /app/
            CMD ["/bin/busybox", "true"]
            """, files: [
                ".env": "SECRET=1", ".env.production": "SECRET=2", "config/.env": "SECRET=3", ".env.example": "SECRET=",
                ".git/HEAD": "ref: refs/heads/main", ".dockerignore": "*.log\n", "debug.log": "", "server.js": "listen()",
            ])
        let tag = "\(EngineFixture.uniqueName("secrets")):v1"
        let name = EngineFixture.uniqueName("secrets")
        defer { Self.cleanUp(containers: [name], images: [tag]) }

        _ = try await docker.build(tag: tag, dockerfile: project.dockerfile, context: project.context)
        try await docker.run(["create", "--name", name, tag], what: "creating \(name)")
        let archive = folder.url.appendingPathComponent("exported.tar")
        try await docker.run(["export", "-o", archive.path, name], what: "exporting \(name)")
        let listing = try await ProcessRunner().run("tar", ["-tf", archive.path])
        let files = Set(listing.stdout.split(separator: "\n").map { String($0).replacingOccurrences(of: "./", with: "") })
        #expect(files.contains("app/server.js"))
        #expect(files.contains("app/.env.example"))
        for absent in ["app/.env", "app/.env.production", "app/config/.env", "app/.git/HEAD", "app/debug.log", "app/\(BuildContext.dockerfileName)"] {
            #expect(!files.contains(absent), "\(absent) is in the image")
        }
    }

    @Test(.timeLimit(.minutes(5)), .enabled(if: EngineFixture.composeInstalled, "needs docker compose or docker-compose"))
    func composeStartsAndRemovesAProject() async throws {
        let folder = try TemporaryFolder("engine")
        let project = try EngineFixture.busyboxProject(in: folder, dockerfile: Self.httpd, files: ["www/index.html": "compose\n"])
        let tag = "\(EngineFixture.uniqueName("compose")):v1"
        defer { Self.cleanUp(containers: [], images: [tag]) }
        _ = try await docker.build(tag: tag, dockerfile: project.dockerfile, context: project.context)
        let port = try EngineFixture.freePort()
        let file = folder.url.appendingPathComponent("docker-compose.yml")
        try """
            version: "3"
            services:
              app:
                image: "\(tag)"
                ports:
                  - "127.0.0.1:\(port):8080"
            """.write(to: file, atomically: true, encoding: .utf8)
        let compose = DockerCLI.ComposeProject(name: EngineFixture.uniqueName("compose"), file: file)

        try await docker.composeUp(compose)
        let container = try #require(try await docker.composeContainer(compose, service: "app"))
        #expect(await EngineFixture.eventually { await HTTPProbe().probe(port: port).isAnswering })
        try await docker.composeDown(compose)
        #expect(try await docker.containerState(name: container) == nil)
    }

    /// Removes what a test made, whatever happened to it; runs the docker CLI synchronously so a
    /// `defer` can call it.
    static func cleanUp(containers: [String], images: [String]) {
        let docker = ProcessInfo.processInfo.environment["DEPLOYOTRON_DOCKER"] ?? "docker"
        for arguments in containers.map({ ["rm", "-f", $0] }) + images.map({ ["rmi", "-f", $0] }) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [docker] + arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try? process.run()
            process.waitUntilExit()
        }
    }
}
