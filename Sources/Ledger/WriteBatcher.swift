import Foundation

/// Groups writes that arrive while another write is in progress into one batch.
///
/// A transaction costs one WAL sync whatever it holds, so many concurrent `record` calls are
/// cheapest as one transaction. The first caller leads: it writes its own item and everything
/// queued behind it, resumes every waiter after the commit, then hands the lead to the next
/// queued caller, if any. Nobody returns before the batch holding their item committed.
actor WriteBatcher<Item: Sendable, Output: Sendable> {
    /// Writes a batch in one transaction; one result per item, in order.
    typealias Perform = @Sendable ([Item]) async -> [Result<Output, any Error>]

    private enum Turn: Sendable {
        case done(Result<Output, any Error>)
        case lead
    }

    private struct Waiter {
        var item: Item
        var continuation: CheckedContinuation<Turn, Never>
    }

    private let perform: Perform
    private let maxBatch: Int
    private var queue: [Waiter] = []
    private var leading = false

    init(maxBatch: Int = 512, perform: @escaping Perform) {
        self.perform = perform
        self.maxBatch = max(1, maxBatch)
    }

    func submit(_ item: Item) async throws -> Output {
        if leading {
            let turn = await withCheckedContinuation { continuation in
                queue.append(Waiter(item: item, continuation: continuation))
            }
            if case .done(let result) = turn { return try result.get() }
        }
        leading = true
        let followers = Array(queue.prefix(maxBatch - 1))
        queue.removeFirst(followers.count)
        let batch = [item] + followers.map(\.item)
        // The write runs in its own task so a cancelled leader does not fail its followers' writes.
        let perform = self.perform
        let results = await Task { await perform(batch) }.value
        for (index, follower) in followers.enumerated() {
            let result = index + 1 < results.count ? results[index + 1] : .failure(LedgerError(.storage, "the batch lost a write result"))
            follower.continuation.resume(returning: .done(result))
        }
        if queue.isEmpty {
            leading = false
        } else {
            queue.removeFirst().continuation.resume(returning: .lead)
        }
        return try (results.first ?? .failure(LedgerError(.storage, "the batch lost a write result"))).get()
    }
}
