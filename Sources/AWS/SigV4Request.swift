/// The parts of an HTTP request that SigV4 signs, as they will go on the wire.
public struct SigV4Request: Sendable {
    public var method: String
    /// The path as sent, without the query: `/`, `/bucket/key%20name`.
    public var path: String
    /// The raw query string without `?`; empty when there is none.
    public var query: String
    /// Headers in the order they will be sent; repeated names are allowed. Must include `host`.
    public var headers: [(name: String, value: String)]

    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }
}
