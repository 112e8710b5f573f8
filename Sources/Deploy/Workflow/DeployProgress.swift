import Foundation

/// One progress report of a deploy workflow: which step, how far the whole is, and what is happening.
public struct DeployProgress: Sendable, Codable, Equatable {
    public enum Phase: String, Sendable, Codable {
        case started, running, finished, failed
    }

    public var step: String
    /// 1-based position of the step, and how many there are.
    public var stepIndex: Int
    public var stepCount: Int
    /// The step's share of the whole, 0-1.
    public var stepWeight: Double
    /// How much of the whole is done, 0-1.
    public var fraction: Double
    public var phase: Phase
    public var message: String

    public init(step: String, stepIndex: Int, stepCount: Int, stepWeight: Double, fraction: Double, phase: Phase, message: String) {
        self.step = step
        self.stepIndex = stepIndex
        self.stepCount = stepCount
        self.stepWeight = stepWeight
        self.fraction = fraction
        self.phase = phase
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case step, fraction, phase, message
        case stepIndex = "step_index"
        case stepCount = "step_count"
        case stepWeight = "step_weight"
    }

    /// A line for a terminal: `[ 42%] build (3/7): Step 4/9 : RUN npm ci`.
    public var line: String {
        let percent = Int((fraction * 100).rounded(.down))
        let padded = String(repeating: " ", count: max(0, 3 - String(percent).count)) + String(percent)
        return "[\(padded)%] \(step) (\(stepIndex)/\(stepCount)): \(message)"
    }

    /// A handler paired with the stream it feeds, for callers that prefer `for await`.
    public static func stream() -> (AsyncStream<DeployProgress>, handler: ProgressHandler, finish: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: DeployProgress.self, bufferingPolicy: .bufferingNewest(256))
        return (stream, { continuation.yield($0) }, { continuation.finish() })
    }
}

/// Receives progress reports; called from any task.
public typealias ProgressHandler = @Sendable (DeployProgress) -> Void
