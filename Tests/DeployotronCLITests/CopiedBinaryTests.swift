import Foundation
import JSON
import Testing
import TestSupport

/// The built binary copied alone into an empty folder, run with a clean environment: no checkout
/// above it, no `DEPLOYOTRON_HOME`, no `.resources` folders beside it. Everything it ships (skills,
/// prompts, notify.sh, signatures, templates) must come from inside the binary.
@Suite(.timeLimit(.minutes(2))) struct CopiedBinaryTests {
    /// A temporary world holding the copied binary, a project, and HOME and XDG folders.
    final class CopiedBinary: Sendable {
        let root: URL
        let binary: URL
        let project: URL

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("copied-binary-\(UUID().uuidString)", isDirectory: true)
            binary = root.appendingPathComponent("bin/deployotron")
            project = root.appendingPathComponent("project", isDirectory: true)
            for folder in ["bin", "project", "home", "state", "data", "config", "cache"] {
                try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            try copyExecutable(from: try OneShotProcess.binary, to: binary)
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        func write(_ text: String, to path: String) throws {
            try Data(text.utf8).write(to: project.appendingPathComponent(path))
        }

        /// Runs the copy; a start that fails with "Text file busy" (another test's child, between its
        /// fork and exec, still holding the copy's descriptor) is tried again.
        func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> OneShotProcess.Outcome {
            for _ in 0..<20 {
                do {
                    return try await runOnce(arguments, environment: extra)
                } catch let error as NSError where (error.userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(ETXTBSY) {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            return try await runOnce(arguments, environment: extra)
        }

        private func runOnce(_ arguments: [String], environment extra: [String: String]) async throws -> OneShotProcess.Outcome {
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            process.currentDirectoryURL = project
            process.environment = [
                "HOME": root.appendingPathComponent("home").path,
                "XDG_STATE_HOME": root.appendingPathComponent("state").path,
                "XDG_DATA_HOME": root.appendingPathComponent("data").path,
                "XDG_CONFIG_HOME": root.appendingPathComponent("config").path,
                "XDG_CACHE_HOME": root.appendingPathComponent("cache").path,
                "PATH": "/usr/bin:/bin",
                "NO_COLOR": "1",
            ].merging(extra) { _, new in new }
            let out = root.appendingPathComponent("stdout-\(UUID().uuidString)")
            let err = root.appendingPathComponent("stderr-\(UUID().uuidString)")
            FileManager.default.createFile(atPath: out.path, contents: nil)
            FileManager.default.createFile(atPath: err.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            process.standardInput = FileHandle.nullDevice
            let status: Int32 = try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do { try process.run() } catch { continuation.resume(throwing: error) }
            }
            func text(_ url: URL) -> String { String(decoding: FileManager.default.contents(atPath: url.path) ?? Data(), as: UTF8.self) }
            return OneShotProcess.Outcome(status: status, stdout: text(out), stderr: text(err))
        }
    }

    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func shipped(_ path: String) throws -> String {
        try String(contentsOf: checkout.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func skillsListsTheBundledSkills() async throws {
        let copy = try CopiedBinary()
        let outcome = try await copy.run(["skills"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        for name in ["1-click-deploy", "log-troubleshooting", "rollback"] {
            #expect(outcome.stdout.contains("\(name)  [bundled]"), "\(outcome.stdout)")
        }
        #expect(!outcome.stdout.contains("warning"), "\(outcome.stdout)")
        #expect(outcome.stderr.isEmpty, "the built-in copies are used without a word: \(outcome.stderr)")

        let shown = try await copy.run(["skills", "show", "1-click-deploy"])
        #expect(shown.status == 0, "stderr: \(shown.stderr)")
        #expect(shown.stdout.contains("files: aws-deployment-checklist.md, full-stack.md, static-site.md"), "\(shown.stdout)")
    }

    @Test func analyzeOfflineRecognisesAShippedSignature() async throws {
        let catalogue = try JSONValue(parsing: try Self.shipped("Sources/LogTriage/Resources/signatures.json"))
        let signature = try #require(catalogue["signatures"]?.arrayValue?.first { $0["id"] == "npm-missing-script" })
        let title = try #require(signature["title"]?.stringValue)

        let copy = try CopiedBinary()
        try copy.write("> shop@1.0.0 start\nnpm ERR! Missing script: \"start\"\nnpm ERR! To see a list of scripts, run:\n", to: "build.log")
        let outcome = try await copy.run(["analyze", "--offline", "build.log"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains(title), "\(outcome.stdout)")
    }

    @Test func analyzeWithAKeySendsTheShippedDiagnosisPrompt() async throws {
        let firstLine = try #require(try Self.shipped("prompts/log-diagnosis.md").split(separator: "\n").first.map(String.init))
        #expect(!firstLine.contains("{{"))

        let copy = try CopiedBinary()
        try copy.write("npm ERR! Missing script: \"start\"\n", to: "build.log")
        try await FakeMessagesServer.with([.sse(FakeStream.text("**Error**: no start script."))]) { server in
            let outcome = try await copy.run(["analyze", "build.log"], environment: ["ANTHROPIC_BASE_URL": server.baseURL, "ANTHROPIC_API_KEY": "sk-test-key"])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(outcome.stdout.contains("no start script"))
            let request = try #require(await server.requests().first)
            let system = (request.body?["system"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined()
            #expect(system.contains(firstLine), "system prompt: \(system.prefix(300))")
        }
    }

    @Test func oneShotSendsTheShippedSystemPrompt() async throws {
        let firstLine = try #require(try Self.shipped("prompts/system.md").split(separator: "\n").first.map(String.init))
        #expect(!firstLine.contains("{{"), "the first line of system.md is plain text, so it reaches the request as written")

        let copy = try CopiedBinary()
        try await FakeMessagesServer.with([.sse(FakeStream.text("hello from the copy"))]) { server in
            let outcome = try await copy.run(["-p", "hi"], environment: ["ANTHROPIC_BASE_URL": server.baseURL, "ANTHROPIC_API_KEY": "sk-test-key"])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(outcome.stdout == "hello from the copy\n")
            let request = try #require(await server.requests().first)
            let system = (request.body?["system"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined()
            #expect(system.contains(firstLine), "system prompt: \(system.prefix(300))")
        }
    }

    @Test func notifyScriptPrintsTheShippedScriptFilledIn() async throws {
        let expected = try Self.shipped("notify/notify.sh")
            .replacingOccurrences(of: "TEMPLATE_GUID='{guid}'", with: "TEMPLATE_GUID='abc'")
            .replacingOccurrences(of: "TEMPLATE_URL='{url}'", with: "TEMPLATE_URL='http://localhost:8082'")
        let copy = try CopiedBinary()
        let outcome = try await copy.run(["notify-script", "--guid", "abc"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("TEMPLATE_GUID='abc'"))
        #expect(outcome.stdout == expected)
    }

    @Test func dockerfileIsWrittenFromTheBuiltInTemplates() async throws {
        let copy = try CopiedBinary()
        try copy.write(#"{"name": "shop", "version": "1.0.0", "scripts": {"start": "node server.js"}}"#, to: "package.json")
        try copy.write("require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT || 3000)\n", to: "server.js")
        let outcome = try await copy.run(["dockerfile", "--write"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let dockerfile = try String(contentsOf: copy.project.appendingPathComponent("Dockerfile"), encoding: .utf8)
        #expect(dockerfile.contains("# Generated by deployotron for this"))
        #expect(dockerfile.contains("FROM node"))
        #expect(dockerfile.contains("AS runtime"), "the node template's last stage: \(dockerfile)")
        #expect(FileManager.default.fileExists(atPath: copy.project.appendingPathComponent(".dockerignore").path))
    }
}

/// Copies with descriptors closed on exec: a process that another test spawns meanwhile must
/// not inherit the copy open for writing, or running the copy fails with "Text file busy".
private func copyExecutable(from source: URL, to destination: URL) throws {
    let input = open(source.path, O_RDONLY | O_CLOEXEC)
    guard input >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(input) }
    let output = open(destination.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
    guard output >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(output) }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        if count == 0 { return }
        var written = 0
        while written < count {
            let step = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, count - written) }
            guard step > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            written += step
        }
    }
}
