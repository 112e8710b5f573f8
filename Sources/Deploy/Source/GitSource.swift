import Foundation

/// A repository to deploy from: its address and, optionally, a branch, tag or commit.
///
/// The address may carry a user name and password (`https://user:token@host/repo.git`); they are
/// used for the fetch only, never passed in a program's arguments, and `recordedURL` is the address
/// without them: what the ledger, progress lines and errors show.
public struct GitSource: Sendable, Equatable {
    public var url: String
    public var ref: String?

    public init(url: String, ref: String? = nil) throws {
        let url = url.trimmingCharacters(in: .whitespaces)
        guard !url.isEmpty else {
            throw DeployError(.invalidInput, "the git URL is empty: give the repository's address, e.g. https://github.com/OWNER/REPO.git")
        }
        // A leading dash would be read by git as an option (`--upload-pack=...`).
        guard !url.hasPrefix("-"), !url.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) else {
            throw DeployError(.invalidInput, "\(Self.withoutUserInfo(url)) is not a git URL: give an address such as https://host/repo.git, git@host:repo.git or a local path")
        }
        if let ref {
            guard !ref.isEmpty, !ref.hasPrefix("-"), !ref.contains(".."),
                  !ref.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " || "~^:?*[\\".unicodeScalars.contains($0) }) else {
                throw DeployError(.invalidInput, "\(ref) is not a branch, tag or commit name: give one such as main, v1.2.0 or a commit sha")
            }
        }
        self.url = url
        self.ref = ref
    }

    /// The address without user name or password.
    public var recordedURL: String { Self.withoutUserInfo(url) }

    /// The user name and password in an http(s) address, decoded; nil when it has none.
    var credentials: (user: String, password: String)? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), scheme == "http" || scheme == "https",
              parts.user != nil || parts.password != nil else { return nil }
        return (parts.user ?? "", parts.password ?? "")
    }

    /// The address git is given: an http(s) address loses its user info (the credentials reach git
    /// through `GIT_ASKPASS` instead of its arguments); others go as written.
    var fetchURL: String {
        guard credentials != nil, var parts = URLComponents(string: url) else { return url }
        parts.user = nil
        parts.password = nil
        return parts.string ?? url
    }

    /// The name a deploy of this repository gets when none is given: the last path part, without `.git`.
    public var repositoryName: String {
        var path = recordedURL
        while path.hasSuffix("/") { path.removeLast() }
        var name = String(path.split(whereSeparator: { $0 == "/" || $0 == ":" }).last ?? "app")
        if name.hasSuffix(".git") { name.removeLast(4) }
        return name.isEmpty ? "app" : name
    }

    /// `scheme://user:password@host/path` → `scheme://host/path`; `user@host:path` → `host:path`.
    public static func withoutUserInfo(_ url: String) -> String {
        if let schemeEnd = url.range(of: "://") {
            let rest = url[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
            return String(url[..<schemeEnd.upperBound]) + String(rest[rest.index(after: at)...])
        }
        // scp-like `user@host:path` (no slash before the colon).
        if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/"), let at = url[..<colon].lastIndex(of: "@") {
            return String(url[url.index(after: at)...])
        }
        return url
    }
}

/// A repository fetched into a temporary folder for one deploy.
public struct GitCheckout: Sendable {
    /// The working tree.
    public var folder: URL
    /// The full sha of the commit checked out, and its subject line.
    public var commit: String
    public var subject: String
    /// The address as recorded (no user info).
    public var source: String
    /// The temporary folder that holds the tree (and the askpass helper); `remove()` deletes it.
    let holder: URL

    /// Deletes the checkout. Safe to call more than once.
    public func remove() {
        try? FileManager.default.removeItem(at: holder)
    }
}

/// Fetches one commit of a repository, shallowly, into a temporary folder.
///
/// Credentials come from the user's git configuration and credential helpers, or from the address's
/// user info, handed to git by an askpass helper that reads them from its environment; git never
/// prompts on the terminal. Messages from git have the address's credentials removed before they
/// reach an error.
public struct GitFetcher: Sendable {
    public var runner: ProcessRunner
    /// Where checkouts go; the system's temporary folder by default.
    public var parent: URL
    public var timeout: Duration

    public init(runner: ProcessRunner = ProcessRunner(), parent: URL = FileManager.default.temporaryDirectory, timeout: Duration = .seconds(600)) {
        self.runner = runner
        self.parent = parent
        self.timeout = timeout
    }

    /// Fetches `source` and checks it out. On failure or cancellation the folder is gone before this throws.
    public func checkout(_ source: GitSource, report: (@Sendable (String) -> Void)? = nil) async throws -> GitCheckout {
        let holder = parent.appendingPathComponent("deployotron-git-\(UUID().uuidString.lowercased().prefix(12))", isDirectory: true)
        try FileManager.default.createDirectory(at: holder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do {
            return try await fetch(source, into: holder, report: report)
        } catch {
            try? FileManager.default.removeItem(at: holder)
            throw error
        }
    }

    private func fetch(_ source: GitSource, into holder: URL, report: (@Sendable (String) -> Void)?) async throws -> GitCheckout {
        let tree = holder.appendingPathComponent("src", isDirectory: true)
        let git = try environment(for: source, holder: holder)
        let what = source.ref.map { "\(source.recordedURL) at \($0)" } ?? source.recordedURL
        report?("fetching \(what)")
        try await run(git, ["init", "-q", tree.path], source: source)
        let wanted = source.ref ?? "HEAD"
        let shallow = try await git.run("git", ["-C", tree.path, "fetch", "-q", "--depth", "1", "--no-tags", "--", source.fetchURL, wanted], timeout: timeout)
        var checkoutTarget = "FETCH_HEAD"
        if !shallow.succeeded {
            guard let ref = source.ref, Self.looksLikeCommit(ref) else {
                throw failure(shallow, doing: "fetch \(what)", source: source)
            }
            // Not every server hands out a commit by its sha, and no server by a short one:
            // fetch the branches and tags in full and look the commit up.
            report?("\(ref) could not be fetched by itself; fetching the whole history")
            try await run(git, ["-C", tree.path, "fetch", "-q", "--tags", "--", source.fetchURL, "+refs/heads/*:refs/remotes/origin/*"], source: source, doing: "fetch \(what)")
            checkoutTarget = ref
        }
        try await run(git, ["-C", tree.path, "-c", "advice.detachedHead=false", "checkout", "-q", "--detach", checkoutTarget], source: source, doing: "check out \(what)")
        let head = try await run(git, ["-C", tree.path, "log", "-1", "--format=%H%n%s"], source: source)
        let lines = head.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let commit = lines.first ?? ""
        let subject = lines.count > 1 ? lines[1] : ""
        report?("checked out \(commit.prefix(12)) \(subject)")
        return GitCheckout(folder: tree, commit: commit, subject: subject, source: source.recordedURL, holder: holder)
    }

    /// The runner git runs under: the user's environment, no terminal prompts, English messages,
    /// and the address's credentials (if any) behind an askpass helper.
    private func environment(for source: GitSource, holder: URL) throws -> ProcessRunner {
        var environment = runner.environment ?? ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        if let credentials = source.credentials {
            let helper = holder.appendingPathComponent("askpass")
            let script = """
                #!/bin/sh
                case "$1" in
                  Username*) printf '%s\\n' "$DEPLOYOTRON_GIT_USERNAME" ;;
                  *) printf '%s\\n' "$DEPLOYOTRON_GIT_PASSWORD" ;;
                esac

                """
            try Data(script.utf8).write(to: helper)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: helper.path)
            environment["GIT_ASKPASS"] = helper.path
            environment["DEPLOYOTRON_GIT_USERNAME"] = credentials.user
            environment["DEPLOYOTRON_GIT_PASSWORD"] = credentials.password
        }
        var runner = self.runner
        runner.environment = environment
        return runner
    }

    @discardableResult
    private func run(_ git: ProcessRunner, _ arguments: [String], source: GitSource, doing: String = "run git") async throws -> ProcessOutput {
        let output = try await git.run("git", arguments, timeout: timeout)
        guard output.succeeded else { throw failure(output, doing: doing, source: source) }
        return output
    }

    private func failure(_ output: ProcessOutput, doing: String, source: GitSource) -> DeployError {
        if output.timedOut {
            return DeployError(.timeout, "git did not \(doing) within \(timeout); check the address and the network")
        }
        let said = output.stderr.split(whereSeparator: \.isNewline)
            .map { String($0).trimmingCharacters(in: .whitespaces) }
            .last(where: { !$0.isEmpty && !$0.hasPrefix("hint:") }) ?? "exit status \(output.exitCode)"
        return DeployError(.source, "could not \(doing): \(Self.scrub(said, of: source)); check the URL, the ref and your git credentials")
    }

    /// `text` with the address's user info and password removed wherever they appear.
    static func scrub(_ text: String, of source: GitSource) -> String {
        var text = text.replacingOccurrences(of: source.url, with: source.recordedURL)
        if let credentials = source.credentials {
            for secret in [credentials.password, credentials.user] where secret.count >= 3 {
                text = text.replacingOccurrences(of: secret, with: "***")
            }
        }
        return text
    }

    static func looksLikeCommit(_ ref: String) -> Bool {
        (4...40).contains(ref.count) && ref.allSatisfy(\.isHexDigit)
    }
}
