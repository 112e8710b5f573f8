/// Estimated prices of a model family, in US dollars per million tokens.
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

    public static let sonnet = Pricing(inputPerMillion: 3, outputPerMillion: 15)
    /// Opus 4.5 and later.
    public static let opus = Pricing(inputPerMillion: 5, outputPerMillion: 25)
    /// Opus 3, 4 and 4.1.
    public static let legacyOpus = Pricing(inputPerMillion: 15, outputPerMillion: 75)
    public static let haiku = Pricing(inputPerMillion: 1, outputPerMillion: 5)
    public static let legacyHaiku = Pricing(inputPerMillion: 0.8, outputPerMillion: 4)

    /// The prices of `model`'s family; Sonnet's when the family is not known.
    public static func forModel(_ model: String) -> Pricing {
        let name = model.lowercased()
        if name.contains("opus") {
            return (version(of: "opus", in: name) ?? 0) >= 405 ? opus : legacyOpus
        }
        if name.contains("haiku") {
            return (version(of: "haiku", in: name) ?? 0) >= 405 ? haiku : legacyHaiku
        }
        return sonnet
    }

    /// The estimated cost of `usage`, in dollars.
    public func cost(of usage: Usage) -> Double {
        let input = Double(usage.inputTokens) * inputPerMillion
            + Double(usage.cacheCreationInputTokens) * inputPerMillion * 1.25
            + Double(usage.cacheReadInputTokens) * inputPerMillion * 0.1
        let output = Double(usage.outputTokens) * outputPerMillion
        return (input + output) / 1_000_000
    }

    /// The version as major * 100 + minor, from names like `claude-opus-4-5-20251101` (405),
    /// `claude-opus-4-20250514` (400) or `claude-3-opus-20240229` (300).
    private static func version(of family: String, in name: String) -> Int? {
        let parts = name.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "@" }).map(String.init)
        guard let at = parts.firstIndex(of: family) else { return nil }
        // Newer names put the version after the family, older ones before it.
        let after = parts[(at + 1)...].prefix { $0.count <= 2 && Int($0) != nil }.compactMap { Int($0) }
        if let major = after.first { return major * 100 + (after.dropFirst().first ?? 0) }
        let before = parts[..<at].reversed().prefix { $0.count <= 2 && Int($0) != nil }.reversed().compactMap { Int($0) }
        if let major = before.first { return major * 100 + (before.dropFirst().first ?? 0) }
        return nil
    }
}
