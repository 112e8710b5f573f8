/// One event of a `text/event-stream`, as the WHATWG event-stream rules assemble it.
public struct ServerSentEvent: Sendable, Equatable {
    /// The `event:` field; nil when the event had none (the spec's "message").
    public var event: String?
    /// The `data:` lines, joined with "\n".
    public var data: String
    /// The last `id:` seen so far in the stream.
    public var id: String?
    /// The `retry:` reconnection time in milliseconds, when this event set one.
    public var retry: Int?

    public init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}
