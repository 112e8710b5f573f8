import Foundation
import Testing
@testable import Claude

@Suite struct ClaudeConfigurationTests {
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("claude-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func writeConfig(model: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{\"model\": \"\(model)\"}".utf8).write(to: url)
    }

    @Test func missingCredentialsNameTheVariable() throws {
        let error = try #require(throws: ClaudeError.self) { try ClaudeConfiguration(environment: ["HOME": "/nonexistent"]) }
        #expect(error.code == .missingCredentials)
        #expect(error.description.contains("ANTHROPIC_API_KEY"))
    }

    @Test func apiKeyWinsOverAuthTokenAndBaseURLIsRead() throws {
        let config = try ClaudeConfiguration(environment: [
            "ANTHROPIC_API_KEY": "sk-key", "ANTHROPIC_AUTH_TOKEN": "tok", "ANTHROPIC_BASE_URL": "http://127.0.0.1:9/",
        ])
        #expect(config.credential == .apiKey("sk-key"))
        #expect(config.baseURL == "http://127.0.0.1:9")
        #expect(!"\(config.credential)".contains("sk-key"))
        let token = try ClaudeConfiguration(environment: ["ANTHROPIC_AUTH_TOKEN": "tok"])
        #expect(token.credential == .authToken("tok"))
        #expect(token.baseURL == "https://api.anthropic.com")
    }

    @Test func modelPrecedenceFlagEnvironmentProjectUserDefault() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let project = root.appendingPathComponent("project")
        let xdg = root.appendingPathComponent("xdg")
        var environment = ["XDG_CONFIG_HOME": xdg.path, "HOME": root.path]

        #expect(ClaudeConfiguration.resolveModel(flag: nil, environment: environment, projectDirectory: project) == "claude-sonnet-5")
        try writeConfig(model: "from-user", to: xdg.appendingPathComponent("deployotron/config.json"))
        #expect(ClaudeConfiguration.resolveModel(flag: nil, environment: environment, projectDirectory: project) == "from-user")
        try writeConfig(model: "from-project", to: project.appendingPathComponent(".deployotron/config.json"))
        #expect(ClaudeConfiguration.resolveModel(flag: nil, environment: environment, projectDirectory: project) == "from-project")
        environment["DEPLOYOTRON_MODEL"] = "from-env"
        #expect(ClaudeConfiguration.resolveModel(flag: nil, environment: environment, projectDirectory: project) == "from-env")
        #expect(ClaudeConfiguration.resolveModel(flag: "from-flag", environment: environment, projectDirectory: project) == "from-flag")
    }

    @Test func userConfigFallsBackToHomeDotConfig() {
        let url = ClaudeConfiguration.userConfigFile(environment: ["HOME": "/home/ada"])
        #expect(url?.path == "/home/ada/.config/deployotron/config.json")
    }
}

@Suite struct PricingTests {
    @Test(arguments: [
        ("claude-fable-5", Pricing.fable), ("claude-opus-4-8", Pricing.opus), ("claude-sonnet-5", Pricing.sonnet),
        ("claude-sonnet-5-20260601", Pricing.sonnet), ("anthropic.claude-opus-4-7", Pricing.opus),
        ("claude-sonnet-4-5", Pricing.sonnet), ("claude-sonnet-4-5-20250929", Pricing.sonnet),
        ("claude-opus-4-5-20251101", Pricing.opus), ("claude-opus-4-6", Pricing.opus),
        ("claude-opus-4-1-20250805", Pricing.legacyOpus), ("claude-opus-4-20250514", Pricing.legacyOpus),
        ("claude-3-opus-20240229", Pricing.legacyOpus),
        ("claude-haiku-4-5", Pricing.haiku), ("claude-3-5-haiku-20241022", Pricing.legacyHaiku),
    ])
    func modelFamilies(model: String, expected: Pricing) {
        #expect(Pricing.forModel(model) == expected)
    }

    @Test func currentFamiliesCostWhatTheirListPricesSay() throws {
        let million = Usage(inputTokens: 1_000_000, outputTokens: 1_000_000)
        let expected: [(String, Double, Int)] = [
            ("claude-fable-5", 10 + 50, 1_000_000), ("claude-opus-4-8", 5 + 25, 1_000_000),
            ("claude-sonnet-5", 3 + 15, 1_000_000), ("claude-haiku-4-5", 1 + 5, 200_000),
        ]
        for (model, dollars, window) in expected {
            let profile = try #require(ModelProfile.of(model), "\(model)")
            #expect(abs(profile.pricing.cost(of: million) - dollars) < 1e-9, "\(model)")
            #expect(profile.contextWindow == window, "\(model)")
        }
        #expect(ModelProfile.current == expected.map(\.0))
    }

    @Test(arguments: ["claude-test", "claude-fable-6", "claude-sonnet-9-9", "gpt-4o", "claude-opus"])
    func unknownModelsHaveNoPrice(model: String) {
        #expect(Pricing.forModel(model) == nil)
        var session = SessionUsage()
        session.add(Usage(inputTokens: 10, outputTokens: 1), model: "claude-sonnet-5")
        session.add(Usage(inputTokens: 10, outputTokens: 1), model: model)
        #expect(session.estimatedCost == nil)
        #expect(session.unpricedModels == [model])
    }

    @Test(arguments: [
        ("claude-fable-5", ThinkingConfiguration.adaptive(effort: .high)), ("claude-sonnet-5", .adaptive(effort: .high)),
        ("claude-opus-4-8", .adaptive(effort: .high)), ("claude-opus-4-7", .adaptive(effort: .high)),
        ("claude-sonnet-4-5", .budget(tokens: Effort.high.budgetTokens)), ("claude-haiku-4-5", .budget(tokens: Effort.high.budgetTokens)),
    ])
    func thinkingIsAdaptiveWhereTheModelTakesIt(model: String, expected: ThinkingConfiguration) throws {
        let profile = try #require(ModelProfile.of(model))
        #expect(profile.thinking(effort: .high, maxTokens: 8192) == expected)
    }

    @Test func budgetModelsThinkOnlyWhenAskedAndWithinMaxTokens() throws {
        let sonnet45 = try #require(ModelProfile.of("claude-sonnet-4-5"))
        #expect(sonnet45.thinking(effort: nil, maxTokens: 8192) == nil)
        #expect(sonnet45.thinking(effort: .max, maxTokens: 8192) == .budget(tokens: 8192 - 1024))
        #expect(try #require(ModelProfile.of("claude-sonnet-5")).thinking(effort: nil, maxTokens: 8192) == .adaptive(effort: nil))
        #expect(try #require(ModelProfile.of("claude-3-5-haiku-20241022")).thinking(effort: .high, maxTokens: 8192) == nil)
    }

    @Test func costCountsCacheWritesAndReads() {
        let usage = Usage(inputTokens: 1_000_000, outputTokens: 1_000_000, cacheCreationInputTokens: 1_000_000, cacheReadInputTokens: 1_000_000)
        // Sonnet: 3 input + 15 output + 3.75 cache write + 0.30 cache read.
        #expect(abs(Pricing.sonnet.cost(of: usage) - 22.05) < 1e-9)
    }

    @Test func sessionAddsResponsesUp() {
        var session = SessionUsage()
        session.add(Usage(inputTokens: 100, outputTokens: 10), model: "claude-sonnet-4-5")
        session.add(Usage(inputTokens: 50, outputTokens: 5, cacheReadInputTokens: 1000), model: "claude-haiku-4-5")
        #expect(session.usage == Usage(inputTokens: 150, outputTokens: 15, cacheReadInputTokens: 1000))
        #expect(session.responses == 2)
        let sonnet: Double = 100 * 3 + 10 * 15
        let haiku: Double = 50 * 1 + 5 * 5 + 1000 * 0.1
        let expected = (sonnet + haiku) / 1_000_000
        #expect(abs((session.estimatedCost ?? -1) - expected) < 1e-12)
    }
}

@Suite struct RetryPolicyTests {
    private let policy = RetryPolicy()

    @Test(arguments: [(408, true), (409, true), (429, true), (500, true), (502, true), (529, true), (400, false), (401, false), (403, false), (404, false), (413, false)])
    func retryableStatuses(status: Int, retryable: Bool) {
        #expect(policy.shouldRetry(status: status) { _ in nil } == retryable)
    }

    @Test func backoffDoublesToEightSecondsWithAtMostAQuarterJitter() {
        #expect(policy.backoff(retriesSoFar: 0, jitter: 0) == 0.5)
        #expect(policy.backoff(retriesSoFar: 1, jitter: 0) == 1)
        #expect(policy.backoff(retriesSoFar: 5, jitter: 0) == 8)
        #expect(policy.backoff(retriesSoFar: 9, jitter: 0.999_999) > 6)
    }

    @Test func retryAfterAsAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let later = "Tue, 14 Nov 2023 22:13:30 GMT"  // now + 10 s
        #expect(policy.serverDelay(header: { $0 == "retry-after" ? later : nil }, now: now) == 10)
        #expect(policy.serverDelay(header: { $0 == "retry-after" ? "0" : nil }, now: now) == nil)
        #expect(policy.serverDelay(header: { $0 == "retry-after-ms" ? "250" : nil }, now: now) == 0.25)
    }
}
