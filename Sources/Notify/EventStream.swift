import Foundation
import Hummingbird
import JSON
import Ledger
import NIOCore
import ServiceLifecycle

/// A live `text/event-stream` of one project's new events, read from the ledger as they land.
///
/// It polls the store rather than listening to this process's write path, so it also sees events
/// written by another server sharing the store. It ends when the client goes away or the server
/// shuts down.
struct EventStream: Sendable {
    let store: any ResourceStore
    let guid: String
    /// The last sequence the client has; only later events are sent.
    let after: Int64
    let pollInterval: Duration
    let keepAliveInterval: Duration
    let clock: any Clock<Duration>

    var body: ResponseBody {
        ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            do {
                try await self.pump(into: &writer)
            } catch is CancellationError {
                // Shutting down: end the stream cleanly so the client reconnects later.
            }
            try await writer.finish(nil)
        }
    }

    private func pump(into writer: inout any ResponseBodyWriter) async throws {
        var last = after
        var silentFor: Duration = .zero
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let events = try await store.events(guid: guid, after: last, limit: 500)
            if events.isEmpty {
                if silentFor >= keepAliveInterval {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    silentFor = .zero
                }
                try await clock.sleep(for: pollInterval, tolerance: nil)
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
