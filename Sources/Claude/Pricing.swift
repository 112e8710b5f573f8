/// Estimated prices of a model, in US dollars per million tokens.
///
/// An estimate for showing a session's running cost, from the published list prices: it ignores
/// batch and regional discounts, long-context surcharges and price changes. Cache writes (5-minute)
/// cost 1.25x input, cache reads 0.1x input.
public struct Pricing: Sendable, Equatable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double

    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    public static let fable = Pricing(inputPerMillion: 10, outputPerMillion: 50)
    public static let sonnet = Pricing(inputPerMillion: 3, outputPerMillion: 15)
    /// Opus 4.5 and later.
    public static let opus = Pricing(inputPerMillion: 5, outputPerMillion: 25)
    /// Opus 3, 4 and 4.1.
    public static let legacyOpus = Pricing(inputPerMillion: 15, outputPerMillion: 75)
    public static let haiku = Pricing(inputPerMillion: 1, outputPerMillion: 5)
    /// Haiku 3.5.
    public static let legacyHaiku = Pricing(inputPerMillion: 0.8, outputPerMillion: 4)

    /// The prices of `model`; nil when deployotron does not know them (see `ModelProfile`), so a
    /// cost is reported as unknown rather than guessed.
    public static func forModel(_ model: String) -> Pricing? {
        ModelProfile.of(model)?.pricing
    }

    /// The estimated cost of `usage`, in dollars.
    public func cost(of usage: Usage) -> Double {
        let input = Double(usage.inputTokens) * inputPerMillion
            + Double(usage.cacheCreationInputTokens) * inputPerMillion * 1.25
            + Double(usage.cacheReadInputTokens) * inputPerMillion * 0.1
        let output = Double(usage.outputTokens) * outputPerMillion
        return (input + output) / 1_000_000
    }
}
