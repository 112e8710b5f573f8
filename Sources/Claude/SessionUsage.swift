/// The tokens and estimated cost of a whole session, added up response by response.
public struct SessionUsage: Sendable, Equatable {
    public private(set) var usage = Usage()
    /// In US dollars; an estimate (see `Pricing`).
    public private(set) var estimatedCost: Double = 0
    public private(set) var responses = 0

    public init() {}

    /// Adds one response's final usage, priced for the model that produced it.
    public mutating func add(_ usage: Usage, model: String) {
        self.usage += usage
        estimatedCost += Pricing.forModel(model).cost(of: usage)
        responses += 1
    }

    public mutating func add(_ response: MessageResponse) {
        add(response.usage, model: response.model)
    }
}
