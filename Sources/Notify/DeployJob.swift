import Foundation
import JSON
import Ledger
import Synchronization

/// One deploy or rollback the server runs: its numbered events (the job, its progress, its
/// outcome) kept in memory, so any number of clients can follow it and a client that reconnects
/// with `Last-Event-ID` gets what it missed. The work runs in a task the server owns (`DeployJobs`),
/// not in the request that started it: a client that leaves does not stop it.
final class DeployJob: Sendable {
    enum Kind: String, Sendable {
        case deploy, rollback
    }

    enum State: String, Sendable {
        case running, succeeded, failed, cancelled
    }

    /// One SSE frame: its id is its 1-based position.
    struct Event: Sendable, Equatable {
        var id: Int
        var name: String
        var data: JSONValue

        var frame: String { "id: \(id)\nevent: \(name)\ndata: \(data.encodedString())\n\n" }
    }

    /// Events after a given id, and whether there will be more.
    struct Batch: Sendable {
        var events: [Event]
        var finished: Bool
    }

    let id: String
    let kind: Kind
    let projectId: String
    let environment: String?
    let target: DeployTargetKind?
    /// What may be shown of the source (no credentials).
    let source: JSONValue?
    let startedAt: Date

    fileprivate struct Storage {
        var events: [Event] = []
        var state = State.running
        var accepted = false
        var finishedAt: Date?
        var deploymentId: String?
        var message: String?
        /// Why it was refused before it held its lock: the request is answered with this, not a stream.
        var refusal: NotifyError?
        var task: Task<Void, Never>?
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let storage = Mutex(Storage())

    init(id: String, kind: Kind, projectId: String, environment: String?, target: DeployTargetKind?, source: JSONValue?, startedAt: Date) {
        self.id = id
        self.kind = kind
        self.projectId = projectId
        self.environment = environment
        self.target = target
        self.source = source
        self.startedAt = startedAt
    }

    // MARK: - What the job says

    var state: State { storage.withLock { $0.state } }
    var isRunning: Bool { state == .running }
    var task: Task<Void, Never>? { storage.withLock { $0.task } }

    func attach(_ task: Task<Void, Never>) {
        storage.withLock { $0.task = task }
    }

    /// The job as `GET /api/jobs/{id}` shows it.
    var jsonValue: JSONValue {
        storage.withLock { storage in
            var object: [String: JSONValue] = [
                "id": .string(id),
                "kind": .string(kind.rawValue),
                "projectId": .string(projectId),
                "state": .string(storage.state.rawValue),
                "startedAt": .string(LedgerTime.string(startedAt)),
                "lastEventId": .number(Double(storage.events.count)),
                "events": .string("/api/jobs/\(id)/events"),
            ]
            if let environment { object["environment"] = .string(environment) }
            if let target { object["target"] = .string(target.rawValue) }
            if let source { object["source"] = source }
            if let finishedAt = storage.finishedAt { object["finishedAt"] = .string(LedgerTime.string(finishedAt)) }
            if let deploymentId = storage.deploymentId { object["deploymentId"] = .string(deploymentId) }
            if let message = storage.message { object["message"] = .string(message) }
            return .object(object)
        }
    }

    /// The first event of every job: what it is, so a client that only has the stream knows where to reconnect.
    var startEvent: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "kind": .string(kind.rawValue), "projectId": .string(projectId),
            "startedAt": .string(LedgerTime.string(startedAt)), "events": .string("/api/jobs/\(id)/events"),
        ]
        if let environment { object["environment"] = .string(environment) }
        if let target { object["target"] = .string(target.rawValue) }
        if let source { object["source"] = source }
        return .object(object)
    }

    // MARK: - What the running task reports

    func append(_ name: String, _ data: JSONValue) {
        let waiters = storage.withLock { storage -> [CheckedContinuation<Void, Never>] in
            guard storage.state == .running else { return [] }
            storage.events.append(Event(id: storage.events.count + 1, name: name, data: data))
            return storage.takeWaiters()
        }
        waiters.forEach { $0.resume() }
    }

    func accept() {
        let waiters = storage.withLock { storage -> [CheckedContinuation<Void, Never>] in
            guard !storage.accepted else { return [] }
            storage.accepted = true
            return storage.takeWaiters()
        }
        waiters.forEach { $0.resume() }
    }

    var isAccepted: Bool { storage.withLock { $0.accepted } }

    /// Ends the job with its outcome event (the last one).
    func finish(_ state: State, outcome: JSONValue, deploymentId: String?, message: String, at date: Date) {
        let waiters = storage.withLock { storage -> [CheckedContinuation<Void, Never>] in
            guard storage.state == .running else { return [] }
            storage.events.append(Event(id: storage.events.count + 1, name: "outcome", data: outcome))
            storage.state = state
            storage.finishedAt = date
            storage.deploymentId = deploymentId
            storage.message = message
            return storage.takeWaiters()
        }
        waiters.forEach { $0.resume() }
    }

    /// Ends a job that never held its lock: the request that started it is answered with `error`.
    func refuse(_ error: NotifyError, at date: Date) {
        let waiters = storage.withLock { storage -> [CheckedContinuation<Void, Never>] in
            guard storage.state == .running else { return [] }
            storage.refusal = error
            storage.state = .failed
            storage.finishedAt = date
            storage.message = error.message
            return storage.takeWaiters()
        }
        waiters.forEach { $0.resume() }
    }

    // MARK: - Following

    /// Waits until the job holds its lock or has ended; the refusal, when it ended without ever holding it.
    func decided() async -> NotifyError? {
        await wait { $0.accepted || $0.state != .running }
        return storage.withLock { $0.refusal }
    }

    /// The events after `after`, waiting until there is one or the job has ended (at once when the
    /// calling task is cancelled).
    func events(after: Int) async -> Batch {
        await wait { $0.events.count > after || $0.state != .running }
        return storage.withLock { storage in
            let start = min(max(0, after), storage.events.count)
            return Batch(events: Array(storage.events[start...]), finished: storage.state != .running)
        }
    }

    /// Returns once `ready` holds (each change wakes every waiter to look again), or the calling task is cancelled.
    private func wait(until ready: @escaping @Sendable (Storage) -> Bool) async {
        while !Task.isCancelled, !storage.withLock({ ready($0) }) {
            let token = storage.withLock { storage in
                storage.nextWaiter += 1
                return storage.nextWaiter
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = storage.withLock { storage in
                        if ready(storage) || Task.isCancelled { return true }
                        storage.waiters[token] = continuation
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: {
                storage.withLock { $0.waiters.removeValue(forKey: token) }?.resume()
            }
        }
    }
}

extension DeployJob.Storage {
    /// Every waiter, removed: each checks again what it waits for.
    fileprivate mutating func takeWaiters() -> [CheckedContinuation<Void, Never>] {
        defer { waiters.removeAll() }
        return Array(waiters.values)
    }
}
