import Foundation
import Hummingbird
import JSON
import NIOCore
import ServiceLifecycle
import Synchronization

/// One client's follow of a deployment's log (`GET /api/deployments/{id}/logs?follow=true`): the
/// backend's follow runs in a task of its own and hands its lines to this buffer; the response
/// body takes them from here as Server-Sent Events.
///
/// The follow belongs to the response: it is cancelled (and awaited, so `docker logs --follow` has
/// stopped, or the CloudWatch polling ended) when the client leaves, when the server shuts down,
/// and when the response is dropped without its body ever being sent.
final class FollowedLog: Sendable {
    /// Lines waiting for a slow client, at most; older ones are dropped first, and the client is told how many.
    static let maxPending = 5000

    /// How the follow ended, once it has.
    enum Ending: Sendable, Equatable {
        /// The log ended by itself (the container stopped).
        case ended
        case failed(String)
    }

    /// The lines after a given number, and the ending once there is one.
    struct Batch: Sendable {
        /// The number of the first line (they count from 1, in the order they came).
        var first: Int
        var lines: [String]
        /// Lines after the given number that were dropped before they could be read.
        var dropped: Int
        var ending: Ending?
    }

    fileprivate struct Storage {
        /// The lines not yet read, numbered from `first`.
        var pending: [String] = []
        var first = 1
        var started = false
        var ending: Ending?
        /// Why the follow could not begin: the request is answered with this, not a stream.
        var refusal: (any Error)?
    }

    private let storage = Watched(Storage())

    // MARK: - What the follow reports

    func start() {
        storage.change { $0.started = true }
    }

    func append(_ line: String) {
        storage.change { storage in
            storage.pending.append(line)
            if storage.pending.count > Self.maxPending {
                let excess = storage.pending.count - Self.maxPending
                storage.pending.removeFirst(excess)
                storage.first += excess
            }
        }
    }

    /// The follow returned (`nil`: the log ended) or threw: before it started, the refusal; after, the stream's last event.
    func end(_ error: (any Error)?) {
        storage.change { storage in
            guard storage.ending == nil, storage.refusal == nil else { return }
            if !storage.started, let error {
                storage.refusal = error
                return
            }
            if let error = error as? DeployBackendError {
                storage.ending = .failed(error.message)
            } else if error is CancellationError {
                storage.ending = .failed("following the log was cancelled")
            } else if error != nil {
                storage.ending = .failed("following the log failed on the server; its log says why")
            } else {
                storage.ending = .ended
            }
            storage.started = true
        }
    }

    // MARK: - What the response reads

    /// Waits until the follow has started (nil) or was refused (the error to answer with).
    func decided() async -> (any Error)? {
        await storage.wait { $0.started || $0.refusal != nil }
        return storage.withLock { $0.refusal }
    }

    /// The lines after number `after` (those up to it were read, and are let go), waiting until
    /// there is one or the ending (at once when the calling task is cancelled).
    func lines(after: Int) async -> Batch {
        await storage.wait { $0.first + $0.pending.count - 1 > after || $0.ending != nil }
        return storage.withLock { storage in
            let read = min(storage.pending.count, max(0, after - storage.first + 1))
            storage.pending.removeFirst(read)
            storage.first += read
            return Batch(first: storage.first, lines: storage.pending, dropped: max(0, storage.first - after - 1), ending: storage.ending)
        }
    }
}

// MARK: - The response

extension FollowedLog {
    /// Cancels the follow when the last reference goes: the response body ended, or was dropped unsent.
    final class Lease: Sendable {
        let task: Task<Void, Never>

        init(_ task: Task<Void, Never>) { self.task = task }

        deinit { task.cancel() }
    }

    /// Starts following `request` on `backend`; throws the backend's refusal (404, 409, 400) before
    /// anything is streamed, else answers with the stream: one `line` event per line, numbered from
    /// 1, a `: keep-alive` comment after `keepAlive` without any, and an `end` event when the log
    /// ends or the follow fails.
    static func response(
        _ request: DeploymentLogsRequest, backend: any DeployBackend, presence: ClientPresence,
        keepAlive: Duration, clock: any Clock<Duration>
    ) async throws -> Response {
        let log = FollowedLog()
        let lease = Lease(Task {
            do {
                try await backend.followLogs(request, follower: DeployLogFollower(started: { log.start() }, line: { log.append($0) }))
                log.end(nil)
            } catch {
                log.end(error)
            }
        })
        if let refusal = await log.decided() {
            throw refusal
        }
        let body = ResponseBody { writer in
            var failure: (any Error)?
            do {
                try await log.pump(into: &writer, presence: presence, keepAlive: keepAlive, clock: clock)
            } catch is CancellationError {
                // The client left, or the server is shutting down.
            } catch {
                failure = error
            }
            lease.task.cancel()
            await lease.task.value
            if let failure { throw failure }
            guard !presence.hasLeft else { return }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    private func pump(into writer: inout any ResponseBodyWriter, presence: ClientPresence, keepAlive: Duration, clock: any Clock<Duration>) async throws {
        var last = 0
        while true {
            let after = last
            let batch = try await cancelWhenGracefulShutdown {
                try await Self.next(of: self, after: after, presence: presence, keepAlive: keepAlive, clock: clock)
            }
            guard let batch else {
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                continue
            }
            var text = ""
            if batch.dropped > 0 {
                text += ": \(batch.dropped) lines dropped: the client read them slower than the log was written\n\n"
            }
            for (offset, line) in batch.lines.enumerated() {
                text += Self.frame(batch.first + offset, line)
            }
            if let ending = batch.ending {
                text += "event: end\ndata: \(ending.jsonValue.encodedString())\n\n"
            }
            if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
            last = batch.first + batch.lines.count - 1
            if batch.ending != nil { return }
        }
    }

    /// One log line as an SSE frame: its 1-based number as the id, the line as JSON.
    static func frame(_ number: Int, _ line: String) -> String {
        "id: \(number)\nevent: line\ndata: \(JSONValue.object(["line": .string(line)]).encodedString())\n\n"
    }

    /// The next batch of `log`; nil after `keepAlive` without any. Throws `CancellationError` when the client leaves.
    static func next(of log: FollowedLog, after: Int, presence: ClientPresence, keepAlive: Duration, clock: any Clock<Duration>) async throws -> Batch? {
        try await withThrowingTaskGroup(of: Batch?.self) { group in
            group.addTask { await log.lines(after: after) }
            group.addTask {
                _ = try await presence.sleep(for: keepAlive, clock: clock)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}

extension FollowedLog.Ending {
    var jsonValue: JSONValue {
        switch self {
        case .ended: ["status": "ended", "message": "the log ended: the deployment stopped"]
        case .failed(let message): ["status": "failed", "message": .string(message)]
        }
    }
}
