import ArgumentParser
import Foundation
import Testing
@testable import DeployotronCLI

/// How argument lines parse: options reach the command that declares them.
@Suite struct CommandLineTests {
    @Test func storeOptionReachesTheSubcommand() throws {
        let initCommand = try #require(try DeployotronCommand.parseAsRoot(["store", "init", "--store", "sqlite:/tmp/x.sqlite"]) as? StoreCommand.Init)
        #expect(initCommand.store == "sqlite:/tmp/x.sqlite")
        let serve = try #require(try DeployotronCommand.parseAsRoot(["serve", "--store", "dynamodb:tbl?region=eu-west-1"]) as? ServeCommand)
        #expect(serve.store == "dynamodb:tbl?region=eu-west-1")
        let deploy = try #require(try DeployotronCommand.parseAsRoot(["deploy", "--store", "sqlite:/tmp/y.sqlite"]) as? DeployCommand)
        #expect(deploy.store == "sqlite:/tmp/y.sqlite")
        let stop = try #require(try DeployotronCommand.parseAsRoot(["stop", "4bd0ed9b", "--json", "--store", "sqlite:/tmp/z.sqlite"]) as? StopCommand)
        #expect(stop.arguments.deployment == "4bd0ed9b")
        #expect(stop.arguments.json)
        #expect(stop.arguments.store == "sqlite:/tmp/z.sqlite")
        #expect(throws: (any Error).self) { try DeployotronCommand.parseAsRoot(["remove"]) }
    }

    @Test func everySubcommandHasHelp() throws {
        let names = DeployotronCommand.configuration.subcommands.map { $0.configuration.commandName ?? "" }
        for name in ["detect", "dockerfile", "compose", "deploy", "deployments", "logs", "analyze", "rollback", "stop",
                     "restart", "remove", "sessions", "skills", "serve", "notify-script", "resources", "store"] {
            #expect(names.contains(name), "missing subcommand \(name)")
        }
        for command in DeployotronCommand.configuration.subcommands {
            #expect(!command.configuration.abstract.isEmpty, "\(command.configuration.commandName ?? "?") has no abstract")
        }
    }

    @Test func oneShotOptionsParse() throws {
        let root = try #require(try DeployotronCommand.parseAsRoot(["-p", "deploy it", "--allow", "write_file", "--allow", "deploy_local", "--output-format", "json"]) as? DeployotronCommand)
        #expect(root.session.prompt == "deploy it")
        #expect(root.session.allowedTools == ["write_file", "deploy_local"])
        #expect(root.session.outputFormat == .json)
        #expect(throws: (any Error).self) { try DeployotronCommand.parseAsRoot(["--output-format", "yaml"]) }
    }

    @Test func aFailureThatIsNotAnArgumentMistakeIsOneLineWithoutUsage() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        for arguments in [["skills", "show", "no-such-skill"], ["resources", "no-such-guid"]] {
            let outcome = try await OneShotProcess.run(arguments, in: sandbox, baseURL: nil, apiKey: nil)
            #expect(outcome.status == 1, "\(arguments): \(outcome.stderr)")
            let lines = outcome.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(arguments): \(outcome.stderr)")
            #expect(lines.first?.hasPrefix("Error: ") == true)
        }
    }
}
