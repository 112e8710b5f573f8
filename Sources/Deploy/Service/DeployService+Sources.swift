import Foundation
import Ledger
import Synchronization

// MARK: - Where a deploy's code comes from: a folder, or a repository fetched for the deploy

extension DeployService {
    /// The step that fetches a repository into a temporary folder and makes it the deploy's app
    /// folder. It runs under the deploy lock, so a deploy is recorded (and refused to a second one)
    /// from the moment it starts fetching; `checkouts` remembers the folder for the caller to remove.
    func fetchStep(_ source: GitSource, checkouts: CheckoutFolders) -> DeployStep<DeployState> {
        let fetcher = GitFetcher(runner: git ?? ProcessRunner(), parent: checkoutParent)
        let service = self
        return DeployStep("fetch source", weight: 3) { state, report in
            let checkout = try await fetcher.checkout(source) { line in report(line) }
            checkouts.add(checkout)
            state.appFolder = checkout.folder
            state.deployment.commit = checkout.commit
            state.deployment.commitSubject = checkout.subject
            state.deployment.source = checkout.source
            // Recorded now, so a deploy that fails later still says which commit it was.
            try await service.save(state.deployment)
        }
    }

    /// The commit of a local folder: its sha, subject, and whether the work tree had changes
    /// (a deploy of a dirty tree is not that commit). nil outside a git work tree.
    func localCommit(of folder: URL) async -> (commit: String, subject: String, dirty: Bool)? {
        guard let git else { return nil }
        guard let head = try? await git.run("git", ["-C", folder.path, "log", "-1", "--format=%H%n%s"], timeout: .seconds(10)), head.succeeded else { return nil }
        let lines = head.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let commit = lines.first, !commit.isEmpty else { return nil }
        let status = try? await git.run("git", ["-C", folder.path, "status", "--porcelain", "--untracked-files=normal"], timeout: .seconds(20))
        let dirty = status.map { $0.succeeded && !$0.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false
        return (commit, lines.count > 1 ? lines[1] : "", dirty)
    }
}

/// Checkouts made during one deploy; removed when it ends, however it ends.
final class CheckoutFolders: Sendable {
    private let folders = Mutex<[GitCheckout]>([])

    func add(_ checkout: GitCheckout) {
        folders.withLock { $0.append(checkout) }
    }

    func removeAll() {
        let all = folders.withLock { folders in
            defer { folders.removeAll() }
            return folders
        }
        for checkout in all { checkout.remove() }
    }
}
