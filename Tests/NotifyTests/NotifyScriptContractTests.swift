import Dispatch
import Foundation
import JSON
import Ledger
import Notify
import Testing

/// Runs the real `notify/notify.sh` (and a script with the seed's original curl line) with bash and
/// curl against a live server.
@Suite struct NotifyScriptContractTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = repository.appendingPathComponent("notify/notify.sh").path

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the script on a Dispatch thread: waiting for it must not hold one of the few threads
    /// the in-process server needs to answer it.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(executable, arguments, environment: environment) })
            }
        }
    }

    static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [executable] + arguments
        var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DEPLOYOTRON_NOTIFY") }
        merged.merge(environment) { _, new in new }
        process.environment = merged
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test(arguments: TestStore.available)
    func everyEventTypeAndEveryResourceReportSurvive(_ kind: TestStore) async throws {
        let dir = try TemporaryDirectory()
        let store = try await kind.open(in: dir)
        try await store.registerProject(guid: "contract-1", userId: "alice", name: "shop", at: Date())
        try await LiveServer.with(store: store) { server in
            let environment = ["DEPLOYOTRON_NOTIFY_URL": server.baseURL, "DEPLOYOTRON_NOTIFY_GUID": "contract-1"]
            let messages = [
                "ack": "got it", "status": "building \"frontend\"\n  step 2/5\tok", "error": #"C:\path\to\file failed"#,
                "done": "", "summary": "ünïcödé ✓ and a control \u{1}char", "deployed": "https://d1.cloudfront.net",
            ]
            let order = ["ack", "status", "error", "done", "summary", "deployed"]
            for type in order {
                let run = try await Self.run(Self.script, [type, messages[type]!], environment: environment)
                #expect(run.status == 0, "\(type): \(run.stderr)")
            }
            let reports = [
                #"{"s3Bucket":"tmux-builder-contract-1","region":"us-east-1"}"#,
                #"{"cloudFrontId":"E123","cloudFrontUrl":"https://d1.cloudfront.net"}"#,
                "{\n  \"ecsCluster\": \"c1\",\n  \"rdsEndpoint\": \"db.example:5432\"\n}",
                #"{"region":"eu-west-1","ecr":["tmux-contract-1-backend","tmux-contract-1-frontend"]}"#,
            ]
            for report in reports {
                let run = try await Self.run(Self.script, ["resources", report], environment: environment)
                #expect(run.status == 0, "\(run.stderr)")
            }
            let events = try await store.events(guid: "contract-1", after: nil, limit: nil)
            #expect(events.map(\.kind.rawValue) == order + Array(repeating: "resources", count: reports.count))
            for (event, type) in zip(events, order) {
                #expect(event.message == messages[type], "\(type)")
            }
            let resources = try #require(try await store.resources(guid: "contract-1"))
            #expect(resources.awsResources == [
                "s3Bucket": "tmux-builder-contract-1", "region": "eu-west-1", "cloudFrontId": "E123",
                "cloudFrontUrl": "https://d1.cloudfront.net", "ecsCluster": "c1", "rdsEndpoint": "db.example:5432",
                "ecr": ["tmux-contract-1-backend", "tmux-contract-1-frontend"],
            ])
            #expect(resources.userId == "alice")
        }
    }

    @Test func theSeedsOwnScriptWorksUnchanged() async throws {
        let dir = try TemporaryDirectory()
        let seedScript = dir.path("seed-notify.sh")
        // The request the seed's template sends, word for word: message and data pasted in unescaped.
        let text = """
            #!/bin/bash
            GUID="seed-guid"
            WS_SERVER="${SERVER_UNDER_TEST}"
            case "$1" in
                ack|status|error|done|summary|deployed)
                    curl -s -X POST "$WS_SERVER/notify" \\
                        -H "Content-Type: application/json" \\
                        -d "{\\"guid\\":\\"$GUID\\",\\"type\\":\\"$1\\",\\"message\\":\\"$2\\"}"
                    ;;
                resources)
                    curl -s -X POST "$WS_SERVER/notify" \\
                        -H "Content-Type: application/json" \\
                        -d "{\\"guid\\":\\"$GUID\\",\\"type\\":\\"resources\\",\\"data\\":$2}"
                    ;;
                *)
                    echo "Usage: $0 {ack|status|error|done|summary|deployed|resources} [message/json]"
                    exit 1
                    ;;
            esac
            """
        try text.write(toFile: seedScript, atomically: true, encoding: .utf8)
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        try await LiveServer.with(store: store) { server in
            let environment = ["SERVER_UNDER_TEST": server.baseURL]
            for type in ["ack", "status", "error", "done", "summary", "deployed"] {
                let run = try await Self.run(seedScript, [type, "\(type) message"], environment: environment)
                #expect(run.status == 0)
                #expect(run.stdout.contains("\"ok\":true"))
            }
            #expect(try await Self.run(seedScript, ["resources", #"{"s3Bucket":"tmux-builder-seed-guid"}"#], environment: environment).status == 0)
            #expect(try await Self.run(seedScript, ["resources", #"{"cloudFrontUrl":"https://d9.cloudfront.net"}"#], environment: environment).status == 0)
            let usage = try await Self.run(seedScript, ["launch"], environment: environment)
            #expect(usage.status == 1)
        }
        let events = try await store.events(guid: "seed-guid", after: nil, limit: nil)
        #expect(events.count == 8)
        #expect(events[1].message == "status message")
        let resources = try #require(try await store.resources(guid: "seed-guid"))
        #expect(resources.awsResources == ["s3Bucket": "tmux-builder-seed-guid", "cloudFrontUrl": "https://d9.cloudfront.net"])
        #expect(resources.userId == "unknown")
        #expect(resources.projectName == "Unnamed Project")
    }

    @Test func theUsageLineIsTheSeeds() async throws {
        let run = try await Self.run(Self.script, ["launch"], environment: ["DEPLOYOTRON_NOTIFY_GUID": "g"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("{ack|status|error|done|summary|deployed|resources} [message/json]"))
    }

    @Test func anUnreachableServerIsAClearFailure() async throws {
        // A port nobody listens on: bind one, note it, close it.
        let socket = try ServerSocketProbe.freePort()
        let run = try await Self.run(Self.script, ["status", "x"], environment: [
            "DEPLOYOTRON_NOTIFY_URL": "http://127.0.0.1:\(socket)", "DEPLOYOTRON_NOTIFY_GUID": "g", "DEPLOYOTRON_NOTIFY_TIMEOUT": "5",
        ])
        #expect(run.status == 2)
        #expect(run.stderr.contains("cannot reach deployotron at http://127.0.0.1:\(socket)"))
    }

    @Test func aRefusedEventIsAClearFailure() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        try await LiveServer.with(store: store, configuration: NotifyServerConfiguration(port: 0, token: "tok-123")) { server in
            let base = ["DEPLOYOTRON_NOTIFY_URL": server.baseURL, "DEPLOYOTRON_NOTIFY_GUID": "g"]
            let bad = try await Self.run(Self.script, ["resources", #""not an object""#], environment: base.merging(["DEPLOYOTRON_NOTIFY_TOKEN": "tok-123"]) { $1 })
            #expect(bad.status == 3)
            #expect(bad.stderr.contains("HTTP 400"))
            #expect(bad.stderr.contains("must be a JSON object"))
            let unauthorized = try await Self.run(Self.script, ["status", "x"], environment: base)
            #expect(unauthorized.status == 3)
            #expect(unauthorized.stderr.contains("HTTP 401"))
            let good = try await Self.run(Self.script, ["status", "x"], environment: base.merging(["DEPLOYOTRON_NOTIFY_TOKEN": "tok-123"]) { $1 })
            #expect(good.status == 0, "\(good.stderr)")
        }
        #expect(try await store.eventCount() == 1)
    }

    @Test func withoutAGuidTheScriptSaysHowToGetOne() async throws {
        let run = try await Self.run(Self.script, ["status", "x"], environment: [:])
        #expect(run.status == 1)
        #expect(run.stderr.contains("DEPLOYOTRON_NOTIFY_GUID"))
    }
}
