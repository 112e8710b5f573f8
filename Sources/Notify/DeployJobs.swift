import Foundation
import HTTPTypes
import JSON
import Ledger
import Logging
import ServiceLifecycle
import Synchronization

/// The deploys and rollbacks this server runs, and those it ran lately.
///
/// Each job runs in a task the server owns, so a client that disconnects does not cancel it. One
/// job at a time per project and environment: a second is refused with the first's id (the
/// ledger's deploy lock also refuses deploys another process runs). Finished jobs are kept for a
/// while (`keptFor`, at most `keptFinished` of them) so late clients can still read how they
/// ended. It runs as a service beside the HTTP server: at shutdown (SIGTERM) it cancels the jobs
/// still running and waits for them, and the deploy service records them cancelled and cleans up.
public final class DeployJobs: Service, Sendable {
    let backend: any DeployBackend
    let keptFinished: Int
    let keptFor: Duration
    let now: @Sendable () -> Date
    let logger: Logger

    private struct State {
        var jobs: [String: DeployJob] = [:]
        /// Job ids, oldest first.
        var order: [String] = []
        /// The running job of each project and environment.
        var running: [String: String] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    public init(
        backend: any DeployBackend, keptFinished: Int = 100, keptFor: Duration = .seconds(3600),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "deployotron.serve")
    ) {
        self.backend = backend
        self.keptFinished = keptFinished
        self.keptFor = keptFor
        self.now = now
        self.logger = logger
    }

    // MARK: - Service

    /// Waits for the server's shutdown, then cancels the running jobs and waits until each has
    /// settled (recorded cancelled, what it started undone).
    public func run() async throws {
        try? await gracefulShutdown()
        await shutDown()
    }

    func shutDown() async {
        let tasks = state.withLock { state in
            state.closed = true
            return state.jobs.values.filter(\.isRunning).compactMap(\.task)
        }
        if !tasks.isEmpty { logger.notice("cancelling \(tasks.count) running deploy job(s)") }
        tasks.forEach { $0.cancel() }
        for task in tasks { await task.value }
    }

    // MARK: - Jobs

    func job(_ id: String) -> DeployJob? {
        state.withLock { $0.jobs[id] }
    }

    /// The project's jobs, newest first.
    func jobs(projectId: String?) -> [DeployJob] {
        state.withLock { state in
            state.order.reversed().compactMap { state.jobs[$0] }.filter { projectId == nil || $0.projectId == projectId }
        }
    }

    /// Starts a deploy of `guid`; throws 409 while another job of the project and environment runs here.
    func startDeploy(_ request: DeployJobRequest, project guid: String) throws -> DeployJob {
        try start(.deploy, project: guid, environment: request.environment, target: request.target, source: request.source.shownJSON) { backend, reporter in
            try await backend.deploy(request, project: guid, reporter: reporter)
        }
    }

    func startRollback(_ request: RollbackJobRequest, project guid: String) throws -> DeployJob {
        try start(.rollback, project: guid, environment: request.environment, target: nil, source: nil) { backend, reporter in
            try await backend.rollback(request, project: guid, reporter: reporter)
        }
    }

    /// Forgets a job that was refused before it held its lock: it never ran.
    func discard(_ job: DeployJob) {
        state.withLock { state in
            state.jobs[job.id] = nil
            state.order.removeAll { $0 == job.id }
            if state.running[Self.lockKey(job.projectId, job.environment)] == job.id {
                state.running[Self.lockKey(job.projectId, job.environment)] = nil
            }
        }
    }

    static func lockKey(_ guid: String, _ environment: String?) -> String {
        guid + "\n" + (environment?.trimmingCharacters(in: .whitespaces).lowercased() ?? "")
    }

    private func start(
        _ kind: DeployJob.Kind, project guid: String, environment: String?, target: DeployTargetKind?, source: JSONValue?,
        operation: @escaping @Sendable (any DeployBackend, DeployJobReporter) async throws -> DeployJobOutcome
    ) throws -> DeployJob {
        let key = Self.lockKey(guid, environment)
        let job = DeployJob(
            id: UUID().uuidString.lowercased(), kind: kind, projectId: guid, environment: environment,
            target: target, source: source, startedAt: now())
        try state.withLock { state in
            guard !state.closed else {
                throw NotifyError(.serviceUnavailable, "the server is shutting down; start the deploy again once it is back")
            }
            if let holder = state.running[key].flatMap({ state.jobs[$0] }), holder.isRunning {
                let scope = environment.map { "project \(guid)'s \($0) environment" } ?? "project \(guid)"
                throw NotifyError(.conflict, "a \(holder.kind.rawValue) of \(scope) is already running on this server (job \(holder.id), started \(LedgerTime.string(holder.startedAt))); follow it at /api/jobs/\(holder.id)/events and try again once it has ended",
                                  headers: [.location: "/api/jobs/\(holder.id)"])
            }
            state.running[key] = job.id
            state.jobs[job.id] = job
            state.order.append(job.id)
            trim(&state)
        }
        job.append("job", job.startEvent)
        let backend = self.backend
        let task = Task { [self] in
            let reporter = DeployJobReporter(
                progress: { progress in job.append("progress", progress.jsonValue) },
                accepted: { job.accept() })
            do {
                let outcome = try await operation(backend, reporter)
                var event: [String: JSONValue] = ["status": "succeeded", "message": .string(outcome.message)]
                if let deployment = outcome.deployment { event["deployment"] = deployment.apiJSON }
                if let replaced = outcome.replaced { event["replaced"] = .string(replaced) }
                job.finish(.succeeded, outcome: .object(event), deploymentId: outcome.deployment?.id, message: outcome.message, at: now())
            } catch {
                let failure = error as? DeployBackendError
                    ?? DeployBackendError(Task.isCancelled ? .cancelled : .failed, Task.isCancelled ? "the deploy was cancelled" : "the deploy failed on the server; its log says why")
                if failure.code == .failed, !(error is DeployBackendError) {
                    logger.error("deploy job failed", metadata: ["job": "\(job.id)", "error": "\(error)"])
                }
                if !job.isAccepted, failure.code != .failed, failure.code != .cancelled {
                    job.refuse(NotifyError(failure.status, failure.message), at: now())
                } else {
                    var event: [String: JSONValue] = ["status": .string(failure.code == .cancelled ? "cancelled" : "failed"), "message": .string(failure.message)]
                    if let step = failure.step { event["step"] = .string(step) }
                    job.finish(failure.code == .cancelled ? .cancelled : .failed, outcome: .object(event), deploymentId: nil, message: failure.message, at: now())
                }
            }
            state.withLock { state in
                if state.running[key] == job.id { state.running[key] = nil }
                trim(&state)
            }
        }
        job.attach(task)
        return job
    }

    /// Forgets finished jobs beyond the newest `keptFinished`, and those finished over `keptFor` ago.
    private func trim(_ state: inout State) {
        let cutoff = now().addingTimeInterval(-TimeInterval(keptFor.components.seconds))
        var finished = 0
        for id in state.order.reversed() {
            guard let job = state.jobs[id], !job.isRunning else { continue }
            finished += 1
            if finished > keptFinished || job.startedAt < cutoff {
                state.jobs[id] = nil
            }
        }
        state.order.removeAll { state.jobs[$0] == nil }
    }
}

extension DeployBackendError {
    /// The answer to a request this error refuses.
    var status: HTTPResponse.Status {
        switch code {
        case .invalidRequest: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .unavailable, .cancelled: .serviceUnavailable
        case .failed: .unprocessableContent
        }
    }
}

extension DeployJobProgress {
    var jsonValue: JSONValue {
        [
            "step": .string(step), "stepIndex": .number(Double(stepIndex)), "stepCount": .number(Double(stepCount)),
            "share": .number((share * 1000).rounded() / 1000), "phase": .string(phase), "message": .string(message),
        ]
    }
}
