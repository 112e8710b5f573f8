import Foundation
import Ledger
import Testing
import TestSupport

/// The deploy API of a real `deployotron serve` (the binary, real sockets, a SQLite ledger), driven
/// with curl as a client would, deploying with the fake docker of `Tests/fixtures/serve-docker.sh`
/// (its build can be held to act mid-deploy).
@Suite(.serialized) struct ServeDeployTests {
    static let project = "shop-7f3c2a1e"

    @Test func aDeployIsStreamedToItsOutcome() async throws {
        let serve = try await Serve.start()
        defer { serve.stop() }
        let reply = try await serve.curl(["-X", "POST", "-H", "Content-Type: application/json",
                                         "-d", #"{"source":{"path":"\#(serve.app.path)"},"variables":{"API_KEY":"sk-live-abcdef123456"}}"#,
                                         "\(serve.url)/api/projects/\(Self.project)/deploy"])
        #expect(reply.status == 200)
        let events = SSEFrame.parse(reply.body)
        #expect(events.map(\.id) == Array(1...events.count), "ids number the events")
        #expect(events.first?.name == "job")
        #expect(events.dropFirst().dropLast().allSatisfy { $0.name == "progress" })
        #expect(Set(events.compactMap { $0.json["step"] as? String }).isSuperset(of: ["take deploy lock", "build image", "wait until healthy"]))
        let shares = events.compactMap { $0.json["share"] as? Double }
        #expect(shares == shares.sorted() && shares.last == 1)
        let outcome = try #require(events.last)
        #expect(outcome.name == "outcome")
        #expect(outcome.json["status"] as? String == "succeeded")
        let deployment = try #require(outcome.json["deployment"] as? [String: Any])
        #expect(deployment["status"] as? String == "running")
        #expect(deployment["projectId"] as? String == Self.project)
        #expect(!reply.body.contains("sk-live-abcdef123456"), "a variable's value is never shown")

        let id = try #require(deployment["id"] as? String)
        let detail = try await serve.curl(["\(serve.url)/api/deployments/\(id)"])
        #expect(detail.status == 200)
        #expect(detail.json["live"] as? Bool == true)
        let list = try await serve.curl(["\(serve.url)/api/deployments?project=\(Self.project)"])
        #expect((list.json["deployments"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
        #expect(!serve.log.contains("sk-live-abcdef123456"))
    }

    @Test func aClientThatLeavesMidDeployResumesWithLastEventID() async throws {
        let serve = try await Serve.start()
        defer { serve.stop() }
        try serve.holdBuilds()
        // The first client: streams the deploy, and leaves while the image builds.
        let first = try serve.streamingCurl(["-X", "POST", "-H", "Content-Type: application/json",
                                             "-d", #"{"source":{"path":"\#(serve.app.path)"}}"#, "\(serve.url)/api/projects/\(Self.project)/deploy"])
        try await waitFor("the build to start") { serve.isBuilding && first.text.contains("STEP 1/2") }
        kill(first.process.processIdentifier, SIGKILL)
        let firstProcess = first.process
        await OwnThread.run { firstProcess.waitUntilExit() }
        let seen = SSEFrame.parse(first.text)
        let job = try #require(seen.first?.json["id"] as? String)
        let last = try #require(seen.last?.id)

        // The deploy went on without it.
        let running = try await serve.curl(["\(serve.url)/api/jobs/\(job)"])
        #expect((running.json["job"] as? [String: Any])?["state"] as? String == "running")
        serve.releaseBuilds()

        // The second client picks up where the first left off.
        let rest = try await serve.curl(["-H", "Last-Event-ID: \(last)", "\(serve.url)/api/jobs/\(job)/events"])
        #expect(rest.status == 200)
        let resumed = SSEFrame.parse(rest.body)
        #expect(resumed.first?.id == last + 1)
        #expect(resumed.map(\.id) == Array((last + 1)..<(last + 1 + resumed.count)))
        #expect(resumed.last?.name == "outcome")
        #expect(resumed.last?.json["status"] as? String == "succeeded")
        let ended = try await serve.curl(["\(serve.url)/api/jobs/\(job)"])
        #expect((ended.json["job"] as? [String: Any])?["state"] as? String == "succeeded")
    }

    @Test func aSecondDeployOfTheSameProjectAndEnvironmentIsRefusedWithWhoHoldsIt() async throws {
        let serve = try await Serve.start()
        defer { serve.stop() }
        try serve.holdBuilds()
        let body = #"{"source":{"path":"\#(serve.app.path)"}}"#
        let started = try await serve.curl(["-X", "POST", "-H", "Content-Type: application/json", "-H", "Accept: application/json",
                                           "-d", body, "\(serve.url)/api/projects/\(Self.project)/deploy"])
        #expect(started.status == 202)
        let job = try #require((started.json["job"] as? [String: Any])?["id"] as? String)

        let second = try await serve.curl(["-X", "POST", "-H", "Content-Type: application/json", "-d", body,
                                          "\(serve.url)/api/projects/\(Self.project)/deploy"])
        #expect(second.status == 409)
        #expect((second.json["error"] as? String)?.contains("job \(job)") == true)

        // Another process's deploy holds the ledger's lock of another project: refused, naming it.
        let ledger = try SQLiteLedger(path: serve.ledgerPath)
        _ = try await ledger.acquireDeployLock(DeployLock(projectId: "other-1", deploymentId: "d-cli", holder: "pid 4242 on host builder", since: Date()))
        let locked = try await serve.curl(["-X", "POST", "-H", "Content-Type: application/json", "-d", body,
                                          "\(serve.url)/api/projects/other-1/deploy"])
        #expect(locked.status == 409)
        #expect((locked.json["error"] as? String)?.contains("held by pid 4242 on host builder") == true)

        serve.releaseBuilds()
        let rest = try await serve.curl(["\(serve.url)/api/jobs/\(job)/events"])
        #expect(SSEFrame.parse(rest.body).last?.json["status"] as? String == "succeeded")
    }

    @Test func offLoopbackWithoutTheTokenIs401() async throws {
        let serve = try await Serve.start(arguments: ["--host", "0.0.0.0", "--token", "s3cret-token"])
        defer { serve.stop() }
        let body = #"{"source":{"path":"\#(serve.app.path)"}}"#
        let refused = try await serve.curl(["-X", "POST", "-H", "Content-Type: application/json", "-d", body,
                                           "\(serve.url)/api/projects/\(Self.project)/deploy"])
        #expect(refused.status == 401)
        #expect(try await serve.curl(["\(serve.url)/api/deployments"]).status == 401)
        #expect(try await serve.curl(["-X", "POST", "\(serve.url)/api/projects/\(Self.project)/rollback"]).status == 401)
        #expect(try await serve.curl(["-X", "DELETE", "\(serve.url)/api/deployments/abcd1234"]).status == 401)
        let allowed = try await serve.curl(["-X", "POST", "-H", "Authorization: Bearer s3cret-token", "-H", "Content-Type: application/json",
                                           "-H", "Accept: application/json", "-d", body, "\(serve.url)/api/projects/\(Self.project)/deploy"])
        #expect(allowed.status == 202)
        #expect(!serve.log.contains("s3cret-token"))
    }

    @Test func sigtermCancelsARunningDeployAndWaitsForItsCleanUp() async throws {
        let serve = try await Serve.start()
        try serve.holdBuilds()
        let started = try await serve.curl(["-X", "POST", "-H", "Content-Type: application/json", "-H", "Accept: application/json",
                                           "-d", #"{"source":{"path":"\#(serve.app.path)"},"environment":"staging"}"#,
                                           "\(serve.url)/api/projects/\(Self.project)/deploy"])
        #expect(started.status == 202)
        try await waitFor("the build to start") { serve.isBuilding }
        let status = await serve.stopAndWait()
        #expect(status == 0, "serve said: \(serve.log)")
        let record = try #require(try await SQLiteLedger(path: serve.ledgerPath).allDeployments(limit: nil).first)
        #expect(record.status == .cancelled)
        #expect(record.environmentName == "staging")
    }

    @Test func aClientsMistakeIsOne4xxSentenceAndCredentialsAreNeverShown() async throws {
        let serve = try await Serve.start()
        defer { serve.stop() }
        let cases: [(body: String, status: Int, says: String)] = [
            (#"{"source":{"path":"relative/folder"}}"#, 400, "absolute path"),
            (#"{"source":{"path":"/no/such/folder"}}"#, 400, "is not a folder"),
            (#"{"source":{"path":"\#(serve.app.path)"},"target":"mainframe"}"#, 400, "\"target\" is one of local, s3-cloudfront, ecs"),
            (#"{"source":{}}"#, 400, "needs \"path\""),
            (#"{"target":"local"}"#, 400, "needs a \"source\""),
            (#"{"source":{"path":"\#(serve.app.path)"},"environment":"Not An Env!"}"#, 400, "is not an environment name"),
            ("[", 400, "not valid JSON"),
        ]
        for item in cases {
            let reply = try await serve.curl(["-X", "POST", "-H", "Content-Type: application/json", "-d", item.body,
                                             "\(serve.url)/api/projects/\(Self.project)/deploy"])
            #expect(reply.status == item.status, "\(item.body): \(reply.body)")
            #expect((reply.json["error"] as? String)?.contains(item.says) == true, "\(item.body): \(reply.body)")
        }
        let gone = try await serve.curl(["\(serve.url)/api/deployments/abcd1234"])
        #expect(gone.status == 404)

        // A repository address with a password: the deploy fails (nothing listens there), and the
        // password is in no answer and no log line.
        let secret = try await serve.curl(["-X", "POST", "-H", "Content-Type: application/json",
                                          "-d", #"{"source":{"git":"http://deployer:hunter2-pass@127.0.0.1:9/shop.git","ref":"main"}}"#,
                                          "\(serve.url)/api/projects/\(Self.project)/deploy"])
        #expect(secret.status == 200)
        #expect(SSEFrame.parse(secret.body).last?.json["status"] as? String == "failed")
        #expect(secret.body.contains("http://127.0.0.1:9/shop.git"))
        #expect(!secret.body.contains("hunter2-pass"))
        let jobs = try await serve.curl(["\(serve.url)/api/jobs?project=\(Self.project)"])
        #expect(!jobs.body.contains("hunter2-pass"))
        #expect(!serve.log.contains("hunter2-pass"))
    }

    @Test func aLiveDeploymentsLogIsFollowedRedactedAndLeavingStopsDockerLogs() async throws {
        let serve = try await Serve.start()
        defer { serve.stop() }
        let id = try await serve.deploy()
        try serve.appendLog("listening on :3000")

        let lines = try await serve.curl(["\(serve.url)/api/deployments/\(id)/logs?tail=5"])
        #expect(lines.status == 200)
        #expect(lines.json["deploymentId"] as? String == id)
        #expect(lines.json["source"] as? String == "container")
        #expect(lines.json["lines"] as? [String] == ["listening on :3000"])

        let follow = try serve.streamingCurl(["\(serve.url)/api/deployments/\(id)/logs?follow=true"])
        try await waitFor("the backlog") { SSEFrame.parse(follow.text).count == 1 }
        let child = try #require(serve.logsFollowPid)
        #expect(kill(child, 0) == 0, "docker logs --follow runs")
        try serve.appendLog("GET / 200")
        try serve.appendLog("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY key=sk-ant-api03-abcdefghijklmnop0123")
        try await waitFor("new lines, live") { SSEFrame.parse(follow.text).count == 3 }
        let frames = SSEFrame.parse(follow.text)
        #expect(frames.map(\.id) == [1, 2, 3])
        #expect(frames.allSatisfy { $0.name == "line" })
        #expect(frames.map { $0.json["line"] as? String } == ["listening on :3000", "GET / 200", "AWS_SECRET_ACCESS_KEY=[REDACTED] key=[REDACTED]"])
        #expect(!follow.text.contains("wJalrXUtnFEMI") && !follow.text.contains("sk-ant-api03"))

        // The client leaves: the docker logs child is stopped.
        kill(follow.process.processIdentifier, SIGKILL)
        let followProcess = follow.process
        await OwnThread.run { followProcess.waitUntilExit() }
        try await waitFor("docker logs --follow to stop", seconds: 5) { kill(child, 0) != 0 }

        // A deployment that is no longer live is refused before anything is streamed.
        let second = try await serve.deploy()
        #expect(second != id)
        let refused = try await serve.curl(["-H", "Accept: text/event-stream", "\(serve.url)/api/deployments/\(id)/logs"])
        #expect(refused.status == 409)
        #expect((refused.json["error"] as? String)?.contains("not its project's current one") == true)
        let bad = try await serve.curl(["\(serve.url)/api/deployments/\(second)/logs?since=yesterday-ish"])
        #expect(bad.status == 400)
        #expect((bad.json["error"] as? String)?.contains("is neither a duration") == true)
        #expect(!serve.log.contains("wJalrXUtnFEMI"))
    }

    @Test func shuttingDownEndsAFollowAndStopsDockerLogs() async throws {
        let serve = try await Serve.start()
        let id = try await serve.deploy()
        try serve.appendLog("ready")
        let follow = try serve.streamingCurl(["-H", "Accept: text/event-stream", "\(serve.url)/api/deployments/\(id)/logs"])
        try await waitFor("the backlog") { SSEFrame.parse(follow.text).count == 1 }
        let child = try #require(serve.logsFollowPid)
        let status = await serve.stopAndWait()
        #expect(status == 0, "serve said: \(serve.log)")
        #expect(kill(child, 0) != 0, "docker logs --follow stopped before serve exited")
        let followProcess = follow.process
        await OwnThread.run { followProcess.waitUntilExit() }
    }
}

// MARK: - The server under test

/// `deployotron serve` on a free port, with a sandboxed home, a SQLite ledger and the fake docker.
final class Serve: @unchecked Sendable {
    let sandbox: OneShotProcess.Sandbox
    let process: Process
    let url: String
    let logFile: URL
    let dockerState: URL
    var app: URL { sandbox.project }
    var ledgerPath: String { sandbox.root.appendingPathComponent("ledger.sqlite").path }

    static let fakeDocker = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/serve-docker.sh")

    private init(sandbox: OneShotProcess.Sandbox, process: Process, url: String, logFile: URL, dockerState: URL) {
        self.sandbox = sandbox
        self.process = process
        self.url = url
        self.logFile = logFile
        self.dockerState = dockerState
    }

    static func start(arguments: [String] = []) async throws -> Serve {
        let sandbox = try OneShotProcess.Sandbox()
        try sandbox.write(#"{"name":"shop","dependencies":{"express":"4"},"scripts":{"start":"node server.js"}}"#, to: "package.json")
        try sandbox.write("require('express')().listen(3000)", to: "server.js")
        let dockerState = sandbox.root.appendingPathComponent("docker", isDirectory: true)
        try FileManager.default.createDirectory(at: dockerState, withIntermediateDirectories: true)
        let logFile = sandbox.root.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = try OneShotProcess.binary
        process.arguments = ["serve", "--port", "0", "--store", "sqlite:" + sandbox.root.appendingPathComponent("ledger.sqlite").path] + arguments
        process.currentDirectoryURL = sandbox.root
        process.environment = [
            "HOME": sandbox.home.path, "XDG_STATE_HOME": sandbox.state.path, "XDG_DATA_HOME": sandbox.root.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": sandbox.root.appendingPathComponent("config").path, "PATH": "/usr/bin:/bin", "NO_COLOR": "1",
            "DEPLOYOTRON_DOCKER": fakeDocker.path, "DEPLOYOTRON_FAKE_DOCKER_STATE": dockerState.path,
        ]
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var port: String?
        for _ in 0..<600 where port == nil && process.isRunning {
            let text = String(decoding: FileManager.default.contents(atPath: logFile.path) ?? Data(), as: UTF8.self)
            if let range = text.range(of: #"listening address=[0-9.]+:(\d+)"#, options: .regularExpression) {
                port = text[range].split(separator: ":").last.map(String.init)
            }
            if port == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let serve = Serve(sandbox: sandbox, process: process, url: "http://127.0.0.1:\(port ?? "0")", logFile: logFile, dockerState: dockerState)
        guard port != nil else {
            serve.stop()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "serve did not start: \(serve.log)"])
        }
        return serve
    }

    var log: String { String(decoding: FileManager.default.contents(atPath: logFile.path) ?? Data(), as: UTF8.self) }

    /// SIGTERM without waiting (for `defer`: a test never blocks a cooperative thread on a
    /// process, see `OwnThread`); lets held builds go and stops the fake containers' HTTP servers.
    func stop() {
        if process.isRunning { process.terminate() }
        releaseBuilds()
        stopContainerServers()
    }

    /// SIGTERM, then waits (on a thread of its own) for the server to exit; its exit status.
    func stopAndWait() async -> Int32 {
        if process.isRunning { process.terminate() }
        let process = self.process
        await OwnThread.run { process.waitUntilExit() }
        releaseBuilds()
        stopContainerServers()
        return process.terminationStatus
    }

    private func stopContainerServers() {
        let servers = dockerState.appendingPathComponent("servers")
        for file in (try? FileManager.default.contentsOfDirectory(atPath: servers.path)) ?? [] {
            if let text = try? String(contentsOf: servers.appendingPathComponent(file), encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(pid, SIGTERM)
            }
        }
    }

    func holdBuilds() throws {
        FileManager.default.createFile(atPath: dockerState.appendingPathComponent("hold-build").path, contents: nil)
    }

    func releaseBuilds() {
        try? FileManager.default.removeItem(at: dockerState.appendingPathComponent("hold-build"))
    }

    /// Deploys the sandbox's app through the API and returns the new deployment's id.
    func deploy() async throws -> String {
        let reply = try await curl(["-X", "POST", "-H", "Content-Type: application/json", "-d", #"{"source":{"path":"\#(app.path)"}}"#,
                                    "\(url)/api/projects/\(ServeDeployTests.project)/deploy"])
        let outcome = try #require(SSEFrame.parse(reply.body).last, "deploy answered \(reply.status): \(reply.body)")
        #expect(outcome.json["status"] as? String == "succeeded", "\(reply.body)")
        return try #require((outcome.json["deployment"] as? [String: Any])?["id"] as? String)
    }

    /// Appends a line to what the fake containers log.
    func appendLog(_ line: String) throws {
        let file = dockerState.appendingPathComponent("app.log")
        if !FileManager.default.fileExists(atPath: file.path) { FileManager.default.createFile(atPath: file.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
    }

    /// The pid of the fake docker's last `logs --follow`.
    var logsFollowPid: pid_t? {
        (try? String(contentsOf: dockerState.appendingPathComponent("logs-follow.pid"), encoding: .utf8))
            .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    var isBuilding: Bool { FileManager.default.fileExists(atPath: dockerState.appendingPathComponent("building").path) }

    struct Reply {
        var status: Int
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    /// curl with `arguments`, to the end of the answer.
    func curl(_ arguments: [String]) async throws -> Reply {
        let body = sandbox.root.appendingPathComponent("curl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: body) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "-N", "--max-time", "120", "-o", body.path, "-w", "%{http_code}"] + arguments
        let out = Pipe()
        process.standardOutput = out
        let exited = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in exited.continuation.finish() }
        try process.run()
        for await _ in exited.stream {}
        let status = Int(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)) ?? 0
        return Reply(status: status, body: String(decoding: FileManager.default.contents(atPath: body.path) ?? Data(), as: UTF8.self))
    }

    struct Stream {
        var process: Process
        var file: URL
        var text: String { String(decoding: FileManager.default.contents(atPath: file.path) ?? Data(), as: UTF8.self) }
    }

    /// curl with `arguments`, writing the answer to a file as it arrives; the caller ends it.
    func streamingCurl(_ arguments: [String]) throws -> Stream {
        let file = sandbox.root.appendingPathComponent("stream-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "-N", "--max-time", "120"] + arguments
        process.standardOutput = try FileHandle(forWritingTo: file)
        try process.run()
        return Stream(process: process, file: file)
    }
}

/// One Server-Sent Events frame with JSON data.
struct SSEFrame {
    var id: Int
    var name: String
    var json: [String: Any]

    static func parse(_ text: String) -> [SSEFrame] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var id: Int?
            var name = "message"
            var data = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = Int(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data += line.dropFirst(6) }
            }
            guard let id else { return nil }
            let json = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:]
            return SSEFrame(id: id, name: name, json: json)
        }
    }
}

/// Polls `condition` for up to `seconds` (30 s).
func waitFor(_ what: String, seconds: Int = 30, _ condition: () -> Bool) async throws {
    for _ in 0..<(seconds * 20) {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "timed out waiting for \(what)"])
}
