import Foundation
import Ledger
import Testing

/// `deployotron logs --follow` as a user runs it: lines as they come, filtered and redacted, until
/// Ctrl-C, then exit 130 with the docker process gone.
@Suite struct LogsFollowTests {
    @Test func followPrintsMatchingLinesUntilSigintThenExits130() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let ledger = try SQLiteLedger(path: sandbox.root.appendingPathComponent("data/deployotron/deployotron.sqlite").path)
        let record = DeploymentRecord(
            id: "f0110f00-1234-4321-aaaa-bbbbccccdddd", projectId: "7f3c2a1e-5b6d-4c8e-9a0f-123456789abc", name: "shop", target: .local,
            status: .running, imageTag: "shop-7f3c2a1e:deploy_f0110f00", port: 23456, url: "http://localhost:23456", startedAt: Date())
        try await ledger.save(record)

        let marker = sandbox.root.appendingPathComponent("following")
        let arguments = sandbox.root.appendingPathComponent("logs-arguments")
        let docker = sandbox.root.appendingPathComponent("docker")
        try """
            #!/bin/sh
            case "$1" in
              inspect) echo '{"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":4242,"ExitCode":0,"Error":"","StartedAt":"2026-12-03T21:00:00Z","FinishedAt":"0001-01-01T00:00:00Z"}';;
              logs)
                printf '%s\\n' "$*" > '\(arguments.path)'
                echo "GET / 200"
                echo "DEBUG warming the cache"
                echo "GET /login password=hunter2"
                touch '\(marker.path)'
                sleep 44 & wait;;
              *) exit 0;;
            esac
            """.write(to: docker, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: docker.path)

        let outcome = try await OneShotProcess.run(
            ["logs", "f0110f00", "--follow", "--filter", "GET"], in: sandbox, baseURL: nil, apiKey: nil,
            environment: ["DEPLOYOTRON_DOCKER": docker.path],
            interrupt: {
                // Waits for the fake to have printed its lines (bounded, so a failure cannot hang the suite).
                for _ in 0..<600 where !FileManager.default.fileExists(atPath: marker.path) { try await Task.sleep(for: .milliseconds(50)) }
                try await Task.sleep(for: .milliseconds(200))
            })

        #expect(outcome.status == 130, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        #expect(outcome.stdout.split(separator: "\n").map(String.init) == ["GET / 200", "GET /login password=[REDACTED]"])
        #expect(!outcome.stderr.contains("Error"))
        let call = try String(contentsOf: arguments, encoding: .utf8)
        #expect(call.hasPrefix("logs --follow --tail 5000 shop-"))
        #expect(!DeployCancelTests.processRunning(arguments: ["sleep", "44"]))
    }

    @Test func followAndJSONDoNotGoTogether() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let outcome = try await OneShotProcess.run(["logs", "abcd1234", "--follow", "--json"], in: sandbox, baseURL: nil, apiKey: nil)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--follow prints lines as they come; leave out --json"))
    }
}
