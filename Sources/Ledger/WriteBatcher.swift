import Foundation
import Synchronization

/// Groups writes that arrive while another write is in progress into one batch.
///
/// A transaction costs one WAL sync whatever it holds, so many concurrent `record` calls are
/// cheapest as one transaction. The first caller leads: it writes its own item and everything
/// queued behind it, resumes every waiter after the commit, then hands the lead to the next
/// queued caller, if any. Nobody returns before the batch holding their item committed.
///
/// The queue sits behind a mutex rather than in an actor: with an actor, every resumed caller had
/// to pass through the actor's executor one after another before it could answer its request.
final class WriteBatcher<Item: Sendable, Output: Sendable>: Sendable {
    /// Writes a batch in one transaction; one result per item, in order.
    typealias Perform = @Sendable ([Item]) async -> [Result<Output, any Error>]

    private enum Turn: Sendable {
        case done(Result<Output, any Error>)
        case lead
    }

    private struct Waiter: Sendable {
        var item: Item
        var continuation: UnsafeContinuation<Turn, Never>
    }

    private struct State: Sendable {
        var queue: [Waiter] = []
        var leading = false
    }

    private let perform: Perform
    private let maxBatch: Int
    private let state = Mutex(State())

    init(maxBatch: Int = 512, perform: @escaping Perform) {
        self.perform = perform
        self.maxBatch = max(1, maxBatch)
    }

    func submit(_ item: Item) async throws -> Output {
        let leads = state.withLock { state in
            guard !state.leading else { return false }
            state.leading = true
            return true
        }
        if !leads {
            let turn = await withUnsafeContinuation { (continuation: UnsafeContinuation<Turn, Never>) in
                // The leader may have finished since the check above: then this caller leads.
                let leadsNow = state.withLock { state in
                    guard !state.leading else {
                        state.queue.append(Waiter(item: item, continuation: continuation))
                        return false
                    }
                    state.leading = true
                    return true
                }
                if leadsNow { continuation.resume(returning: .lead) }
            }
            if case .done(let result) = turn { return try result.get() }
        }
        return try await lead(with: item)
    }

    /// Writes `item` and the callers queued behind it, then passes the lead on.
    private func lead(with item: Item) async throws -> Output {
        let followers = state.withLock { state in
            let followers = Array(state.queue.prefix(maxBatch - 1))
            state.queue.removeFirst(followers.count)
            return followers
        }
        let batch = [item] + followers.map(\.item)
        // The write runs in its own task so a cancelled leader does not fail its followers' writes.
        let perform = self.perform
        let results = await Task { await perform(batch) }.value
        let lost = Result<Output, any Error>.failure(LedgerError(.storage, "the batch lost a write result"))
        for (index, follower) in followers.enumerated() {
            follower.continuation.resume(returning: .done(index + 1 < results.count ? results[index + 1] : lost))
        }
        let next = state.withLock { state -> Waiter? in
            guard !state.queue.isEmpty else {
                state.leading = false
                return nil
            }
            return state.queue.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        return try (results.first ?? lost).get()
    }
}
