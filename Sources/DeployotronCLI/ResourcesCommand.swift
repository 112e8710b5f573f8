import ArgumentParser
import Foundation
import JSON
import Ledger

/// `deployotron resources`: what build agents reported creating, from either store.
struct ResourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resources",
        abstract: "Show the resources build agents reported: one project's, or every project of a user."
    )

    @Argument(help: "A project's guid, whichever user it is filed under. Without it, every project of --user is listed.")
    var guid: String?

    @Option(help: "List this user's projects (default: $USER).")
    var user: String?

    @Flag(help: "Print JSON, as the HTTP API answers.")
    var json = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    func run() async throws {
        try await run(Workspace.current(store: store))
    }

    func run(_ workspace: Workspace) async throws {
        let environment = workspace.environment
        let ledger = try await workspace.ledger.open()
        if let guid {
            guard let record = try await ledger.resources(guid: guid) else {
                throw CommandError("no resources recorded for project \(guid); a build agent reports them with `notify.sh resources '{...}'`")
            }
            workspace.console.text(json ? JSONValue.object(["resources": record.jsonValue]).encodedString() : Self.render(record))
            return
        }
        let userId = user ?? environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? ProjectRecord.unknownUser
        let records = try await ledger.resources(userId: userId)
        if json {
            workspace.console.out(JSONValue.object(["projects": .array(records.map(\.jsonValue))]).encodedString())
        } else if records.isEmpty {
            workspace.console.out("No resources recorded for user \(userId).")
        } else {
            workspace.console.text(records.map(Self.render).joined(separator: "\n"))
        }
    }

    static func render(_ record: ResourceRecord) -> String {
        var lines = ["\(record.projectName) (\(record.projectId)), user \(record.userId), updated \(LedgerTime.string(record.updatedAt))"]
        for key in record.awsResources.keys.sorted() {
            let value = record.awsResources[key]!
            lines.append("  \(key): \(value.stringValue ?? value.encodedString())")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
