import Synchronization

/// A value many tasks append to, read at the end of a test.
final class Recorder<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    func append(_ element: Element) { storage.withLock { $0.append(element) } }
    var all: [Element] { storage.withLock { $0 } }
}

/// A clock whose sleeps return at once, recording how long they were asked to last.
struct ImmediateClock: Clock {
    typealias Instant = ContinuousClock.Instant
    let sleeps = Recorder<Duration>()

    var now: Instant { .now }
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        sleeps.append(deadline - .now)
    }
}
