/// The tokens and estimated cost of a whole session, added up response by response.
public struct SessionUsage: Sendable, Equatable {
    public private(set) var usage = Usage()
    /// In US dollars; an estimate (see `Pricing`). Nil once any response came from a model whose
    /// prices are unknown: a partial sum would look like the whole cost.
    public private(set) var estimatedCost: Double? = 0
    public private(set) var responses = 0
    /// The models whose prices are unknown, in the order they were first seen.
    public private(set) var unpricedModels: [String] = []

    public init() {}

    /// Adds one response's final usage, priced for the model that produced it.
    public mutating func add(_ usage: Usage, model: String) {
        self.usage += usage
        if let pricing = Pricing.forModel(model) {
            estimatedCost = estimatedCost.map { $0 + pricing.cost(of: usage) }
        } else {
            estimatedCost = nil
            if !unpricedModels.contains(model) { unpricedModels.append(model) }
        }
        responses += 1
    }

    public mutating func add(_ response: MessageResponse) {
        add(response.usage, model: response.model)
    }
}
