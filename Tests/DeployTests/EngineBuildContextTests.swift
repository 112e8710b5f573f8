import Foundation
import Testing
@testable import Deploy

/// What goes to the engine for a build, and the argv of the container commands, checked without an engine.
@Suite struct EngineBuildContextTests {
    @Test func envFilesAndGitStayOutAtAnyDepthButExamplesGoIn() throws {
        let folder = try TemporaryFolder("context")
        let root = try folder.project("app", [
            ".env": "SECRET=1", ".env.production": "SECRET=2", ".env.local": "SECRET=3",
            ".env.example": "SECRET=", ".env.sample": "SECRET=", ".env.template": "SECRET=",
            "api/.env": "SECRET=4", ".git/config": "[core]", "server.js": "listen()",
        ])
        let paths = try BuildContext(root: root, dockerfile: folder.url.appendingPathComponent("Dockerfile")).includedPaths()
        #expect(paths == [".env.example", ".env.sample", ".env.template", "api", "server.js"])
    }

    @Test func dockerignoreRulesApplyAsDockerReadsThem() throws {
        let folder = try TemporaryFolder("context")
        let root = try folder.project("app", [
            ".dockerignore": "# build output\nnode_modules\n/dist\n**/*.log\n!logs/keep.log\nsecrets/*\n",
            "node_modules/left-pad/index.js": "", "dist/app.js": "", "src/dist/note.txt": "",
            "debug.log": "", "logs/keep.log": "", "logs/other.log": "", "secrets/key.pem": "", "src/app.js": "",
        ])
        let paths = try BuildContext(root: root, dockerfile: folder.url.appendingPathComponent("Dockerfile")).includedPaths()
        #expect(paths == ["logs", "logs/keep.log", "secrets", "src", "src/app.js", "src/dist", "src/dist/note.txt"])
    }

    @Test func theDockerfilesOwnIgnoreFileApplies() throws {
        let folder = try TemporaryFolder("context")
        let root = try folder.project("app", ["coverage/lcov.info": "", "index.js": ""])
        let dockerfile = folder.url.appendingPathComponent("Dockerfile")
        try "coverage\n".write(to: URL(fileURLWithPath: dockerfile.path + ".dockerignore"), atomically: true, encoding: .utf8)
        #expect(try BuildContext(root: root, dockerfile: dockerfile).includedPaths() == ["index.js"])
    }

    @Test func patternsMatchSegmentsAndParents() {
        let rules = DockerignoreRules("a/*/c\n**/tmp\nbuild\n!build/keep\n")
        #expect(rules.excludes("a/b/c"))
        #expect(rules.excludes("a/b/c/d.txt"))
        #expect(!rules.excludes("a/b/x/c"))
        #expect(rules.excludes("tmp"))
        #expect(rules.excludes("x/y/tmp/z"))
        #expect(rules.excludes("build/out.o"))
        #expect(!rules.excludes("build/keep"))
        #expect(!rules.excludes("src/build"))
        #expect(rules.hasExceptions)
    }

    @Test func theTarCarriesTheDockerfileUnderItsOwnNameAndNoSecrets() async throws {
        let folder = try TemporaryFolder("context")
        let root = try folder.project("app", [".env": "SECRET=1", "Dockerfile": "FROM app-own", "index.js": "", ".dockerignore": "*.md\n"])
        let dockerfile = folder.url.appendingPathComponent("Dockerfile")
        try "FROM scratch\n".write(to: dockerfile, atomically: true, encoding: .utf8)
        let archive = try await BuildContext(root: root, dockerfile: dockerfile).archive(in: folder.url.appendingPathComponent("scratch"), runner: ProcessRunner())
        let listing = try await ProcessRunner().run("tar", ["-tvf", archive.path])
        let names = listing.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }
        #expect(Set(names) == [BuildContext.dockerfileName, ".dockerignore", "Dockerfile", "index.js"])
        #expect(listing.stdout.split(separator: "\n").allSatisfy { $0.contains(" 0/0 ") })
        let sent = try await ProcessRunner().run("tar", ["-xOf", archive.path, BuildContext.dockerfileName])
        #expect(sent.stdout == "FROM scratch\n")
        let ignore = try await ProcessRunner().run("tar", ["-xOf", archive.path, ".dockerignore"])
        #expect(ignore.stdout.contains("*.md"))
        #expect(ignore.stdout.contains("/\(BuildContext.dockerfileName)"))
    }

    @Test func buildSendsTheTarOnStdin() async throws {
        let folder = try TemporaryFolder("context")
        let docker = try FakeDocker(in: folder.url)
        try docker.respond("build", stdout: "STEP 1/1: FROM scratch\n")
        let root = try folder.project("app", ["index.js": ""])
        let dockerfile = folder.url.appendingPathComponent("Dockerfile")
        try "FROM scratch\n".write(to: dockerfile, atomically: true, encoding: .utf8)
        let lines = LineLog()
        _ = try await DockerCLI(executable: docker.executable.path).build(tag: "shop:deploy_1", dockerfile: dockerfile, context: root, labels: ["b": "2", "a": "1"], onLine: lines.append)
        #expect(docker.calls("build") == [["build", "-t", "shop:deploy_1", "-f", BuildContext.dockerfileName, "--label", "a=1", "--label", "b=2", "-"]])
        #expect(lines.lines == ["STEP 1/1: FROM scratch"])
    }

    @Test func runContainerKeepsTheEnvironmentOutOfArgv() async throws {
        let folder = try TemporaryFolder("run")
        let docker = try FakeDocker(in: folder.url)
        // The fake copies the env file it is given, to show what docker would have read.
        let copy = folder.url.appendingPathComponent("env-seen")
        let script = try String(contentsOf: docker.executable, encoding: .utf8).replacingOccurrences(
            of: "case \"$1\" in", with: "prev=\"\"; for a in \"$@\"; do [ \"$prev\" = --env-file ] && cp \"$a\" '\(copy.path)' && stat -c %a \"$a\" > '\(copy.path).mode'; prev=\"$a\"; done\ncase \"$1\" in")
        try script.write(to: docker.executable, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: docker.executable.path)
        try docker.respond("run", stdout: "4f1c2e\n")

        let id = try await DockerCLI(executable: docker.executable.path).runContainer(
            name: "shop-1", image: "shop:deploy_1", hostPort: 23456, containerPort: 3000,
            environment: ["DATABASE_URL": "postgres://u:hunter2@db/shop", "PORT": "3000"], labels: ["deployotron.app": "shop"], scratch: folder.url)
        #expect(id == "4f1c2e")
        let call = try #require(docker.calls("run").first)
        #expect(Array(call.prefix(6)) == ["run", "-d", "--name", "shop-1", "-p", "127.0.0.1:23456:3000"])
        #expect(call.contains("deployotron.app=shop"))
        #expect(call.last == "shop:deploy_1")
        #expect(!call.joined(separator: " ").contains("hunter2"))
        #expect(try String(contentsOf: copy, encoding: .utf8) == "DATABASE_URL=postgres://u:hunter2@db/shop\nPORT=3000\n")
        #expect(try String(contentsOf: URL(fileURLWithPath: copy.path + ".mode"), encoding: .utf8) == "600\n")
        let envFile = try #require(call.firstIndex(of: "--env-file").map { call[$0 + 1] })
        #expect(!FileManager.default.fileExists(atPath: envFile), "the env file is deleted once docker has read it")
    }

    @Test func aValueWithALineBreakIsRefusedBeforeDockerRuns() async throws {
        let folder = try TemporaryFolder("run")
        let docker = try FakeDocker(in: folder.url)
        let error = try await #require(throws: DeployError.self) {
            try await DockerCLI(executable: docker.executable.path).runContainer(
                name: "shop-1", image: "shop:1", hostPort: 1, containerPort: 2, environment: ["KEY": "line1\nline2"], scratch: folder.url)
        }
        #expect(error.message.contains("KEY"))
        #expect(!error.message.contains("line1"))
        #expect(docker.calls().isEmpty)
    }

    @Test func containerStateIsNilForAMissingContainerAndRemoveSucceeds() async throws {
        let folder = try TemporaryFolder("state")
        let docker = try FakeDocker(in: folder.url)
        try docker.respond("inspect", stderr: "Error response from daemon: no container with name or ID \"shop-1\" found: no such container\n", exitCode: 1)
        try docker.respond("rm", stderr: "Error: No such container: shop-1\n", exitCode: 1)
        let cli = DockerCLI(executable: docker.executable.path)
        #expect(try await cli.containerState(name: "shop-1") == nil)
        try await cli.removeContainer(name: "shop-1")
        #expect(docker.calls("rm") == [["rm", "-f", "shop-1"]])
    }

    @Test func anotherInspectFailureIsAnError() async throws {
        let folder = try TemporaryFolder("state")
        let docker = try FakeDocker(in: folder.url)
        try docker.respond("inspect", stderr: "permission denied while trying to connect to the Docker daemon socket\n", exitCode: 1)
        await #expect(throws: DeployError.self) { try await DockerCLI(executable: docker.executable.path).containerState(name: "shop-1") }
    }

    @Test func composeFallsBackToTheStandaloneCLI() async throws {
        let folder = try TemporaryFolder("compose")
        let docker = try FakeDocker(in: folder.url)
        try docker.respond("compose", stderr: "docker: unknown command: docker compose\n", exitCode: 1)
        let bin = folder.url.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let standalone = bin.appendingPathComponent("docker-compose")
        try "#!/bin/sh\nprintf '%s ' \"$@\" >> '\(folder.url.path)/standalone.log'\n[ \"$1\" = version ] && echo 1.29.2\nexit 0\n".write(to: standalone, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: standalone.path)

        let cli = DockerCLI(executable: docker.executable.path, runner: ProcessRunner(environment: ["PATH": "\(bin.path):/usr/bin:/bin"]))
        #expect(await cli.composeCommand() == ComposeCommand(executable: "docker-compose", prefix: [], version: "1.29.2"))
        try await cli.composeUp(.init(name: "shop", file: folder.url.appendingPathComponent("compose.yml")))
        let log = try String(contentsOf: folder.url.appendingPathComponent("standalone.log"), encoding: .utf8)
        #expect(log.hasSuffix("-p shop -f \(folder.url.path)/compose.yml up -d --remove-orphans "))
        #expect(docker.calls("compose").count == 1, "detected once, then remembered")
    }

    @Test func noComposeSaysWhatToInstall() async throws {
        let folder = try TemporaryFolder("compose")
        let docker = try FakeDocker(in: folder.url)
        try docker.respond("compose", exitCode: 1)
        // A PATH with what the fake needs (cat) and no docker-compose, which this machine may have.
        let bin = folder.url.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("cat").path, withDestinationPath: "/bin/cat")
        let cli = DockerCLI(executable: docker.executable.path, runner: ProcessRunner(environment: ["PATH": bin.path]))
        #expect(await !cli.composeAvailable())
        let error = try await #require(throws: DeployError.self) { try await cli.composeDown(.init(name: "shop", file: folder.url)) }
        #expect(error.message.contains("docker-compose"))
        #expect(!error.message.contains("\n"))
    }

    @Test func noEngineIsOneLineNamingTheHost() async throws {
        let folder = try TemporaryFolder("engine")
        let docker = try FakeDocker(in: folder.url)
        try docker.respond("version", stdout: "|\n", stderr: "Cannot connect to the Docker daemon at unix:///tmp/none.sock. Is the docker daemon running?\n", exitCode: 1)
        let cli = DockerCLI(executable: docker.executable.path, runner: ProcessRunner(environment: ["PATH": "/usr/bin:/bin", "DOCKER_HOST": "unix:///tmp/none.sock"]))
        let error = try await #require(throws: DeployError.self) { try await cli.engineInfo() }
        #expect(error.message == "no container engine answers (DOCKER_HOST=unix:///tmp/none.sock): start Docker or 'podman system service', then try again")
    }

    @Test func podmanIsRecognised() async throws {
        let folder = try TemporaryFolder("engine")
        let docker = try FakeDocker(in: folder.url)
        try docker.respond("version", stdout: "4.3.1|Podman Engine;Conmon;OCI Runtime (runc);\n")
        let info = try await DockerCLI(executable: docker.executable.path).engineInfo()
        #expect(info == EngineInfo(serverVersion: "4.3.1", isPodman: true, host: ProcessInfo.processInfo.environment["DOCKER_HOST"]))
    }
}
