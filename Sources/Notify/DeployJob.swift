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
    }

    private let storage = Watched(Storage())

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
        storage.change { storage in
            guard storage.state == .running else { return }
            storage.events.append(Event(id: storage.events.count + 1, name: name, data: data))
        }
    }

    func accept() {
        storage.change { $0.accepted = true }
    }

    var isAccepted: Bool { storage.withLock { $0.accepted } }

    /// Ends the job with its outcome event (the last one).
    func finish(_ state: State, outcome: JSONValue, deploymentId: String?, message: String, at date: Date) {
        storage.change { storage in
            guard storage.state == .running else { return }
            storage.events.append(Event(id: storage.events.count + 1, name: "outcome", data: outcome))
            storage.state = state
            storage.finishedAt = date
            storage.deploymentId = deploymentId
            storage.message = message
        }
    }

    /// Ends a job that never held its lock: the request that started it is answered with `error`.
    func refuse(_ error: NotifyError, at date: Date) {
        storage.change { storage in
            guard storage.state == .running else { return }
            storage.refusal = error
            storage.state = .failed
            storage.finishedAt = date
            storage.message = error.message
        }
    }

    // MARK: - Following

    /// Waits until the job holds its lock or has ended; the refusal, when it ended without ever holding it.
    func decided() async -> NotifyError? {
        await storage.wait { $0.accepted || $0.state != .running }
        return storage.withLock { $0.refusal }
    }

    /// The events after `after`, waiting until there is one or the job has ended (at once when the
    /// calling task is cancelled).
    func events(after: Int) async -> Batch {
        await storage.wait { $0.events.count > after || $0.state != .running }
        return storage.withLock { storage in
            let start = min(max(0, after), storage.events.count)
            return Batch(events: Array(storage.events[start...]), finished: storage.state != .running)
        }
    }

}
