import Foundation
import Ledger
import Synchronization
import Testing
@testable import Deploy

@Suite struct GitSourceAddressTests {
    @Test func credentialsAreNeverPartOfTheRecordedAddress() throws {
        #expect(GitSource.withoutUserInfo("https://alice:t0ken@git.example.com/team/shop.git") == "https://git.example.com/team/shop.git")
        #expect(GitSource.withoutUserInfo("https://x-access-token:ghp_abc@github.com/o/r") == "https://github.com/o/r")
        #expect(GitSource.withoutUserInfo("ssh://git@host.example:2222/o/r.git") == "ssh://host.example:2222/o/r.git")
        #expect(GitSource.withoutUserInfo("git@github.com:o/r.git") == "github.com:o/r.git")
        #expect(GitSource.withoutUserInfo("https://host/p@th/r.git") == "https://host/p@th/r.git")
        #expect(GitSource.withoutUserInfo("/srv/git/shop.git") == "/srv/git/shop.git")

        let source = try GitSource(url: "https://alice:p%40ss@git.example.com/team/shop.git", ref: "main")
        #expect(source.recordedURL == "https://git.example.com/team/shop.git")
        #expect(source.fetchURL == "https://git.example.com/team/shop.git")
        #expect(source.credentials?.user == "alice")
        #expect(source.credentials?.password == "p@ss")
        #expect(source.repositoryName == "shop")
        #expect(try GitSource(url: "git@github.com:o/my-app").repositoryName == "my-app")
    }

    @Test func addressesAndRefsThatGitWouldReadAsOptionsAreRefused() {
        for url in ["", "  ", "--upload-pack=touch /tmp/x", "https://host/a b.git", "https://host/\u{7}.git"] {
            #expect(throws: DeployError.self) { try GitSource(url: url) }
        }
        for ref in ["", "-b", "--orphan", "main..dev", "a b", "HEAD~1", "x:y"] {
            #expect(throws: DeployError.self) { try GitSource(url: "https://host/r.git", ref: ref) }
        }
        #expect(GitFetcher.looksLikeCommit("1a2b3c4"))
        #expect(!GitFetcher.looksLikeCommit("main"))
    }
}

@Suite(.serialized) struct GitFetchTests {
    static let files = ["README.md": "# shop\n"]

    @Test func aLocalRepositoryIsFetchedByBranchTagAndCommit() async throws {
        let repositories = try await GitRepositories.make(files: Self.files)
        let parent = try TemporaryFolder("checkouts")
        let fetcher = GitFetcher(parent: parent.url)
        let path = repositories.bare.path

        let tip = try await fetcher.checkout(GitSource(url: path))
        #expect(tip.commit == repositories.second)
        #expect(tip.subject == "second version")
        #expect(FileManager.default.fileExists(atPath: tip.folder.appendingPathComponent("VERSION").path))

        let branch = try await fetcher.checkout(GitSource(url: path, ref: "main"))
        #expect(branch.commit == repositories.second)
        let tag = try await fetcher.checkout(GitSource(url: path, ref: "v1"))
        #expect(tag.commit == repositories.first)
        #expect(tag.subject == "first version")
        #expect(!FileManager.default.fileExists(atPath: tag.folder.appendingPathComponent("VERSION").path))
        let sha = try await fetcher.checkout(GitSource(url: path, ref: repositories.first))
        #expect(sha.commit == repositories.first)
        // A short sha cannot be asked for by itself: the whole history is fetched and searched.
        let short = try await fetcher.checkout(GitSource(url: "file://" + path, ref: String(repositories.first.prefix(8))))
        #expect(short.commit == repositories.first)

        for checkout in [tip, branch, tag, sha, short] { checkout.remove() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.url.path).isEmpty)
    }

    @Test func aGitDaemonServesBranchTagAndCommit() async throws {
        let repositories = try await GitRepositories.make(files: Self.files)
        let daemon = try await ServedRepository.daemon(repositories)
        let parent = try TemporaryFolder("checkouts")
        let fetcher = GitFetcher(parent: parent.url)

        for (ref, expected) in [("main", repositories.second), ("v1", repositories.first), (repositories.first, repositories.first), (String(repositories.second.prefix(10)), repositories.second)] {
            let checkout = try await fetcher.checkout(GitSource(url: daemon.url, ref: ref))
            #expect(checkout.commit == expected, "ref \(ref)")
            #expect(checkout.source == daemon.url)
            checkout.remove()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.url.path).isEmpty)
    }

    @Test func anUnknownRefFailsInOneLineAndLeavesNoFolder() async throws {
        let repositories = try await GitRepositories.make(files: Self.files)
        let parent = try TemporaryFolder("checkouts")
        let error = try await #require(throws: DeployError.self) {
            try await GitFetcher(parent: parent.url).checkout(GitSource(url: repositories.bare.path, ref: "no-such-branch"))
        }
        #expect(error.code == .source)
        #expect(error.message.contains("no-such-branch"))
        #expect(!error.message.contains("\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.url.path).isEmpty)
    }

    @Test func credentialsInTheAddressReachTheServerButNoMessage() async throws {
        let repositories = try await GitRepositories.make(files: Self.files)
        let password = "s3cret-Tok3n-9f"
        let server = try await ServedRepository.http(repositories, user: "alice", password: password)
        let parent = try TemporaryFolder("checkouts")
        let fetcher = GitFetcher(parent: parent.url)
        let withCredentials = server.url.replacingOccurrences(of: "http://", with: "http://alice:\(password)@")
        let lines = LineLog()

        let checkout = try await fetcher.checkout(GitSource(url: withCredentials, ref: "v1"), report: lines.append)
        #expect(checkout.commit == repositories.first)
        #expect(checkout.source == server.url)
        // Nothing the fetch left behind, said or wrote holds the password.
        #expect(!lines.lines.joined().contains(password))
        let config = try String(contentsOf: checkout.folder.appendingPathComponent(".git/config"), encoding: .utf8)
        #expect(!config.contains(password))
        checkout.remove()

        // The server refuses without them, and the error says so without the address's secrets.
        let wrong = server.url.replacingOccurrences(of: "http://", with: "http://alice:wrong-\(password)@")
        let error = try await #require(throws: DeployError.self) { try await fetcher.checkout(GitSource(url: wrong)) }
        #expect(error.code == .source)
        #expect(!error.message.contains(password))
        #expect(!error.message.contains("alice:"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.url.path).isEmpty)
    }
}

@Suite(.serialized) struct GitDeployTests {
    static let app = [
        "package.json": ExampleProject.packageJSON(["express"]),
        "package-lock.json": "{}",
        "server.js": "require('express')().listen(process.env.PORT || 3000, '0.0.0.0')",
    ]

    /// The harness's service, fetching with real git into a folder the test watches.
    static func service(_ harness: DeployHarness, checkouts: TemporaryFolder) -> DeployService {
        var service = harness.service
        service.git = ProcessRunner()
        service.checkoutParent = checkouts.url
        return service
    }

    @Test func aDeployFromARepositoryRecordsItsCommitAndRemovesTheCheckout() async throws {
        let harness = try DeployHarness()
        let repositories = try await GitRepositories.make(files: Self.app)
        let password = "hunter2-Secret-77"
        let server = try await ServedRepository.http(repositories, user: "ci", password: password)
        let checkouts = try TemporaryFolder("checkouts")
        let service = Self.service(harness, checkouts: checkouts)
        try harness.scriptHealthyStart()
        let url = server.url.replacingOccurrences(of: "http://", with: "http://ci:\(password)@")

        let outcome = try await service.deployLocal(
            DeployLocalInput(path: harness.folder.url.path, git: url, ref: "v1"), progress: harness.progress.handler)

        let record = try #require(try await harness.ledger.deployment(id: outcome.deployment.id))
        #expect(record.status == .running)
        #expect(record.commit == repositories.first)
        #expect(record.commitSubject == "first version")
        #expect(record.source == server.url)
        #expect(record.dirty == nil)
        #expect(record.name == "shop")
        let steps = harness.progress.all.filter { $0.phase == .finished }.map(\.step)
        #expect(steps.prefix(3) == ["take deploy lock", "fetch source", "detect stack"])
        #expect(harness.progress.all.contains { $0.step == "fetch source" && $0.message.contains(server.url) })
        // The stack was detected in the checkout (the harness's folder holds no app), which is gone now.
        #expect(outcome.stack?.framework == "express")
        #expect(harness.docker.calls("build").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: checkouts.url.path).isEmpty)
        // No record, progress line or log excerpt holds the password.
        let everything = try await harness.ledger.allDeployments(limit: nil).map { "\($0)" }.joined()
            + harness.progress.all.map(\.line).joined()
        #expect(!everything.contains(password))
    }

    @Test func aFailedOrCancelledDeployFromARepositoryRemovesTheCheckout() async throws {
        let harness = try DeployHarness()
        let repositories = try await GitRepositories.make(files: Self.app)
        let checkouts = try TemporaryFolder("checkouts")
        let service = Self.service(harness, checkouts: checkouts)

        // A failing build.
        try harness.docker.respond("build", stderr: "npm ERR! missing script: build\n", exitCode: 1)
        await #expect(throws: DeployError.self) {
            try await service.deployLocal(DeployLocalInput(path: harness.folder.url.path, git: repositories.bare.path))
        }
        #expect(try await harness.newest()?.status == .failed)
        #expect(try await harness.newest()?.commit == repositories.second)
        #expect(try await harness.newest()?.source == repositories.bare.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: checkouts.url.path).isEmpty)

        // A build cancelled while it runs.
        try harness.scriptHealthyStart()
        try harness.docker.pause("build", seconds: 41)
        let progress = harness.progress
        let deploy = Task { try await service.deployLocal(DeployLocalInput(path: harness.folder.url.path, git: repositories.bare.path), progress: progress.handler) }
        while !progress.all.contains(where: { $0.step == "build image" && $0.phase == .started }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: checkouts.url.path).count == 1)
        deploy.cancel()
        let error = try await #require(throws: DeployError.self) { try await deploy.value }
        #expect(error.code == .cancelled)
        #expect(try await harness.newest()?.status == .cancelled)
        #expect(try FileManager.default.contentsOfDirectory(atPath: checkouts.url.path).isEmpty)
        #expect(try await harness.ledger.acquireDeployLock(DeployLock(projectId: DeployHarness.guid, deploymentId: "x", holder: "t", since: Date())) == nil)
    }

    @Test func aDeployFromARepositoryRollsBackAfterItsCheckoutIsGone() async throws {
        let harness = try DeployHarness()
        let repositories = try await GitRepositories.make(files: Self.app)
        let checkouts = try TemporaryFolder("checkouts")
        let service = Self.service(harness, checkouts: checkouts)
        try harness.scriptHealthyStart(container: "aaaa0001")
        let v1 = try await service.deployLocal(DeployLocalInput(path: harness.folder.url.path, git: repositories.bare.path, ref: "v1"))
        try harness.scriptHealthyStart(container: "aaaa0002")
        let v2 = try await service.deployLocal(DeployLocalInput(path: harness.folder.url.path, git: repositories.bare.path))
        #expect(v2.deployment.commit == repositories.second)
        #expect(try FileManager.default.contentsOfDirectory(atPath: checkouts.url.path).isEmpty)

        // The rollback runs v1's image again; it needs neither the checkout nor a fetch.
        try harness.docker.respond("image-inspect", stdout: "[{}]\n")
        try harness.scriptHealthyStart(container: "aaaa0003")
        let back = try await service.rollback(RollbackInput(projectId: DeployHarness.guid))
        #expect(back.deployment.rollbackOf == v1.deployment.id)
        #expect(back.deployment.commit == repositories.first)
        #expect(back.deployment.commitSubject == "first version")
        #expect(back.deployment.source == v1.deployment.source)
        #expect(harness.docker.calls("build").count == 2)
    }

    @Test func aLocalFolderRecordsItsCommitAndWhetherItWasDirty() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try await GitRepositories.git(["init", "-q", app.path])
        try await GitRepositories.git(["-C", app.path, "add", "."])
        try await GitRepositories.git(["-C", app.path, "commit", "-q", "-m", "the shop"])
        let sha = try await GitRepositories.git(["-C", app.path, "rev-parse", "HEAD"])
        var service = harness.service
        service.git = ProcessRunner()
        try harness.scriptHealthyStart()

        let clean = try await service.deployLocal(DeployLocalInput(path: app.path))
        #expect(clean.deployment.commit == sha)
        let cleanRecord = try #require(try await harness.ledger.deployment(id: clean.deployment.id))
        #expect(cleanRecord.commit == sha)
        #expect(cleanRecord.commitSubject == "the shop")
        #expect(cleanRecord.dirty == false)
        #expect(cleanRecord.source == app.path)

        try "// changed\n".write(to: app.appendingPathComponent("server.js"), atomically: true, encoding: .utf8)
        try harness.scriptHealthyStart()
        let dirty = try await service.deployLocal(DeployLocalInput(path: app.path))
        #expect(dirty.deployment.commit == sha)
        #expect(dirty.deployment.dirty == true)
        #expect(try await harness.ledger.deployment(id: dirty.deployment.id)?.dirty == true)
    }
}
