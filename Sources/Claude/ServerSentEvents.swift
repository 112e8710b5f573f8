/// The events of a byte stream: an `AsyncSequence` over any sequence of byte chunks
/// (such as AsyncHTTPClient's response body), decoded by `ServerSentEventDecoder`.
public struct ServerSentEvents<Upstream: AsyncSequence>: AsyncSequence where Upstream.Element: Sequence<UInt8> {
    public typealias Element = ServerSentEvent

    private let upstream: Upstream

    public init(_ upstream: Upstream) {
        self.upstream = upstream
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(upstream: upstream.makeAsyncIterator())
    }

    public struct Iterator: AsyncIteratorProtocol {
        private var upstream: Upstream.AsyncIterator
        private var decoder = ServerSentEventDecoder()
        private var pending: [ServerSentEvent] = []
        private var finished = false

        init(upstream: Upstream.AsyncIterator) {
            self.upstream = upstream
        }

        public mutating func next() async throws -> ServerSentEvent? {
            while pending.isEmpty {
                if finished { return nil }
                if let chunk = try await upstream.next() {
                    pending = decoder.feed(chunk)
                } else {
                    finished = true
                    pending = decoder.finish()
                }
            }
            return pending.removeFirst()
        }
    }
}
