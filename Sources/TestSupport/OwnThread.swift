import Foundation

/// Runs blocking work (a child process waited for, a pipe read to its end) on a thread of its own.
///
/// Swift concurrency runs every test's async code on a pool of as many threads as there are
/// cores: two on these machines. A test that waits 30 seconds in `waitUntilExit()` on one of them
/// stalls every timer and continuation of every other test meanwhile (a process timeout that
/// never fires, a server that answers late), so tests never block there: they await this instead.
public enum OwnThread {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.start()
        }
    }

    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.start()
        }
    }
}
