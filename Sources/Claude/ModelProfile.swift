/// What deployotron knows about a Claude model: its list prices, how many tokens its context holds,
/// and which kind of extended thinking it takes.
///
/// Only models whose prices were published are known; for any other name `of(_:)` is nil, and the
/// callers say "cost unknown" rather than guessing from a neighbouring family.
public struct ModelProfile: Sendable, Equatable {
    /// How a model is asked to think.
    public enum ThinkingStyle: Sendable, Equatable {
        /// `thinking: {type: "adaptive"}` with `output_config.effort`; `budget_tokens` is refused.
        case adaptive
        /// `thinking: {type: "enabled", budget_tokens: N}`.
        case budget
        /// No extended thinking.
        case none
    }

    public var family: String
    /// major * 100 + minor: 408 for Opus 4.8.
    public var version: Int
    public var pricing: Pricing
    public var contextWindow: Int
    public var thinking: ThinkingStyle

    public init(family: String, version: Int, pricing: Pricing, contextWindow: Int, thinking: ThinkingStyle) {
        self.family = family
        self.version = version
        self.pricing = pricing
        self.contextWindow = contextWindow
        self.thinking = thinking
    }

    /// The current models, newest family first: offered by `/model` when `GET /v1/models` cannot be read.
    public static let current = ["claude-fable-5", "claude-opus-4-8", "claude-sonnet-5", "claude-haiku-4-5"]

    static let million = 1_000_000
    static let standardWindow = 200_000

    /// Every model with published prices, by family and version.
    public static let known: [ModelProfile] = [
        ModelProfile(family: "fable", version: 500, pricing: Pricing(inputPerMillion: 10, outputPerMillion: 50), contextWindow: million, thinking: .adaptive),
        ModelProfile(family: "opus", version: 408, pricing: .opus, contextWindow: million, thinking: .adaptive),
        ModelProfile(family: "opus", version: 407, pricing: .opus, contextWindow: standardWindow, thinking: .adaptive),
        ModelProfile(family: "opus", version: 406, pricing: .opus, contextWindow: standardWindow, thinking: .adaptive),
        ModelProfile(family: "opus", version: 405, pricing: .opus, contextWindow: standardWindow, thinking: .budget),
        ModelProfile(family: "opus", version: 401, pricing: .legacyOpus, contextWindow: standardWindow, thinking: .budget),
        ModelProfile(family: "opus", version: 400, pricing: .legacyOpus, contextWindow: standardWindow, thinking: .budget),
        ModelProfile(family: "opus", version: 300, pricing: .legacyOpus, contextWindow: standardWindow, thinking: .none),
        ModelProfile(family: "sonnet", version: 500, pricing: .sonnet, contextWindow: million, thinking: .adaptive),
        ModelProfile(family: "sonnet", version: 406, pricing: .sonnet, contextWindow: standardWindow, thinking: .adaptive),
        ModelProfile(family: "sonnet", version: 405, pricing: .sonnet, contextWindow: standardWindow, thinking: .budget),
        ModelProfile(family: "sonnet", version: 400, pricing: .sonnet, contextWindow: standardWindow, thinking: .budget),
        ModelProfile(family: "sonnet", version: 307, pricing: .sonnet, contextWindow: standardWindow, thinking: .budget),
        ModelProfile(family: "sonnet", version: 305, pricing: .sonnet, contextWindow: standardWindow, thinking: .none),
        ModelProfile(family: "haiku", version: 405, pricing: .haiku, contextWindow: standardWindow, thinking: .budget),
        ModelProfile(family: "haiku", version: 305, pricing: .legacyHaiku, contextWindow: standardWindow, thinking: .none),
        ModelProfile(family: "haiku", version: 300, pricing: Pricing(inputPerMillion: 0.25, outputPerMillion: 1.25), contextWindow: standardWindow, thinking: .none),
    ]

    /// The profile of `model` (an id, an alias or a dated snapshot, with or without a provider prefix
    /// such as `anthropic.`); nil for a model deployotron does not know.
    public static func of(_ model: String) -> ModelProfile? {
        let name = model.lowercased()
        for family in ["fable", "opus", "sonnet", "haiku"] where name.contains(family) {
            guard let version = version(of: family, in: name) else { return nil }
            return known.first { $0.family == family && $0.version == version }
        }
        return nil
    }

    /// The `thinking` a request to this model carries for `effort`: adaptive models always think
    /// adaptively (the effort, when set, steers how much); budget models think only when an effort is
    /// set, with a budget that fits under `maxTokens`.
    public func thinking(effort: Effort?, maxTokens: Int) -> ThinkingConfiguration? {
        switch thinking {
        case .adaptive:
            return .adaptive(effort: effort)
        case .budget:
            guard let effort else { return nil }
            let budget = min(effort.budgetTokens, maxTokens - 1024)
            return budget >= 1024 ? .budget(tokens: budget) : nil
        case .none:
            return nil
        }
    }

    /// The version as major * 100 + minor, from names like `claude-opus-4-5-20251101` (405),
    /// `claude-opus-4-20250514` (400), `claude-sonnet-5` (500) or `claude-3-opus-20240229` (300).
    static func version(of family: String, in name: String) -> Int? {
        let parts = name.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "@" || $0 == ":" }).map(String.init)
        guard let at = parts.firstIndex(where: { $0 == family || $0.hasSuffix(family) }) else { return nil }
        // Newer names put the version after the family, older ones before it.
        let after = parts[(at + 1)...].prefix { $0.count <= 2 && Int($0) != nil }.compactMap { Int($0) }
        if let major = after.first { return major * 100 + (after.dropFirst().first ?? 0) }
        let before = parts[..<at].reversed().prefix { $0.count <= 2 && Int($0) != nil }.reversed().compactMap { Int($0) }
        if let major = before.first { return major * 100 + (before.dropFirst().first ?? 0) }
        return nil
    }
}

/// How hard a model thinks: `output_config.effort` for adaptive models, a token budget for older ones.
public enum Effort: String, Sendable, Equatable, CaseIterable {
    case low, medium, high, max

    /// The `budget_tokens` a budget-thinking model gets for this effort (capped by `max_tokens`).
    public var budgetTokens: Int {
        switch self {
        case .low: 2048
        case .medium: 4096
        case .high: 6144
        case .max: 16384
        }
    }
}

/// The `thinking` of one request.
public enum ThinkingConfiguration: Sendable, Equatable {
    /// `{"type": "adaptive"}`, and `output_config: {"effort": …}` when an effort is set.
    case adaptive(effort: Effort?)
    /// `{"type": "enabled", "budget_tokens": N}`.
    case budget(tokens: Int)
}
