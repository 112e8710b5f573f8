/// A known build or deploy failure: how to recognise it in a log line and what to do about it.
public struct FailureSignature: Codable, Sendable, Equatable {
    /// One way of recognising the failure in a single line.
    public struct Rule: Codable, Sendable, Equatable {
        /// Literals (ASCII case ignored), any of which marks a candidate line; checked in one pass.
        public var any: [String]
        /// Literals of which at least one must also be in the line, when given.
        public var also: [String]?
        /// Literals that rule the line out.
        public var unless: [String]?
        /// A regular expression the candidate line must match, when given (only tried after a literal hit).
        public var regex: String?
    }

    public var id: String
    public var title: String
    public var hint: String
    public var category: String
    public var match: [Rule]
}
