import ArgumentParser
import Foundation
import Ledger

/// `deployotron store`: prepares the ledger's storage.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Prepare the ledger's storage.",
        subcommands: [Init.self]
    )

    /// `deployotron store init`: creates the SQLite file or the DynamoDB tables.
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the ledger's tables (SQLite file or DynamoDB tables); safe to run again."
        )

        @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
        var store: String?

        func run() async throws {
            try await run(Workspace.current(store: store))
        }

        func run(_ workspace: Workspace) async throws {
            let location = try workspace.ledgerLocation.get()
            try await location.initialize(environment: workspace.environment)
            workspace.console.out("The ledger at \(location) is ready.")
        }
    }
}
