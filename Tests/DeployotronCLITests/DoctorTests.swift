import ArgumentParser
import Foundation
import JSON
import Ledger
import Synchronization
import Testing
import TestSupport
@testable import DeployotronCLI

/// `deployotron doctor` against what a user may have: no key, a Messages API that answers or
/// refuses, AWS on moto with and without credentials, a real engine or none, a broken ledger.
@Suite(.timeLimit(.minutes(2))) struct DoctorTests {
    static let apiKey = "sk-ant-doctor-test-key-0123456789abcdef"

    // MARK: - Anthropic

    @Test func withoutAKeyTheCredentialsFailAndTheAPIIsNotAsked() async throws {
        let world = try DoctorWorld()
        let report = await world.report(offline: false)
        #expect(report.check("anthropic-credentials")?.status == .failure)
        #expect(report.check("anthropic-credentials")?.fix?.contains("ANTHROPIC_API_KEY") == true)
        #expect(report.check("anthropic-api")?.status == .skipped)
        #expect(!report.passed)

        let lines = DoctorLines()
        let error = await #expect(throws: ExitCode.self) {
            try await DoctorCommand.parse([]).run(world.workspace(console: lines.console))
        }
        #expect(error?.rawValue == 1)
        #expect(lines.text.contains("failure  anthropic-credentials"))
    }

    @Test func aFakeAPIThatAnswersIsReachedWithTheKeyWhichIsNeverPrinted() async throws {
        let world = try DoctorWorld()
        try await FakeMessagesServer.with([.models(["claude-sonnet-5", "claude-haiku-4-5"])]) { server in
            let workspace = world.workspace(["ANTHROPIC_API_KEY": Self.apiKey, "ANTHROPIC_BASE_URL": server.baseURL])
            let report = await Doctor(workspace: workspace, offline: false).run()
            #expect(report.check("anthropic-credentials")?.status == .ok)
            #expect(report.check("anthropic-credentials")?.detail.contains("ANTHROPIC_API_KEY is set") == true)
            #expect(report.check("anthropic-api")?.status == .ok)
            #expect(report.check("model")?.status == .ok, "\(report.text)")
            #expect(!report.text.contains(Self.apiKey))
            #expect(!report.json.contains(Self.apiKey))

            let requests = await server.requests()
            #expect(requests.count == 1)
            #expect(requests.first?.method == "GET")
            #expect(requests.first?.path.hasPrefix("/v1/models") == true)
            #expect(requests.first?.header("x-api-key") == Self.apiKey)
        }
    }

    @Test func aRefusedKeyFailsAndSaysToCheckIt() async throws {
        let world = try DoctorWorld()
        try await FakeMessagesServer.with([.error(status: 401, type: "authentication_error", message: "invalid x-api-key")]) { server in
            let report = await world.report(["ANTHROPIC_API_KEY": Self.apiKey, "ANTHROPIC_BASE_URL": server.baseURL])
            let api = try #require(report.check("anthropic-api"))
            #expect(api.status == .failure)
            #expect(api.fix?.contains("refused") == true)
            #expect(!report.passed)
            #expect(!report.text.contains(Self.apiKey))
        }
    }

    @Test func anAPIThatDoesNotAnswerFails() async throws {
        let world = try DoctorWorld()
        let report = await world.report(["ANTHROPIC_API_KEY": Self.apiKey, "ANTHROPIC_BASE_URL": "http://127.0.0.1:\(try closedPort())"])
        #expect(report.check("anthropic-api")?.status == .failure)
        #expect(report.check("anthropic-api")?.fix?.contains("network") == true)
    }

    @Test func offlineSkipsTheAPIAndJudgesTheModelByWhatDeployotronKnows() async throws {
        let world = try DoctorWorld()
        let known = await world.report(["ANTHROPIC_API_KEY": Self.apiKey, "ANTHROPIC_BASE_URL": "http://127.0.0.1:9"], offline: true)
        #expect(known.check("anthropic-api")?.status == .skipped)
        #expect(known.check("model")?.status == .ok)

        let unknown = await world.report(["ANTHROPIC_API_KEY": Self.apiKey, "DEPLOYOTRON_MODEL": "claude-imaginary-1"], offline: true)
        #expect(unknown.check("model")?.status == .warning)
        #expect(unknown.check("model")?.detail.contains("claude-imaginary-1") == true)
    }

    @Test func aModelTheAPIDoesNotServeFailsWithTheNearestNames() async throws {
        let world = try DoctorWorld()
        try await FakeMessagesServer.with([.models(["claude-sonnet-5", "claude-haiku-4-5"])]) { server in
            let report = await world.report([
                "ANTHROPIC_API_KEY": Self.apiKey, "ANTHROPIC_BASE_URL": server.baseURL, "DEPLOYOTRON_MODEL": "claude-sonet-5",
            ])
            let model = try #require(report.check("model"))
            #expect(model.status == .failure)
            #expect(model.fix?.hasPrefix("choose one it does (claude-sonnet-5") == true, "\(model)")
        }
    }

    // MARK: - Ledger

    @Test func aBrokenLedgerPathFails() async throws {
        let world = try DoctorWorld()
        let file = world.root.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: file)
        let report = await world.report(store: "sqlite:\(file.path)/ledger.sqlite")
        let ledger = try #require(report.check("ledger"))
        #expect(ledger.status == .failure)
        #expect(ledger.detail.contains("does not open"))
        #expect(ledger.fix?.contains("--store") == true)
        #expect(!report.passed)
    }

    @Test func aWorkingLedgerOpensAndIsMigrated() async throws {
        let world = try DoctorWorld()
        let path = world.root.appendingPathComponent("fresh/ledger.sqlite").path
        let report = await world.report(store: "sqlite:\(path)")
        #expect(report.check("ledger")?.status == .ok)
        #expect(FileManager.default.fileExists(atPath: path))
        _ = try SQLiteLedger(path: path)  // the file doctor made is a ledger
    }

    @Test func anUnparsableStoreFails() async throws {
        let world = try DoctorWorld()
        let report = await world.report(["DEPLOYOTRON_STORE": "postgres://nowhere"])
        #expect(report.check("ledger")?.status == .failure)
        #expect(report.check("ledger")?.detail.contains("postgres://nowhere") == true)
    }

    // MARK: - Container engine

    @Test func noEngineOnPATHIsAWarning() async throws {
        let world = try DoctorWorld()
        let report = await world.report(["PATH": world.emptyBin.path])
        let engine = try #require(report.check("engine"))
        #expect(engine.status == .warning)
        #expect(engine.fix?.contains("podman system service") == true)
        #expect(report.check("compose")?.status == .warning)
    }

    @Test func anEngineTheConfigurationNamesFailsWhenItDoesNotAnswer() async throws {
        let world = try DoctorWorld()
        let report = await world.report(["PATH": "/usr/bin:/bin", "DOCKER_HOST": "unix://\(world.root.path)/no-such.sock"])
        let engine = try #require(report.check("engine"))
        #expect(engine.status == .failure)
        #expect(engine.fix?.contains("DOCKER_HOST names one") == true)
        #expect(!report.passed)
    }

    @Test(.enabled(if: DoctorWorld.engineAvailable, "needs the engine scripts/engine.sh starts (DEPLOYOTRON_TEST_ENGINE)"))
    func aPodmanEngineIsNamed() async throws {
        let world = try DoctorWorld()
        let process = ProcessInfo.processInfo.environment
        var variables = ["PATH": process["PATH"] ?? "/usr/bin:/bin"]
        variables["DOCKER_HOST"] = process["DOCKER_HOST"]
        let report = await world.report(variables)
        let engine = try #require(report.check("engine"))
        #expect(engine.status == .ok, "\(engine)")
        #expect(engine.detail.contains("podman"))
        #expect(engine.detail.contains(process["DOCKER_HOST"] ?? "the default socket"))
    }

    // MARK: - AWS

    @Test func withoutAWSCredentialsASQLiteConfigurationOnlyWarns() async throws {
        let world = try DoctorWorld()
        let report = await world.report()
        #expect(report.check("aws-credentials")?.status == .warning)
        #expect(report.check("aws-region")?.status == .warning)
        #expect(report.check("aws-region")?.fix?.contains("AWS_REGION") == true)
    }

    @Test(.enabled(if: MotoServer.isAvailable, "needs moto_server (scripts/moto.sh)"))
    func motoCredentialsResolveToTheirAccountAndARN() async throws {
        let world = try DoctorWorld()
        let report = await world.report(MotoServer.awsEnvironment())
        let credentials = try #require(report.check("aws-credentials"))
        #expect(credentials.status == .ok, "\(credentials)")
        #expect(credentials.detail.contains("account 123456789012"))
        #expect(credentials.detail.contains("arn:aws:iam::123456789012:user/deployotron-tests"))
        #expect(report.check("aws-region")?.detail.hasPrefix("us-east-1 (from AWS_REGION)") == true)
        #expect(!report.text.contains(MotoServer.awsEnvironment()["AWS_SECRET_ACCESS_KEY"] ?? "unset"))
    }

    @Test(.enabled(if: MotoServer.isAvailable, "needs moto_server (scripts/moto.sh)"))
    func motoRefusesAWrongSecretAndADynamoDBLedgerMakesThatAFailure() async throws {
        let world = try DoctorWorld()
        let wrong = MotoServer.awsEnvironment(secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        let sqlite = await world.report(wrong)
        #expect(sqlite.check("aws-credentials")?.status == .warning, "\(sqlite.text)")
        #expect(sqlite.check("aws-credentials")?.fix?.contains("refused") == true)
        #expect(!sqlite.text.contains("wJalrXUtnFEMI"))

        let dynamo = await world.report(wrong, store: "dynamodb:\(MotoServer.uniqueTable("doctor"))")
        #expect(dynamo.check("aws-credentials")?.status == .failure)
        #expect(dynamo.check("ledger")?.status == .failure)
        #expect(!dynamo.passed)
    }

    @Test(.enabled(if: MotoServer.isAvailable, "needs moto_server (scripts/moto.sh)"))
    func aDynamoDBLedgerWithoutCredentialsFails() async throws {
        let world = try DoctorWorld()
        var variables = MotoServer.awsEnvironment()
        variables["AWS_ACCESS_KEY_ID"] = nil
        variables["AWS_SECRET_ACCESS_KEY"] = nil
        variables["HOME"] = world.root.appendingPathComponent("home").path
        let report = await world.report(variables, store: "dynamodb:\(MotoServer.uniqueTable("doctor"))")
        let credentials = try #require(report.check("aws-credentials"))
        #expect(credentials.status == .failure)
        #expect(credentials.detail.contains("no AWS credentials"))
        #expect(credentials.fix?.contains("DynamoDB ledger needs them") == true)
        #expect(!report.passed)
    }

    @Test(.enabled(if: MotoServer.isAvailable, "needs moto_server (scripts/moto.sh)"))
    func aDynamoDBLedgerNeedsItsTablesThenTakesWrites() async throws {
        let world = try DoctorWorld()
        let store = "dynamodb:\(MotoServer.uniqueTable("doctor"))?region=us-east-1"
        let before = await world.report(MotoServer.awsEnvironment(), store: store)
        let missing = try #require(before.check("ledger"))
        #expect(missing.status == .failure)
        #expect(missing.fix?.contains("deployotron store init --store \(store)") == true, "\(missing)")

        try await LedgerLocation(parsing: store).initialize(environment: MotoServer.awsEnvironment())
        let after = await world.report(MotoServer.awsEnvironment(), store: store)
        #expect(after.check("ledger")?.status == .ok, "\(after.text)")
        #expect(after.check("aws-region")?.detail.contains("?region=") == true)
    }

    // MARK: - serve and skills

    @Test func serveIsSkippedWithoutANotifyURLAndFailsWhenItsURLDoesNotAnswer() async throws {
        let world = try DoctorWorld()
        #expect(await world.report().check("serve")?.status == .skipped)

        let report = await world.report(["DEPLOYOTRON_NOTIFY_URL": "http://127.0.0.1:\(try closedPort())"])
        #expect(report.check("serve")?.status == .failure)
        #expect(report.check("serve")?.fix?.contains("deployotron serve") == true)
    }

    @Test func serveAnsweringHealthzAtTheNotifyURLIsOK() async throws {
        let world = try DoctorWorld()
        try await FakeMessagesServer.with([.json(["status": "ok"])]) { server in
            let report = await world.report(["DEPLOYOTRON_NOTIFY_URL": server.baseURL + "/notify"])
            #expect(report.check("serve")?.status == .ok, "\(report.text)")
            #expect(await server.requests().first?.path == "/healthz")
        }
    }

    @Test func aBrokenSkillIsAWarningNamingIt() async throws {
        let world = try DoctorWorld()
        let skill = world.project.appendingPathComponent(".claude/skills/broken")
        try FileManager.default.createDirectory(at: skill, withIntermediateDirectories: true)
        try Data("---\nname: Broken_Skill\ndescription: breaks the name rules\n---\nDo things.\n".utf8).write(to: skill.appendingPathComponent("SKILL.md"))
        let report = await world.report()
        let skills = try #require(report.check("skills"))
        #expect(skills.status == .warning, "\(skills)")
        #expect(skills.detail.contains("Broken_Skill: name 'Broken_Skill' breaks the format"), "\(skills)")

        let clean = try DoctorWorld()
        #expect(await clean.report().check("skills")?.status == .ok)
    }

    // MARK: - Output

    @Test func theReportIsOneLinePerCheckOrJSON() async throws {
        let world = try DoctorWorld()
        let lines = DoctorLines()
        _ = try? await DoctorCommand.parse(["--offline"]).run(world.workspace(console: lines.console))
        let names = ["anthropic-credentials", "anthropic-api", "model", "ledger", "engine", "compose", "aws-credentials", "aws-region", "serve", "skills"]
        let printed = lines.text.split(separator: "\n")
        #expect(printed.count == names.count + 1)
        for (line, name) in zip(printed, names) {
            let words = line.split(separator: " ")
            #expect(["ok", "warning", "failure", "skipped"].contains(String(words[0])), "\(line)")
            #expect(String(words[1]) == name)
        }
        #expect(printed.last?.hasPrefix("deployotron \(DeployotronVersion.current) (commit ") == true)

        let json = DoctorLines()
        _ = try? await DoctorCommand.parse(["--offline", "--json"]).run(world.workspace(console: json.console))
        let value = try JSONValue(parsing: Data(json.text.utf8))
        #expect(value["passed"]?.boolValue == false)
        #expect(value["checks"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == names)
        #expect(value["checks"]?.arrayValue?.first?["status"]?.stringValue == "failure")
        #expect(value["version"]?.stringValue == DeployotronVersion.description)
    }

    @Test func aConfigurationWithEverythingItNeedsPasses() async throws {
        let world = try DoctorWorld()
        try await FakeMessagesServer.with([.models(["claude-sonnet-5"])]) { server in
            let lines = DoctorLines()
            let workspace = world.workspace(["ANTHROPIC_API_KEY": Self.apiKey, "ANTHROPIC_BASE_URL": server.baseURL, "PATH": world.emptyBin.path], console: lines.console)
            try await DoctorCommand.parse([]).run(workspace)
            #expect(lines.text.contains("ready ("), "\(lines.text)")
        }
    }
}

// MARK: - Doubles

/// A project, a home and XDG folders with nothing in them, and a PATH folder with no programs.
struct DoctorWorld {
    let root: URL
    let project: URL
    let emptyBin: URL

    static var engineAvailable: Bool {
        ProcessInfo.processInfo.environment["DEPLOYOTRON_TEST_ENGINE"].map { !$0.isEmpty && $0 != "0" } == true
    }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-\(UUID().uuidString)", isDirectory: true)
        project = root.appendingPathComponent("shop", isDirectory: true)
        emptyBin = root.appendingPathComponent("bin", isDirectory: true)
        for folder in [project, emptyBin, root.appendingPathComponent("home")] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    /// No key, no AWS, no engine variables: what each test adds is all there is.
    func environment(_ extra: [String: String]) -> [String: String] {
        [
            "HOME": root.appendingPathComponent("home").path,
            "XDG_STATE_HOME": root.appendingPathComponent("state").path,
            "XDG_DATA_HOME": root.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": root.appendingPathComponent("config").path,
            "PATH": emptyBin.path,
            "USER": "tester",
        ].merging(extra) { _, new in new }
    }

    func workspace(_ extra: [String: String] = [:], store: String? = nil, console: Console = Console(out: { _ in }, err: { _ in })) -> Workspace {
        Workspace.current(projectRoot: project.path, store: store, environment: environment(extra), console: console)
    }

    func report(_ extra: [String: String] = [:], store: String? = nil, offline: Bool = false) async -> DoctorReport {
        var doctor = Doctor(workspace: workspace(extra, store: store), offline: offline)
        // Generous: moto is shared by every suite running in parallel on a 2-core machine, and
        // no test here waits for the bound to pass (silent servers are refused ports instead).
        doctor.timeout = .seconds(30)
        return await doctor.run()
    }
}

/// Collects what a command prints.
final class DoctorLines: Sendable {
    private let lines = Mutex<[String]>([])
    var console: Console { Console(out: { line in self.lines.withLock { $0.append(line) } }, err: { _ in }) }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

/// A loopback port nothing listens on (bound, then closed).
func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw CocoaError(.fileReadUnknown) }
    return Int(UInt16(bigEndian: address.sin_port))
}
