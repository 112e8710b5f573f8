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

/// A clock for the idle watch: its sleeps wait while it is closed and pass (after a moment of real
/// time) while it is open, so a test says exactly when a stream has gone quiet.
final class GateClock: Clock, Sendable {
    typealias Instant = ContinuousClock.Instant
    private let isOpen = Mutex(false)

    var now: Instant { .now }
    var minimumResolution: Duration { .zero }

    func open() { isOpen.withLock { $0 = true } }
    func close() { isOpen.withLock { $0 = false } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        while !isOpen.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(5))
    }
}
