import Foundation
import Ledger
import Testing

/// `deployotron deploy` interrupted as a user would: SIGINT while its build runs.
@Suite struct DeployCancelTests {
    @Test func sigintDuringTheBuildRecordsCancelledAndLeavesNothingBehind() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try sandbox.write(#"{"name":"shop","dependencies":{"express":"4"},"scripts":{"start":"node server.js"}}"#, to: "package.json")
        try sandbox.write("require('express')().listen(3000)", to: "server.js")
        // A docker whose build runs a child that outlives it unless its process group is stopped.
        let docker = sandbox.root.appendingPathComponent("docker")
        try """
            #!/bin/sh
            case "$1" in
              version) echo 5.4.2;;
              build) echo "STEP 1/3: FROM node"; sleep 43 & wait;;
              *) exit 0;;
            esac
            """.write(to: docker, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: docker.path)

        let process = Process()
        process.executableURL = try OneShotProcess.binary
        process.arguments = ["deploy"]
        process.currentDirectoryURL = sandbox.project
        let data = sandbox.root.appendingPathComponent("data")
        process.environment = [
            "HOME": sandbox.home.path, "XDG_STATE_HOME": sandbox.state.path, "XDG_DATA_HOME": data.path,
            "PATH": "/usr/bin:/bin", "DEPLOYOTRON_DOCKER": docker.path, "NO_COLOR": "1",
        ]
        let out = sandbox.root.appendingPathComponent("stdout")
        let err = sandbox.root.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try process.run()

        func text(_ url: URL) -> String { String(decoding: FileManager.default.contents(atPath: url.path) ?? Data(), as: UTF8.self) }
        var waited = 0
        while !text(out).contains("STEP 1/3"), waited < 600, process.isRunning {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(text(out).contains("build image"))
        process.interrupt()
        var status: Int32 = -1
        for await code in exited.stream { status = code; break }

        #expect(status == 130, "stdout: \(text(out))\nstderr: \(text(err))")
        #expect(text(err).contains("cancelled"))
        let ledger = try SQLiteLedger(path: data.appendingPathComponent("deployotron/deployotron.sqlite").path)
        let record = try #require(try await ledger.allDeployments(limit: nil).first)
        #expect(record.status == .cancelled)
        #expect(try await ledger.portAllocations().isEmpty)
        #expect(try await ledger.acquireDeployLock(DeployLock(projectId: record.projectId, deploymentId: "next", holder: "t", since: Date())) == nil)
        #expect(!Self.processRunning(arguments: ["sleep", "43"]))
    }

    static func processRunning(arguments: [String]) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).contains { pid in
            guard pid.allSatisfy(\.isNumber), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let parts = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return parts.count == arguments.count && zip(parts, arguments).allSatisfy { $0.hasSuffix($1) }
        }
    }
}
