import Foundation

/// Runs the built `deployotron` binary the way a user would: in a project folder, with its own
/// HOME and XDG folders, and `ANTHROPIC_BASE_URL` at a fake server.
struct OneShotProcess {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// A scratch world: a project, a home, and XDG folders inside one temporary folder.
    final class Sandbox: Sendable {
        let root: URL
        let project: URL
        let home: URL
        let state: URL

        init() throws {
            let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("oneshot-\(UUID().uuidString)", isDirectory: true)
            root = URL(fileURLWithPath: base.path, isDirectory: true)
            project = root.appendingPathComponent("work/project", isDirectory: true)
            home = root.appendingPathComponent("home", isDirectory: true)
            state = root.appendingPathComponent("state", isDirectory: true)
            for url in [project, home, state] {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            }
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        func write(_ text: String, to path: String) throws {
            try Data(text.utf8).write(to: project.appendingPathComponent(path))
        }

        var sessionFiles: [URL] {
            let folder = state.appendingPathComponent("deployotron/sessions")
            return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).map { folder.appendingPathComponent($0) }
        }
    }

    /// The `deployotron` beside the test bundle (SwiftPM builds both into the same folder), or the one
    /// `DEPLOYOTRON_BIN` names (for a filtered build, `DEPLOYOTRON_TARGETS=DeployotronCLI`, which has no executable).
    static var binary: URL {
        get throws {
            if let named = ProcessInfo.processInfo.environment["DEPLOYOTRON_BIN"], !named.isEmpty {
                return URL(fileURLWithPath: named)
            }
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map(URL.init(fileURLWithPath:))
                ?? Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
            var folder = exe.deletingLastPathComponent()
            // Inside an .xctest bundle on some platforms: walk up until a folder holds the binary.
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("deployotron")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "deployotron beside \(exe.path); run `swift build` first"])
        }
    }

    /// Runs the binary to its end. `environment` adds variables; `interrupt`, when given, runs beside
    /// the process and sends it SIGINT when it returns (say, once the fake server has a request).
    static func run(
        _ arguments: [String], in sandbox: Sandbox, baseURL: String?, apiKey: String? = "sk-test-key",
        environment extra: [String: String] = [:], interrupt: (@Sendable () async throws -> Void)? = nil
    ) async throws -> Outcome {
        let process = Process()
        process.executableURL = try binary
        process.arguments = arguments
        process.currentDirectoryURL = sandbox.project
        var environment = [
            "HOME": sandbox.home.path,
            "XDG_STATE_HOME": sandbox.state.path,
            "XDG_DATA_HOME": sandbox.root.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": sandbox.root.appendingPathComponent("config").path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "NO_COLOR": "1",
        ]
        if let baseURL { environment["ANTHROPIC_BASE_URL"] = baseURL }
        if let apiKey { environment["ANTHROPIC_API_KEY"] = apiKey }
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let out = sandbox.root.appendingPathComponent("stdout-\(UUID().uuidString)")
        let err = sandbox.root.appendingPathComponent("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice

        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
            if let interrupt {
                let pid = process.processIdentifier
                Task {
                    try await interrupt()
                    kill(pid, SIGINT)
                }
            }
        }
        func text(_ url: URL) -> String { String(decoding: FileManager.default.contents(atPath: url.path) ?? Data(), as: UTF8.self) }
        return Outcome(status: status, stdout: text(out), stderr: text(err))
    }
}
