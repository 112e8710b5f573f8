import Foundation
@testable import Deploy

/// Git repositories for the git-source tests: a bare repository with a branch, a tag and two
/// commits, served three ways (a local path, `git daemon`, and smart HTTP behind basic auth).
struct GitRepositories {
    let folder: TemporaryFolder
    /// The bare repository `shop.git` under `root`.
    let root: URL
    let bare: URL
    /// The first commit (tagged `v1`) and the second (the tip of `main`).
    let first: String
    let second: String

    private init(folder: TemporaryFolder, first: String, second: String) {
        self.folder = folder
        root = folder.url.appendingPathComponent("served", isDirectory: true)
        bare = root.appendingPathComponent("shop.git", isDirectory: true)
        self.first = first
        self.second = second
    }

    /// Builds `shop.git`: commit 1 "first version" (tag v1), commit 2 "second version" on main.
    static func make(files: [String: String]) async throws -> GitRepositories {
        let folder = try TemporaryFolder("git-sources")
        let work = try folder.project("work", files)
        try await git(["init", "-q", "-b", "main", work.path])
        try await git(["-C", work.path, "add", "."])
        try await git(["-C", work.path, "commit", "-q", "-m", "first version"])
        try await git(["-C", work.path, "tag", "-a", "v1", "-m", "release 1"])
        let first = try await git(["-C", work.path, "rev-parse", "HEAD"])
        try "second\n".write(to: work.appendingPathComponent("VERSION"), atomically: true, encoding: .utf8)
        try await git(["-C", work.path, "add", "."])
        try await git(["-C", work.path, "commit", "-q", "-m", "second version"])
        let second = try await git(["-C", work.path, "rev-parse", "HEAD"])
        let repositories = GitRepositories(folder: folder, first: first, second: second)
        try FileManager.default.createDirectory(at: repositories.root, withIntermediateDirectories: true)
        try await git(["clone", "-q", "--bare", work.path, repositories.bare.path])
        return repositories
    }

    /// Runs git with a fixed identity; returns its trimmed stdout.
    @discardableResult
    static func git(_ arguments: [String]) async throws -> String {
        let output = try await ProcessRunner().run(
            "git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"] + arguments,
            timeout: .seconds(60))
        guard output.succeeded else {
            throw DeployError(.source, "git \(arguments.joined(separator: " ")) exited \(output.exitCode): \(output.stderr)")
        }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A server process for a test, stopped (its whole process group) when the value is dropped.
final class ServedRepository: Sendable {
    let url: String
    private let task: Task<Void, Never>

    private init(url: String, task: Task<Void, Never>) {
        self.url = url
        self.task = task
    }

    deinit {
        task.cancel()
    }

    /// Runs `arguments` under ProcessRunner in the background until the value is dropped;
    /// `lines` gets its output lines.
    private static func background(_ executable: String, _ arguments: [String], lines: LineLog) -> Task<Void, Never> {
        Task { _ = try? await ProcessRunner(terminationGrace: .milliseconds(200)).run(executable, arguments, onLine: lines.append) }
    }

    /// `git daemon` on loopback exporting `root`; the URL of `shop.git` on it.
    static func daemon(_ repositories: GitRepositories) async throws -> ServedRepository {
        // A port that was free a moment ago (the listener closes when the closure returns).
        let port: Int = try {
            guard let listener = TCPListener() else { throw DeployError(.source, "no free port for git daemon") }
            return listener.port
        }()
        let daemon = try await GitRepositories.git(["--exec-path"]) + "/git-daemon"
        let task = background(daemon, [
            "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)", "--export-all",
            "--base-path=\(repositories.root.path)", repositories.root.path,
        ], lines: LineLog())
        let served = ServedRepository(url: "git://127.0.0.1:\(port)/shop.git", task: task)
        for _ in 0..<100 {
            if (try? await GitRepositories.git(["ls-remote", served.url])) != nil { return served }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DeployError(.source, "git daemon did not start serving \(served.url)")
    }

    /// Smart HTTP (`git http-backend` behind a small Python server) that answers only with basic
    /// auth as `user`:`password`; the URL of `shop.git` on it, without credentials.
    static func http(_ repositories: GitRepositories, user: String, password: String) async throws -> ServedRepository {
        let script = repositories.folder.url.appendingPathComponent("git_http.py")
        try Self.httpServer.write(to: script, atomically: true, encoding: .utf8)
        let lines = LineLog()
        let task = background("python3", [script.path, repositories.root.path, user, password], lines: lines)
        for _ in 0..<200 {
            if let first = lines.lines.first {
                guard let port = Int(first.trimmingCharacters(in: .whitespaces)) else {
                    task.cancel()
                    throw DeployError(.source, "the git HTTP test server did not start: \(first)")
                }
                return ServedRepository(url: "http://127.0.0.1:\(port)/shop.git", task: task)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        task.cancel()
        throw DeployError(.source, "the git HTTP test server did not start within 10 s")
    }

    static let httpServer = #"""
        import base64, http.server, os, subprocess, sys

        root, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.serve()

            def do_POST(self):
                self.serve()

            def serve(self):
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="git"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                path, _, query = self.path.partition("?")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                           QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_USER=user,
                           CONTENT_TYPE=self.headers.get("Content-Type", ""), CONTENT_LENGTH=str(len(body)),
                           GIT_PROTOCOL=self.headers.get("Git-Protocol", ""))
                out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
                head, _, rest = out.partition(b"\r\n\r\n")
                status, headers = 200, []
                for line in head.split(b"\r\n"):
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "status":
                        status = int(value.strip().split()[0])
                    elif name:
                        headers.append((name, value.strip()))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(rest)))
                self.end_headers()
                self.wfile.write(rest)

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#
}
