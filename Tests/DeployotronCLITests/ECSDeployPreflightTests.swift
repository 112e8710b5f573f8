import Foundation
import Ledger
import Testing

/// `deployotron deploy --target ecs` refused before anything is made: one line, exit 1, and no
/// deployment recorded (nothing half-made to account for).
@Suite struct ECSDeployPreflightTests {
    func deploy(_ environment: [String: String]) async throws -> (OneShotProcess.Outcome, [DeploymentRecord]) {
        let sandbox = try OneShotProcess.Sandbox()
        try sandbox.write(#"{"name":"shop","dependencies":{"express":"4"},"scripts":{"start":"node server.js"}}"#, to: "package.json")
        try sandbox.write("require('express')().listen(3000)", to: "server.js")
        var environment = environment
        environment["DEPLOYOTRON_DOCKER"] = "/nonexistent/docker"
        environment["AWS_CONFIG_FILE"] = sandbox.root.appendingPathComponent("no-aws-config").path
        environment["AWS_SHARED_CREDENTIALS_FILE"] = sandbox.root.appendingPathComponent("no-aws-credentials").path
        let outcome = try await OneShotProcess.run(["deploy", "--target", "ecs"], in: sandbox, baseURL: nil, apiKey: nil, environment: environment)
        let path = sandbox.root.appendingPathComponent("data/deployotron/deployotron.sqlite").path
        let recorded = FileManager.default.fileExists(atPath: path) ? try await SQLiteLedger(path: path).allDeployments(limit: nil) : []
        return (outcome, recorded)
    }

    @Test func withoutAWSCredentialsItIsOneLineAndNothingIsRecorded() async throws {
        let (outcome, recorded) = try await deploy(["AWS_REGION": "us-east-1"])
        #expect(outcome.status == 1)
        let lines = outcome.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(outcome.stderr)")
        #expect(lines.first?.hasPrefix("Error: ECS deploys need AWS: no AWS credentials") == true, "\(outcome.stderr)")
        #expect(recorded.isEmpty)
    }

    @Test func aFargateSizeWithoutAPairIsOneLineAndNothingIsRecorded() async throws {
        let (outcome, recorded) = try await deploy([
            "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "DEPLOYOTRON_ECS_CPU": "256", "DEPLOYOTRON_ECS_MEMORY": "4096",
        ])
        #expect(outcome.status == 1)
        #expect(outcome.stderr == "Error: Fargate does not run 256 CPU with 4096 MiB; with 256 CPU use 512-2048 MiB (512, 1024, 2048) (DEPLOYOTRON_ECS_CPU, DEPLOYOTRON_ECS_MEMORY)\n")
        #expect(!outcome.stderr.contains("wJalrXUtnFEMI"))
        #expect(recorded.isEmpty)
    }
}
