import Foundation

/// A clock whose `sleep` returns at once and remembers how long it was asked to wait.
final class RecordingClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let lock = NSLock()
    private var elapsed: Duration = .zero
    private var requested: [Duration] = []

    var now: Instant { lock.withLock { Instant(offset: elapsed) } }
    var minimumResolution: Duration { .nanoseconds(1) }

    /// Every pause asked for, in order.
    var sleeps: [Duration] { lock.withLock { requested } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        lock.withLock {
            requested.append(deadline.offset - elapsed)
            elapsed = max(elapsed, deadline.offset)
        }
    }
}
