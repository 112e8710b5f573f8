import Synchronization

/// A value under a lock that tasks can wait on: every change wakes the waiting tasks, and each
/// looks again whether what it waits for holds. A deploy job's events and a followed log's lines
/// are kept in one.
final class Watched<Value>: Sendable {
    private struct Storage {
        var value: Value
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let storage: Mutex<Storage>

    init(_ value: sending Value) {
        storage = Mutex(Storage(value: value))
    }

    /// Reads the value, or changes it without waking anyone (a reader taking what it was given).
    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T {
        storage.withLock { body(&$0.value) }
    }

    /// Changes the value and wakes every waiter.
    @discardableResult
    func change<T: Sendable>(_ body: (inout Value) -> T) -> T {
        let (result, waiters) = storage.withLock { storage -> (T, [CheckedContinuation<Void, Never>]) in
            let result = body(&storage.value)
            defer { storage.waiters.removeAll() }
            return (result, Array(storage.waiters.values))
        }
        waiters.forEach { $0.resume() }
        return result
    }

    /// Returns once `ready` holds, or the calling task is cancelled.
    func wait(until ready: @escaping @Sendable (Value) -> Bool) async {
        while !Task.isCancelled, !storage.withLock({ ready($0.value) }) {
            let token = storage.withLock { storage in
                storage.nextWaiter += 1
                return storage.nextWaiter
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = storage.withLock { storage in
                        if ready(storage.value) || Task.isCancelled { return true }
                        storage.waiters[token] = continuation
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: {
                storage.withLock { $0.waiters.removeValue(forKey: token) }?.resume()
            }
        }
    }
}
