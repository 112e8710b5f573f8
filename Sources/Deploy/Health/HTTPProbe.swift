import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks a published port from the host whether an HTTP server answers behind it.
///
/// This is how a deploy judges health: podman runs no HEALTHCHECK timers where systemd does not,
/// and a port that answers HTTP is what a user will reach. Any status counts (an app without a
/// `/` route answers 404 and is up); a refused connection means not yet.
public struct HTTPProbe: Sendable {
    /// What one probe saw.
    public enum Outcome: Sendable, Equatable {
        /// A status line came back: `HTTP/1.1 200 OK` is `answering(status: 200)`.
        case answering(status: Int)
        /// Nothing listens on the port (yet).
        case refused
        /// The connection was made (or hung), but no HTTP status line came back in time: a proxy
        /// in front of a server still starting, or a server that speaks something else.
        case noAnswer(String)

        public var isAnswering: Bool {
            if case .answering = self { return true }
            return false
        }
    }

    /// A whole response, read to the end of the connection.
    public struct Response: Sendable, Equatable {
        public var status: Int
        public var head: String
        public var body: Data
    }

    public var host: String
    public var connectTimeout: Duration
    /// How long the server has to answer once connected.
    public var answerTimeout: Duration

    public init(host: String = "127.0.0.1", connectTimeout: Duration = .seconds(1), answerTimeout: Duration = .seconds(3)) {
        self.host = host
        self.connectTimeout = connectTimeout
        self.answerTimeout = answerTimeout
    }

    /// Sends `GET PATH HTTP/1.0` to the port and reads until the status line.
    public func probe(port: Int, path: String = "/") async -> Outcome {
        let exchange = await exchange(port: port, path: path, wholeResponse: false)
        switch exchange {
        case .refused: return .refused
        case .failed(let reason): return .noAnswer(reason)
        case .received(let data):
            guard let status = Self.status(in: data) else {
                return .noAnswer(data.isEmpty ? "the connection closed without an answer" : "the answer is not HTTP")
            }
            return .answering(status: status)
        }
    }

    /// Sends `GET PATH HTTP/1.0` and reads the response to its end (at most 4 MB).
    public func fetch(port: Int, path: String = "/") async throws -> Response {
        switch await exchange(port: port, path: path, wholeResponse: true) {
        case .refused:
            throw DeployError(.unhealthy, "nothing answers on \(host):\(port)")
        case .failed(let reason):
            throw DeployError(.unhealthy, "\(host):\(port) gave no HTTP answer: \(reason)")
        case .received(let data):
            guard let status = Self.status(in: data) else {
                throw DeployError(.unhealthy, "\(host):\(port) gave no HTTP answer: \(data.isEmpty ? "the connection closed" : "it is not HTTP")")
            }
            let separator = Data("\r\n\r\n".utf8)
            let split = data.range(of: separator)
            let head = split.map { data[data.startIndex..<$0.lowerBound] } ?? data
            let body = split.map { data[$0.upperBound...] } ?? Data()
            return Response(status: status, head: String(decoding: head, as: UTF8.self), body: Data(body))
        }
    }

    /// The status code of a response starting `HTTP/x.y NNN`, nil before the line is whole or when it is not HTTP.
    static func status(in data: Data) -> Int? {
        guard let end = data.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = String(decoding: data[data.startIndex..<end], as: UTF8.self)
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), parts[1].count == 3, let code = Int(parts[1]) else { return nil }
        return code
    }

    // MARK: - The socket

    enum Exchange: Sendable {
        case refused
        case failed(String)
        case received(Data)
    }

    /// Runs the blocking exchange on a dispatch thread, off the cooperative pool.
    func exchange(port: Int, path: String, wholeResponse: Bool) async -> Exchange {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: blockingExchange(port: port, path: path, wholeResponse: wholeResponse))
            }
        }
    }

    func blockingExchange(port: Int, path: String, wholeResponse: Bool) -> Exchange {
        guard (1...65535).contains(port) else { return .failed("port \(port) is out of range") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return .failed("\(host) is not an IPv4 address") }
        #if canImport(Glibc) || canImport(Musl)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return .failed("no socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)

        let clock = ContinuousClock()
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 {
            if errno == ECONNREFUSED { return .refused }
            guard errno == EINPROGRESS else { return .failed(String(cString: strerror(errno))) }
            guard Self.wait(fd, for: Int16(POLLOUT), until: clock.now + connectTimeout) else { return .failed("no connection within \(connectTimeout)") }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == ECONNREFUSED { return .refused }
            if error != 0 { return .failed(String(cString: strerror(error))) }
        }

        let deadline = clock.now + answerTimeout
        var request = Data("GET \(path) HTTP/1.0\r\nHost: \(host):\(port)\r\nUser-Agent: deployotron\r\nAccept: */*\r\n\r\n".utf8)
        while !request.isEmpty {
            guard Self.wait(fd, for: Int16(POLLOUT), until: deadline) else { return .failed("the request could not be sent within \(answerTimeout)") }
            let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                if errno == ECONNRESET || errno == EPIPE { return .received(Data()) }
                return .failed(String(cString: strerror(errno)))
            }
            request.removeFirst(sent)
        }

        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            if !wholeResponse && received.contains(UInt8(ascii: "\n")) { return .received(received) }
            if received.count > 4 << 20 { return .received(received) }
            guard Self.wait(fd, for: Int16(POLLIN), until: deadline) else {
                return received.isEmpty ? .failed("no answer within \(answerTimeout)") : .received(received)
            }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
            } else if count == 0 {
                return .received(received)
            } else if errno != EAGAIN && errno != EINTR {
                // A reset before any byte is a proxy whose backend is not up yet.
                return errno == ECONNRESET ? .received(received) : .failed(String(cString: strerror(errno)))
            }
        }
    }

    /// Waits until `fd` is ready for `events` or `deadline` passes.
    static func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return false }
            let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return false }
        }
    }
}
