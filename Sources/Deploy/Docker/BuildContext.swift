import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of an app that go to the engine for a build, and the tar that carries them.
///
/// deployotron chooses them itself rather than leaving it to the builder: podman and Docker's classic
/// builder read only `.dockerignore`, BuildKit also `<Dockerfile>.dockerignore`. Whatever builds,
/// `.env` and `.env.*` (but `.env.example`, `.env.sample`, `.env.template`) and `.git` stay out at any
/// depth; the app's `.dockerignore` and the Dockerfile's own ignore file apply as docker reads them.
public struct BuildContext: Sendable {
    /// The name the Dockerfile has inside the tar: a name no app file gets (one at the root is left out).
    public static let dockerfileName = ".deployotron.Dockerfile"

    public var root: URL
    public var dockerfile: URL

    public init(root: URL, dockerfile: URL) {
        self.root = root
        self.dockerfile = dockerfile
    }

    /// Whether `name`, a file or folder name at any depth, is always left out.
    public static func isAlwaysExcluded(_ name: String) -> Bool {
        if name == ".git" || name == ".env" { return true }
        guard name.hasPrefix(".env.") else { return false }
        return ![".env.example", ".env.sample", ".env.template"].contains(name)
    }

    /// The ignore rules in force: the app's `.dockerignore`, then `<dockerfile>.dockerignore`.
    public func ignoreRules() -> DockerignoreRules {
        DockerignoreRules(ignoreText())
    }

    func ignoreText() -> String {
        let files = [root.appendingPathComponent(".dockerignore"), URL(fileURLWithPath: dockerfile.path + ".dockerignore")]
        return files.compactMap { try? String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
    }

    /// The `.dockerignore` the tar carries: the rules in force (already applied, so applying them
    /// again changes nothing) and the Dockerfile's own name, so a `COPY . .` does not copy it.
    func archivedIgnoreText() -> String {
        ignoreText() + "\n# Added by deployotron: the Dockerfile it sent.\n/\(Self.dockerfileName)\n"
    }

    /// The paths under `root` that go into the context, relative and sorted; folders included. The
    /// root `.dockerignore` is not among them: the tar carries its own (`archivedIgnoreText`).
    public func includedPaths() throws -> [String] {
        let rules = ignoreRules()
        let keys: [URLResourceKey] = [.isDirectoryKey, .isSymbolicLinkKey]
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys, options: []) else {
            throw DeployError(.invalidInput, "the build context \(root.path) cannot be read")
        }
        let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
        var paths: [String] = []
        for case let url as URL in walker {
            let full = url.standardizedFileURL.resolvingSymlinksInPath().path
            let relative = Self.relative(url, rootPath: rootPath, resolved: full)
            guard !relative.isEmpty else { continue }
            let values = try? url.resourceValues(forKeys: Set(keys))
            let isFolder = values?.isDirectory == true && values?.isSymbolicLink != true
            let components = relative.split(separator: "/").map(String.init)
            if Self.isAlwaysExcluded(components.last ?? "") || relative == Self.dockerfileName || relative == ".dockerignore" {
                if isFolder { walker.skipDescendants() }
                continue
            }
            if rules.excludes(components) {
                // A folder whose contents no `!` rule can bring back is not walked.
                if isFolder && !rules.hasExceptions { walker.skipDescendants() }
                continue
            }
            paths.append(relative)
        }
        return paths.sorted()
    }

    /// `url`'s path relative to the root. The walker reports paths under the root as given, but
    /// through resolved symlinks for some roots (`/tmp` on macOS), so both are tried.
    private static func relative(_ url: URL, rootPath: String, resolved: String) -> String {
        let given = url.path
        for (path, prefix) in [(resolved, rootPath), (given, rootPath)] where path.hasPrefix(prefix + "/") {
            return String(path.dropFirst(prefix.count + 1))
        }
        return url.lastPathComponent
    }

    /// Writes the context tar into `scratch`, which it creates: the Dockerfile (as `dockerfileName`)
    /// and the `.dockerignore` first, then the included paths.
    ///
    /// GNU tar writes it from a NUL-separated list, owned by root as the docker CLI's own context tar is.
    public func archive(in scratch: URL, runner: ProcessRunner) async throws -> URL {
        guard FileManager.default.fileExists(atPath: dockerfile.path) else {
            throw DeployError(.invalidInput, "the Dockerfile \(dockerfile.path) is missing: generate it again (deployotron dockerfile) or point to another")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw DeployError(.invalidInput, "the build context \(root.path) is not a folder")
        }
        let staged = scratch.appendingPathComponent("dockerfile", isDirectory: true)
        try FileManager.default.createDirectory(at: staged, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(at: dockerfile, to: staged.appendingPathComponent(Self.dockerfileName))
        try Data(archivedIgnoreText().utf8).write(to: staged.appendingPathComponent(".dockerignore"))
        let list = scratch.appendingPathComponent("files")
        let paths = try includedPaths()
        try Data(paths.map { $0 + "\0" }.joined().utf8).write(to: list)
        let archive = scratch.appendingPathComponent("context.tar")
        let output = try await runner.run("tar", [
            "--create", "--file", archive.path, "--owner=0", "--group=0", "--numeric-owner", "--no-recursion",
            "--directory", staged.path, Self.dockerfileName, ".dockerignore",
            "--directory", root.path, "--null", "--verbatim-files-from", "--files-from", list.path,
        ], timeout: .seconds(600))
        // GNU tar exits 1 when a file changed while it was read (a log being written): still a context.
        guard !output.timedOut, output.exitCode == 0 || output.exitCode == 1 else {
            let reason = output.timedOut ? "it took longer than 10 minutes" : output.lastLines(3).joined(separator: " ")
            throw DeployError(.docker, "could not pack the build context \(root.path) (GNU tar): \(reason)")
        }
        return archive
    }
}
