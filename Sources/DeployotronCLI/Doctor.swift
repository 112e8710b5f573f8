import AWS
import Agent
import AsyncHTTPClient
import Claude
import Deploy
import Foundation
import Ledger
import Locations
import NIOCore
import NIOHTTP1
import Shell

/// Looks at everything a session or a deploy will depend on, before it does: Claude's credentials
/// and API, the model, the ledger, the container engine and compose, AWS credentials and region,
/// the notify endpoint and the skills.
///
/// Whether a problem is a failure (`doctor` exits non-zero) or a warning depends on what the
/// configuration needs:
/// - Anthropic credentials, and the API when there is a key: always needed (deployotron is a shell
///   driven by Claude).
/// - the model: a failure when the API's own list does not have it, a warning when only the
///   built-in list does not know it.
/// - the ledger: always needed (every deploy and `serve` records there).
/// - the container engine: needed when `DOCKER_HOST` or `DEPLOYOTRON_DOCKER` names one; otherwise a
///   missing engine is a warning (only local and ECS deploys build images). Compose: a warning
///   (only `--database` needs it).
/// - AWS credentials and region: needed when the ledger is in DynamoDB; otherwise warnings (only
///   the S3 + CloudFront and ECS targets use them).
/// - `serve`: needed when `DEPLOYOTRON_NOTIFY_URL` is set (build agents report there); skipped otherwise.
/// - skills: problems are warnings (the other skills still load).
struct Doctor: Sendable {
    var workspace: Workspace
    /// Skips the calls to Anthropic's API and to AWS STS.
    var offline: Bool
    /// How long a network check may take before it counts as not answering.
    var timeout: Duration = .seconds(10)

    var environment: [String: String] { workspace.environment }

    func run() async -> DoctorReport {
        var checks: [DoctorCheck] = []
        checks.append(credentialsCheck())
        let listed = await apiCheck()
        checks.append(listed.check)
        checks.append(modelCheck(listed: listed.models))
        checks.append(await ledgerCheck())
        let engine = await engineChecks()
        checks += [engine.engine, engine.compose]
        checks += await awsChecks()
        checks.append(await serveCheck())
        checks.append(skillsCheck())
        return DoctorReport(version: DeployotronVersion.description, checks: checks)
    }

    // MARK: - Claude

    /// Whether there is a key; its value is never shown, only the variable that holds it.
    private func credentialsCheck() -> DoctorCheck {
        switch workspace.claude {
        case .success(let configuration):
            let base = configuration.baseURL == ClaudeConfiguration.defaultBaseURL ? "" : " (ANTHROPIC_BASE_URL \(configuration.baseURL))"
            return .ok("anthropic-credentials", "\(Self.variableName(configuration.credential)) is set\(base)")
        case .failure:
            return .problem(
                "anthropic-credentials", needed: true, "neither ANTHROPIC_API_KEY nor ANTHROPIC_AUTH_TOKEN is set",
                fix: "export ANTHROPIC_API_KEY=<your key> (from console.anthropic.com); without it the REPL opens but cannot talk to Claude")
        }
    }

    static func variableName(_ credential: ClaudeConfiguration.Credential) -> String {
        switch credential {
        case .apiKey: "ANTHROPIC_API_KEY"
        case .authToken: "ANTHROPIC_AUTH_TOKEN"
        }
    }

    /// `GET /v1/models`: cheap, and it proves the key, the base URL and the network at once.
    private func apiCheck() async -> (check: DoctorCheck, models: [String]?) {
        guard case .success(let configuration) = workspace.claude else {
            return (.skipped("anthropic-api", "not asked: there is no key"), nil)
        }
        if offline { return (.skipped("anthropic-api", "not asked (--offline)"), nil) }
        let client = ClaudeClient(configuration: configuration)
        do {
            let models = try await withTimeout(timeout) { try await client.models() }
            return (.ok("anthropic-api", "\(configuration.baseURL) answers GET /v1/models (\(models.count) models)"), models.map(\.id))
        } catch let error as ClaudeError {
            let fix: String
            switch error.status {
            case 401: fix = "the key was refused: check \(Self.variableName(configuration.credential)) (a new key from console.anthropic.com)"
            case 403: fix = "the key may not list models: check its workspace and permissions"
            case nil: fix = "check the network, a proxy, and ANTHROPIC_BASE_URL"
            default: fix = "try again later; if it persists, check ANTHROPIC_BASE_URL"
            }
            return (.problem("anthropic-api", needed: true, "\(configuration.baseURL): \(error.description)", fix: fix), nil)
        } catch is DoctorTimeout {
            return (.problem("anthropic-api", needed: true, "\(configuration.baseURL) did not answer within \(timeout)", fix: "check the network, a proxy, and ANTHROPIC_BASE_URL"), nil)
        } catch {
            return (.problem("anthropic-api", needed: true, "\(configuration.baseURL): \(error)", fix: "check the network and ANTHROPIC_BASE_URL"), nil)
        }
    }

    private func modelCheck(listed: [String]?) -> DoctorCheck {
        let model = workspace.model
        let profile = ModelProfile.of(model)
        let known = profile.map { Self.window($0.contextWindow) + " context window" + (Pricing.forModel(model) == nil ? ", prices unknown" : "") }
        if let listed {
            let served = listed.contains(model) || listed.contains { $0.hasPrefix(model + "-") }
            if served { return .ok("model", "\(model) is served by the API" + (known.map { "; \($0)" } ?? "; deployotron does not know its window or prices")) }
            let nearest = listed.sorted { EditDistance.between($0, model) < EditDistance.between($1, model) }.prefix(3)
            return .problem(
                "model", needed: true, "the API does not serve \(model)",
                fix: "choose one it does (\(nearest.joined(separator: ", "))) with --model, DEPLOYOTRON_MODEL or .deployotron/config.json")
        }
        if let known { return .ok("model", "\(model): \(known)") }
        return .problem(
            "model", needed: false, "\(model) is not a model deployotron knows (\(ModelProfile.current.joined(separator: ", ")))",
            fix: "check the name; `deployotron doctor` with a key and without --offline asks the API")
    }

    // MARK: - Ledger

    private func ledgerCheck() async -> DoctorCheck {
        let location: LedgerLocation
        switch workspace.ledgerLocation {
        case .success(let found): location = found
        case .failure(let error):
            return .problem("ledger", needed: true, error.message, fix: "fix --store or DEPLOYOTRON_STORE")
        }
        switch location {
        case .sqlite(let path):
            do {
                _ = try await withTimeout(timeout) { try await location.open(environment: environment) }
            } catch let error as LedgerError {
                return .problem("ledger", needed: true, "\(location) does not open: \(error.message)", fix: Self.sqliteFix(path))
            } catch {
                return .problem("ledger", needed: true, "\(location) does not open: \(error)", fix: Self.sqliteFix(path))
            }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard FileManager.default.isWritableFile(atPath: path), FileManager.default.isWritableFile(atPath: folder) else {
                return .problem("ledger", needed: true, "\(location) opens but is read-only", fix: "make the file and \(folder) writable by this user, or choose another with --store")
            }
            return .ok("ledger", "\(location) opens; its schema is current")
        case .dynamoDB(let table, let region):
            return await dynamoDBCheck(location: location, table: table, region: region)
        }
    }

    /// `200k-token`, `1M-token`.
    static func window(_ tokens: Int) -> String {
        tokens >= 1_000_000 && tokens % 1_000_000 == 0 ? "\(tokens / 1_000_000)M-token" : "\(tokens / 1000)k-token"
    }

    static func sqliteFix(_ path: String) -> String {
        "check that \(URL(fileURLWithPath: path).deletingLastPathComponent().path) exists and is writable, or choose another file with --store sqlite:PATH"
    }

    /// Every table exists and is active, and a probe item can be written to and deleted from the locks table.
    private func dynamoDBCheck(location: LedgerLocation, table: String, region: String?) async -> DoctorCheck {
        let initialize = "run `deployotron store init --store \(location)`"
        do {
            let ledger = try DynamoDBLedger(table: table, region: region, environment: environment)
            return try await withTimeout(timeout) {
                var missing: [String] = []
                for name in ledger.tables.all where try await ledger.client.describeTable(name) == nil {
                    missing.append(name)
                }
                guard missing.isEmpty else {
                    return .problem("ledger", needed: true, "\(location): table\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) missing", fix: initialize)
                }
                let probe: DynamoDBItem = ["projectId": .string("deployotron-doctor-\(UUID().uuidString.lowercased())")]
                try await ledger.client.putItem(table: ledger.tables.locks, item: probe)
                try await ledger.client.deleteItem(table: ledger.tables.locks, key: probe)
                return .ok("ledger", "\(location): its \(ledger.tables.all.count) tables exist and take writes")
            }
        } catch let error as LedgerError {
            return .problem("ledger", needed: true, error.message, fix: "check the AWS credentials and region, or choose another store with --store")
        } catch let error as AWSError {
            return .problem("ledger", needed: true, "\(location): \(error)", fix: "check the AWS credentials, their DynamoDB permissions and the region; \(initialize) if the tables are missing")
        } catch is DoctorTimeout {
            return .problem("ledger", needed: true, "\(location): DynamoDB did not answer within \(timeout)", fix: "check the network and AWS_ENDPOINT_URL")
        } catch {
            return .problem("ledger", needed: true, "\(location): \(error)", fix: "check the AWS configuration")
        }
    }

    // MARK: - Container engine

    private func engineChecks() async -> (engine: DoctorCheck, compose: DoctorCheck) {
        let executable = environment[LocalDockerTarget.dockerVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "docker"
        let docker = DockerCLI(executable: executable, runner: ProcessRunner(environment: environment), engineTimeout: timeout)
        let configured = ["DOCKER_HOST", LocalDockerTarget.dockerVariable].filter { !(environment[$0] ?? "").isEmpty }
        let engine: DoctorCheck
        do {
            let info = try await docker.engineInfo()
            let kind = info.isPodman ? "podman \(info.serverVersion) (its Docker-compatible service)" : "Docker \(info.serverVersion)"
            engine = .ok("engine", "\(kind) answers at \(info.host ?? "the default socket")")
        } catch {
            let host = environment["DOCKER_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "unix:///var/run/docker.sock"
            let found = "\(error)".contains("not found on PATH")
                ? "the docker CLI (\(executable)) is not on PATH" : "no container engine answers at \(host)"
            let why = configured.isEmpty
                ? "local deploys and ECS image builds need one"
                : "\(configured.joined(separator: " and ")) name\(configured.count == 1 ? "s" : "") one"
            engine = .problem(
                "engine", needed: !configured.isEmpty, found,
                fix: "\(why): install Docker, or podman with `podman system service` and DOCKER_HOST at its socket")
        }
        let compose: DoctorCheck
        if let command = await docker.composeCommand() {
            let name = command.isStandalone ? "docker-compose" : "docker compose"
            compose = .ok("compose", "\(name) \(command.version.isEmpty ? "" : command.version + " ")is there")
        } else {
            compose = .problem(
                "compose", needed: false, "neither `docker compose` nor `docker-compose` answers",
                fix: "only deploys with --database need it: install the compose plugin or Debian's docker-compose")
        }
        return (engine, compose)
    }

    // MARK: - AWS

    private func awsChecks() async -> [DoctorCheck] {
        var needsAWS = false
        var storeRegion: String?
        if case .success(.dynamoDB(_, let region)) = workspace.ledgerLocation {
            needsAWS = true
            storeRegion = region
        }
        let why = needsAWS ? "the DynamoDB ledger needs them" : "needed only by the S3 + CloudFront and ECS targets and a DynamoDB ledger"
        let chain = AWSCredentialChain(environment: environment, homeDirectory: workspace.directories.home.path)

        let credentials: DoctorCheck
        do {
            _ = try chain.credentials()
            if offline {
                credentials = .skipped("aws-credentials", "found for profile '\(chain.profileName)', not checked with STS (--offline)")
            } else {
                credentials = await callerIdentityCheck(needed: needsAWS, why: why)
            }
        } catch let error as AWSError {
            credentials = .problem("aws-credentials", needed: needsAWS, error.message, fix: why)
        } catch {
            credentials = .problem("aws-credentials", needed: needsAWS, "\(error)", fix: why)
        }

        let region: DoctorCheck
        if let storeRegion {
            region = .ok("aws-region", "\(storeRegion) (from the store's ?region=)")
        } else {
            do {
                if let found = try chain.region() {
                    let source = ["AWS_REGION", "AWS_DEFAULT_REGION"].first { !(environment[$0] ?? "").isEmpty } ?? "profile '\(chain.profileName)' in \(chain.configFilePath)"
                    region = .ok("aws-region", "\(found) (from \(source))")
                } else {
                    let custom = !(environment["AWS_ENDPOINT_URL"] ?? "").isEmpty || !(environment["AWS_ENDPOINT_URL_DYNAMODB"] ?? "").isEmpty
                    region = .problem(
                        "aws-region", needed: needsAWS && !custom, "no AWS region is set",
                        fix: "export AWS_REGION=us-east-1 (or your region), or add region to profile '\(chain.profileName)' in \(chain.configFilePath)")
                }
            } catch {
                region = .problem("aws-region", needed: needsAWS, Self.oneLine(error), fix: "fix \(chain.configFilePath)")
            }
        }
        return [credentials, region]
    }

    private func callerIdentityCheck(needed: Bool, why: String) async -> DoctorCheck {
        do {
            let sts = try STSClient.fromEnvironment(environment: environment, homeDirectory: workspace.directories.home.path, timeout: timeout)
            let identity = try await withTimeout(timeout + .seconds(1)) { try await sts.callerIdentity() }
            return .ok("aws-credentials", "account \(identity.account), \(identity.arn)")
        } catch let error as AWSError {
            let fix = error.status == 403 || error.type == "InvalidClientTokenId" || error.type == "SignatureDoesNotMatch" || error.type == "ExpiredToken"
                ? "the credentials were refused: check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile, refresh an expired session token; \(why)"
                : "check the network and AWS_ENDPOINT_URL; \(why)"
            return .problem("aws-credentials", needed: needed, "STS GetCallerIdentity: \(error.type.map { "\($0): " } ?? "")\(error.message)", fix: fix)
        } catch is DoctorTimeout {
            return .problem("aws-credentials", needed: needed, "STS did not answer within \(timeout)", fix: "check the network and AWS_ENDPOINT_URL; \(why)")
        } catch {
            return .problem("aws-credentials", needed: needed, "STS GetCallerIdentity: \(error)", fix: why)
        }
    }

    // MARK: - serve

    static let notifyVariable = "DEPLOYOTRON_NOTIFY_URL"

    /// `GET /healthz` at the URL build agents report to, when one is configured.
    private func serveCheck() async -> DoctorCheck {
        guard let url = environment[Self.notifyVariable].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return .skipped("serve", "no \(Self.notifyVariable): build agents report to http://127.0.0.1:8082 by default")
        }
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/notify") { base.removeLast("/notify".count) }
        let fix = "start `deployotron serve` there, or fix \(Self.notifyVariable)"
        guard let parsed = URL(string: base), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
            return .problem("serve", needed: true, "\(Self.notifyVariable)=\(url) is not an http(s) URL", fix: "set it like http://127.0.0.1:8082")
        }
        var request = HTTPClientRequest(url: base + "/healthz")
        request.method = .GET
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
            let status = Int(response.status.code)
            guard status == 200 else {
                return .problem("serve", needed: true, "\(base)/healthz answered HTTP \(status)", fix: "is this deployotron serve? \(fix)")
            }
            return .ok("serve", "\(base) answers /healthz")
        } catch {
            return .problem("serve", needed: true, "\(base) does not answer: \(Self.oneLine(error))", fix: fix)
        }
    }

    // MARK: - Skills

    private func skillsCheck() -> DoctorCheck {
        let catalog = workspace.skills
        var problems = catalog.problems
        for skill in catalog.skills {
            problems += skill.problems.map { "\(skill.name): \($0)" }
        }
        guard problems.isEmpty else {
            let shown = problems.prefix(3).joined(separator: "; ") + (problems.count > 3 ? "; and \(problems.count - 3) more" : "")
            return .problem(
                "skills", needed: false, "\(catalog.skills.count) skills load, with \(problems.count) problem\(problems.count == 1 ? "" : "s"): \(shown)",
                fix: "`deployotron skills` shows each one; fix its SKILL.md")
        }
        return .ok("skills", "\(catalog.skills.count) skills load without problems")
    }

    // MARK: - Helpers

    static func oneLine(_ error: any Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    }
}

struct DoctorTimeout: Error {}

/// Runs `body`, throwing `DoctorTimeout` when it takes longer than `limit` (and cancelling it).
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DoctorTimeout()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw DoctorTimeout() }
        return first
    }
}
