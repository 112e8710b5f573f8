import Foundation
import Synchronization

/// Runs named, weighted steps in order over a shared state, reporting each step's progress
/// as a fraction of the whole.
///
/// Every target (local docker now, S3 + CloudFront and ECS later) is a list of steps, so the REPL
/// and the command line render any deploy the same way.
public struct DeployWorkflow<State: Sendable>: Sendable {
    public var steps: [DeployStep<State>]

    public init(steps: [DeployStep<State>]) {
        self.steps = steps
    }

    /// Runs every step; the first that throws stops the workflow, reported as `failed`,
    /// and its error is rethrown with the step's name.
    public func run(_ state: inout State, progress: ProgressHandler?) async throws {
        let total = max(steps.reduce(0) { $0 + max(0, $1.weight) }, .leastNonzeroMagnitude)
        var done = 0.0
        for (index, step) in steps.enumerated() {
            let share = max(0, step.weight) / total
            let base = done
            let event = { @Sendable (phase: DeployProgress.Phase, within: Double, message: String) in
                progress?(DeployProgress(
                    step: step.name, stepIndex: index + 1, stepCount: steps.count, stepWeight: share,
                    fraction: min(1, base + share * min(1, max(0, within))), phase: phase, message: message
                ))
            }
            event(.started, 0, "started")
            // A step's fraction never goes back: a message without one keeps the last.
            let reached = Mutex(0.0)
            let reporter = StepReporter { message, within in
                let fraction = reached.withLock { value in
                    value = max(value, within ?? value)
                    return value
                }
                event(.running, fraction, message)
            }
            do {
                try Task.checkCancellation()
                try await step.body(&state, reporter)
            } catch var error as DeployError {
                // A step that saw its child process stopped by the cancellation reports that, not a failure.
                if Task.isCancelled, error.code != .cancelled {
                    event(.failed, 0, "cancelled")
                    throw DeployError(.cancelled, "the deploy was cancelled during \(step.name)", step: step.name)
                }
                error.step = error.step ?? step.name
                event(.failed, 0, error.message)
                throw error
            } catch is CancellationError {
                event(.failed, 0, "cancelled")
                throw DeployError(.cancelled, "the deploy was cancelled during \(step.name)", step: step.name)
            } catch where Task.isCancelled {
                event(.failed, 0, "cancelled")
                throw DeployError(.cancelled, "the deploy was cancelled during \(step.name)", step: step.name)
            } catch {
                event(.failed, 0, "\(error)")
                throw DeployError(.invalidState, "\(step.name) failed: \(error)", step: step.name)
            }
            done += share
            event(.finished, 1, "done")
        }
    }
}
