import Foundation

/// When and after how long a failed request is sent again: the official SDKs' rules.
///
/// At most `maxRetries` retries, on connection errors, 408, 409, 429 and every status >= 500
/// (529 "overloaded" included), unless the server's `x-should-retry` header says otherwise. The
/// server's `retry-after-ms` or `retry-after` is honoured when it is between 0 and 60 seconds;
/// otherwise the delay is 0.5 s doubling per retry up to 8 s, shortened by up to 25% jitter.
public struct RetryPolicy: Sendable, Equatable {
    public var maxRetries: Int
    public var initialDelay: Double
    public var maxDelay: Double

    public init(maxRetries: Int = 2, initialDelay: Double = 0.5, maxDelay: Double = 8) {
        self.maxRetries = maxRetries
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// Whether a response with `status` should be retried. `header` looks up a response header.
    public func shouldRetry(status: Int, header: (String) -> String?) -> Bool {
        switch header("x-should-retry")?.lowercased() {
        case "true": return true
        case "false": return false
        default: return [408, 409, 429].contains(status) || status >= 500
        }
    }

    /// The delay the server asked for, in seconds, when it is one the SDKs honour (0 < delay <= 60).
    public func serverDelay(header: (String) -> String?, now: Date = Date()) -> Double? {
        var delay: Double?
        if let milliseconds = header("retry-after-ms").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) {
            delay = milliseconds / 1000
        } else if let value = header("retry-after")?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Double(value) {
                delay = seconds
            } else if let date = Self.httpDate(value) {
                delay = date.timeIntervalSince(now)
            }
        }
        guard let delay, delay > 0, delay <= 60 else { return nil }
        return delay
    }

    /// The default delay before retry number `retriesSoFar + 1`; `jitter` is in [0, 1).
    public func backoff(retriesSoFar: Int, jitter: Double) -> Double {
        let base = min(initialDelay * pow(2, Double(retriesSoFar)), maxDelay)
        return base * (1 - 0.25 * min(max(jitter, 0), 1))
    }

    private static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
