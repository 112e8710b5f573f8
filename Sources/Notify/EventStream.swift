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
/// written by another server sharing the store. It ends when the server shuts down, and as soon as
/// the client's connection closes (not at the next write, which a quiet project may not have for
/// a long time): an idle stream then costs nothing.
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

    var body: ResponseBody {
        ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
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
        while !Task.isCancelled && !Task.isShuttingDownGracefully && !presence.hasLeft {
            let events = try await store.events(guid: guid, after: last, limit: 500)
            if events.isEmpty {
                if silentFor >= keepAliveInterval {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    silentFor = .zero
                }
                try await presence.sleep(for: pollInterval, clock: clock)
                silentFor += pollInterval
                continue
            }
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

    /// Sleeps for `duration`; throws `CancellationError` as soon as the client leaves or the
    /// calling task is cancelled.
    func sleep(for duration: Duration, clock: any Clock<Duration>) async throws {
        let sleeper = Task { try await clock.sleep(for: duration, tolerance: nil) }
        let left = state.withLock { state in
            state.sleeper = state.hasLeft ? nil : sleeper
            return state.hasLeft
        }
        if left { sleeper.cancel() }
        try await withTaskCancellationHandler {
            try await sleeper.value
        } onCancel: {
            sleeper.cancel()
        }
    }
}
