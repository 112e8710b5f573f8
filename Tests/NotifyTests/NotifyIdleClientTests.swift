import Foundation
import Ledger
import Logging
import Notify
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 15, item 7: clients that stop sending, leave mid-upload, or leave a live stream.
/// Serialized, and every blocking read runs on a Dispatch thread: the server under test shares the
/// cooperative thread pool with the tests.
@Suite(.serialized) struct NotifyIdleClientTests {
    static let quick = NotifyServerConfiguration(port: 0, eventPollInterval: .milliseconds(10), keepAliveInterval: .seconds(3600), idleTimeout: .milliseconds(500))

    @Test func aBodyThatStopsArrivingGets408ThenTheConnectionCloses() async throws {
        let dir = try TemporaryDirectory()
        try await LiveServer.with(store: try SQLiteLedger(path: dir.path("l.sqlite")), configuration: Self.quick) { server in
            let socket = try RawClient(server)
            defer { socket.close() }
            try socket.send("POST /notify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"guid\":\"g\",")
            let reply = await socket.readUntilClosedOffPool()
            #expect(reply.hasPrefix("HTTP/1.1 408"), "\(reply)")
            #expect(reply.contains("no part of the request arrived"))
            #expect(socket.closedByServer)
        }
    }

    @Test func aConnectionThatSendsNoRequestIsClosed() async throws {
        let dir = try TemporaryDirectory()
        try await LiveServer.with(store: try SQLiteLedger(path: dir.path("l.sqlite")), configuration: Self.quick) { server in
            let silent = try RawClient(server)
            defer { silent.close() }
            let halfHeaders = try RawClient(server)
            defer { halfHeaders.close() }
            try halfHeaders.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
            _ = await silent.readUntilClosedOffPool()
            _ = await halfHeaders.readUntilClosedOffPool()
            #expect(silent.closedByServer)
            #expect(halfHeaders.closedByServer)
        }
    }

    @Test func aClientLeavingMidUploadIsLoggedAtDebugNotAsAnError() async throws {
        let dir = try TemporaryDirectory()
        let records = LogCapture()
        var logger = Logger(label: "idle-tests") { _ in records }
        logger.logLevel = .debug
        try await LiveServer.with(store: try SQLiteLedger(path: dir.path("l.sqlite")), configuration: NotifyServerConfiguration(port: 0), logger: logger) { server in
            let socket = try RawClient(server)
            try socket.send("POST /notify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"guid\":\"g\",")
            try await Task.sleep(for: .milliseconds(50))
            socket.close()
            // Eventually the server notices; it must say so at debug level and nowhere louder.
            for _ in 0..<200 where !records.contains("left during its upload") {
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(records.contains("left during its upload"))
            #expect(records.atOrAbove(.warning).isEmpty, "\(records.atOrAbove(.warning))")
            #expect(try await server.request("/healthz").status == 200)
        }
    }

    @Test func aLiveStreamStopsPollingWhenItsClientLeaves() async throws {
        let dir = try TemporaryDirectory()
        let store = CountingStore(try SQLiteLedger(path: dir.path("l.sqlite")))
        try await LiveServer.with(store: store, configuration: Self.quick) { server in
            let socket = try RawClient(server)
            try socket.send("GET /api/projects/g/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
            #expect(await socket.readOffPool(until: "retry: 1000").contains("retry: 1000"))
            let before = store.eventReads
            while store.eventReads < before + 3 { try await Task.sleep(for: .milliseconds(5)) }
            socket.close()
            // With the client gone the stream must go quiet: no read for a while, long before
            // the hour-long keep-alive would have found out.
            var quiet = false
            for _ in 0..<100 where !quiet {
                let count = store.eventReads
                try await Task.sleep(for: .milliseconds(100))
                quiet = store.eventReads == count
            }
            #expect(quiet, "the stream kept polling after its client left")
        }
    }

    @Test func anEventThisServerRecordsWakesItsProjectsStreamsAtOnce() async throws {
        let dir = try TemporaryDirectory()
        // Polling once an hour: only the wake-up can deliver the event within the test.
        let configuration = NotifyServerConfiguration(port: 0, eventPollInterval: .seconds(3600), keepAliveInterval: .seconds(3600))
        try await LiveServer.with(store: try SQLiteLedger(path: dir.path("l.sqlite")), configuration: configuration) { server in
            let socket = try RawClient(server)
            defer { socket.close() }
            try socket.send("GET /api/projects/woken/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
            #expect(await socket.readOffPool(until: "retry: 1000").contains("retry: 1000"))
            let posted = try await server.post(#"{"guid":"woken","type":"status","message":"building"}"#)
            #expect(posted.status == 200)
            let text = await socket.readOffPool(until: "building")
            #expect(text.contains("event: status") && text.contains("building"), "\(text)")
        }
    }
}

// MARK: - Helpers

/// A blocking TCP client for what HTTP clients will not do: stop halfway, or leave.
final class RawClient: @unchecked Sendable {
    let fd: Int32
    private(set) var closedByServer = false

    init(_ server: LiveServer) throws {
        let port = UInt16(server.baseURL.split(separator: ":").last.flatMap { Int($0) } ?? 0)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NotifyTestError("socket() failed") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw NotifyTestError("connect() failed") }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw NotifyTestError("send() failed") }
    }

    /// What arrives until the server closes (or 10 s pass without a byte: then `closedByServer` stays false).
    func readUntilClosed() -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { closedByServer = true; break }
            if count < 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    func read(until marker: String) -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    func close() {
        _ = Glibc.close(fd)
    }

    func readUntilClosedOffPool() async -> String {
        await withCheckedContinuation { done in DispatchQueue.global().async { done.resume(returning: self.readUntilClosed()) } }
    }

    func readOffPool(until marker: String) async -> String {
        await withCheckedContinuation { done in DispatchQueue.global().async { done.resume(returning: self.read(until: marker)) } }
    }
}

/// A store that counts how often events are read, so a test can see a stream poll.
struct CountingStore: ResourceStore {
    let base: any ResourceStore
    private let reads = Counter()

    init(_ base: any ResourceStore) { self.base = base }

    var eventReads: Int { reads.value.withLock { $0 } }

    func registerProject(guid: String, userId: String, name: String, at date: Date) async throws -> ProjectRecord {
        try await base.registerProject(guid: guid, userId: userId, name: name, at: date)
    }
    func project(guid: String) async throws -> ProjectRecord? { try await base.project(guid: guid) }
    func record(_ event: NotifyEvent, at date: Date) async throws -> StoredEvent { try await base.record(event, at: date) }
    func resources(guid: String) async throws -> ResourceRecord? { try await base.resources(guid: guid) }
    func resources(userId: String) async throws -> [ResourceRecord] { try await base.resources(userId: userId) }
    func events(guid: String, after sequence: Int64?, limit: Int?) async throws -> [StoredEvent] {
        reads.value.withLock { $0 += 1 }
        return try await base.events(guid: guid, after: sequence, limit: limit)
    }

    final class Counter: Sendable {
        let value = Mutex(0)
    }
}

/// Every log record, for tests that check how loud the server was.
final class LogCapture: LogHandler, @unchecked Sendable {
    private let records = Mutex<[(Logger.Level, String)]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        records.withLock { $0.append((level, "\(message) \(metadata ?? [:])")) }
    }

    func contains(_ text: String) -> Bool { records.withLock { $0.contains { $0.1.contains(text) } } }

    func atOrAbove(_ level: Logger.Level) -> [String] { records.withLock { $0.filter { $0.0 >= level }.map(\.1) } }
}
