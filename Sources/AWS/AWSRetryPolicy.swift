/// How often, and after how long, a throttled or failed AWS call is sent again.
public struct AWSRetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The ceiling of the first pause; it doubles with each retry.
    public var baseDelay: Duration
    /// No pause is longer than this.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(50), maxDelay: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// One attempt, no retry.
    public static let none = AWSRetryPolicy(maxAttempts: 1)

    /// The pause before retry number `retry` (0 for the first): "full jitter", a `random` fraction
    /// (0...1) of base·2^retry capped at `maxDelay`, so clients that failed together do not retry together.
    public func delay(beforeRetry retry: Int, random: Double) -> Duration {
        let ceiling = min(baseDelay * Double(1 << min(max(retry, 0), 20)), maxDelay)
        return ceiling * min(max(random, 0), 1)
    }
}
