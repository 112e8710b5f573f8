import Foundation
import Logging
import MCP

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// MCP's stdio framing (one JSON-RPC message per line) over two file descriptors.
///
/// The SDK's `StdioTransport` polls a non-blocking descriptor every 10 ms and, at end of input,
/// hands the client a stream that ends without error, which its receive loop then re-reads
/// forever. This one blocks a thread of its own on `read`, and ends the stream with an error at end
/// of input, so a client or server loop stops when the other side goes away. Writes to a socket use
/// `MSG_NOSIGNAL`: a child server that died must not take deployotron down with SIGPIPE.
actor LineTransport: Transport {
    nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let outputIsSocket: Bool
    private let stream: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var started = false
    private var closed = false
    /// Called once when the input ends (the other side closed it or exited).
    private let onEnd: @Sendable () -> Void

    init(input: Int32, output: Int32, outputIsSocket: Bool, onEnd: @escaping @Sendable () -> Void = {}) {
        self.input = input
        self.output = output
        self.outputIsSocket = outputIsSocket
        self.onEnd = onEnd
        self.logger = Logger(label: "deployotron.mcp.transport", factory: { _ in SwiftLogNoOpLogHandler() })
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    func connect() async throws {
        guard !started else { return }
        started = true
        let fd = input
        let continuation = continuation
        let onEnd = onEnd
        let thread = Thread {
            var pending = Data()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                pending.append(contentsOf: buffer[0..<count])
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = pending[pending.startIndex..<newline]
                    pending = Data(pending[pending.index(after: newline)...])
                    if !line.isEmpty { continuation.yield(Data(line)) }
                }
            }
            continuation.finish(throwing: MCPBridgeError(.serverDown, "the connection closed"))
            onEnd()
        }
        thread.name = "mcp-read"
        thread.start()
    }

    func disconnect() async {
        guard !closed else { return }
        closed = true
        continuation.finish(throwing: MCPBridgeError(.serverDown, "disconnected"))
    }

    func send(_ data: Data) async throws {
        guard !closed else { throw MCPBridgeError(.serverDown, "the connection is closed") }
        var bytes = [UInt8](data)
        bytes.append(0x0A)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                let start = buffer.baseAddress! + offset
                let length = buffer.count - offset
                #if canImport(Glibc)
                return outputIsSocket ? Glibc.send(output, start, length, Int32(MSG_NOSIGNAL)) : write(output, start, length)
                #else
                return write(output, start, length)
                #endif
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw MCPBridgeError(.serverDown, "the connection closed (\(String(cString: strerror(errno))))")
            }
            offset += written
        }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        stream
    }
}
