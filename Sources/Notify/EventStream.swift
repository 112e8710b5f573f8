import Foundation
import Hummingbird
import JSON
import Ledger
import NIOCore
import ServiceLifecycle
import Synchronization

/// A live `text/event-stream` of one project's new events, read from the ledger as they land.
///
/// It polls the store rather than listening to this process's write path, so it also sees events
/// written by another server sharing the store; a quiet stream polls less and less often (up to
/// eight poll intervals apart), and an event this server records wakes its project's streams at
/// once. It ends when the server shuts down, and as soon as the client's connection closes (not
/// at the next write, which a quiet project may not have for a long time).
struct EventStream: Sendable {
    let store: any ResourceStore
    let guid: String
    /// The last sequence the client has; only later events are sent.
    let after: Int64
    let pollInterval: Duration
    let keepAliveInterval: Duration
    let clock: any Clock<Duration>
    /// Whether the client is still there; its leaving ends the stream at once.
    let presence: ClientPresence
    /// Where this server's own writes wake the stream.
    let wakeups: EventWakeups

    /// The longest pause of a quiet stream, in poll intervals.
    static let maxBackOff = 8

    var body: ResponseBody {
        ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            let registration = wakeups.register(presence, for: guid)
            defer { wakeups.unregister(registration, for: guid) }
            do {
                try await self.pump(into: &writer, presence: presence)
            } catch is CancellationError {
                // Shutting down, or the client left: end the stream cleanly so a client reconnects later.
            }
            guard !presence.hasLeft else { return }
            try await writer.finish(nil)
        }
    }

    private func pump(into writer: inout any ResponseBodyWriter, presence: ClientPresence) async throws {
        var last = after
        var silentFor: Duration = .zero
        var pause = pollInterval
        while !Task.isCancelled && !Task.isShuttingDownGracefully && !presence.hasLeft {
            let events = try await store.events(guid: guid, after: last, limit: 500)
            if events.isEmpty {
                if silentFor >= keepAliveInterval {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    silentFor = .zero
                }
                let woken = try await presence.sleep(for: pause, clock: clock)
                silentFor += pause
                pause = woken ? pollInterval : min(pause * 2, pollInterval * Self.maxBackOff)
                continue
            }
            pause = pollInterval
            var buffer = ByteBuffer()
            for event in events {
                buffer.writeString(Self.frame(event))
                last = event.sequence
            }
            try await writer.write(buffer)
            silentFor = .zero
        }
    }

    /// One SSE frame: the sequence as its id (so `Last-Event-ID` resumes), the type as its event name.
    static func frame(_ event: StoredEvent) -> String {
        "id: \(event.sequence)\nevent: \(event.kind.rawValue)\ndata: \(event.jsonValue.encodedString())\n\n"
    }
}

/// Whether a connection's client is still there, and the one sleep to cut short when it leaves.
final class ClientPresence: Sendable {
    private struct State {
        var hasLeft = false
        var woken = false
        var sleeper: Task<Void, any Error>?
    }

    private let state = Mutex(State())

    var hasLeft: Bool { state.withLock { $0.hasLeft } }

    /// Called once, when the connection closes: ends the current sleep at once.
    func leave() {
        let sleeper = state.withLock { state in
            state.hasLeft = true
            return state.sleeper
        }
        sleeper?.cancel()
    }

    /// Ends the current sleep early, without the client having left: there is news.
    func wake() {
        let sleeper = state.withLock { state in
            state.woken = true
            return state.sleeper
        }
        sleeper?.cancel()
    }

    /// Sleeps for `duration`; true when `wake()` cut it short (or came since the last sleep).
    /// Throws `CancellationError` as soon as the client leaves or the calling task is cancelled.
    func sleep(for duration: Duration, clock: any Clock<Duration>) async throws -> Bool {
        let sleeper = Task { try await clock.sleep(for: duration, tolerance: nil) }
        let (left, woken) = state.withLock { state in
            state.sleeper = state.hasLeft || state.woken ? nil : sleeper
            return (state.hasLeft, state.woken)
        }
        if left || woken { sleeper.cancel() }
        do {
            try await withTaskCancellationHandler {
                try await sleeper.value
            } onCancel: {
                sleeper.cancel()
            }
        } catch {
            try Task.checkCancellation()
            guard !hasLeft else { throw CancellationError() }
        }
        return state.withLock { state in
            state.sleeper = nil
            defer { state.woken = false }
            return state.woken
        }
    }
}

/// The live streams of each project, so that an event this server records wakes them at once.
final class EventWakeups: Sendable {
    private struct State {
        var next = 0
        var streams: [String: [Int: ClientPresence]] = [:]
    }

    private let state = Mutex(State())

    func register(_ presence: ClientPresence, for guid: String) -> Int {
        state.withLock { state in
            state.next += 1
            state.streams[guid, default: [:]][state.next] = presence
            return state.next
        }
    }

    func unregister(_ registration: Int, for guid: String) {
        state.withLock { state in
            state.streams[guid]?[registration] = nil
            if state.streams[guid]?.isEmpty == true { state.streams[guid] = nil }
        }
    }

    /// Wakes the streams of `guid`; nothing when it has none (the common case, one lookup).
    func wake(_ guid: String) {
        let streams = state.withLock { $0.streams[guid].map { Array($0.values) } }
        streams?.forEach { $0.wake() }
    }
}
