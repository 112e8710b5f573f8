import Foundation

/// A named step of a deploy workflow, with its share of the whole.
public struct DeployStep<State: Sendable>: Sendable {
    public var name: String
    /// Relative weight; a step's share is its weight over the sum of all weights.
    public var weight: Double
    public var body: @Sendable (inout State, StepReporter) async throws -> Void

    public init(_ name: String, weight: Double, body: @escaping @Sendable (inout State, StepReporter) async throws -> Void) {
        self.name = name
        self.weight = weight
        self.body = body
    }
}

/// What a running step uses to report: a message and, when it knows, how far it is (0-1).
public struct StepReporter: Sendable {
    let emit: @Sendable (String, Double?) -> Void

    public func callAsFunction(_ message: String, fraction: Double? = nil) {
        emit(message, fraction)
    }
}
