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

    @Argument(help: "A project's guid. Without it, every project of --user is listed.")
    var guid: String?

    @Option(help: "List this user's projects (default: $USER).")
    var user: String?

    @Flag(help: "Print JSON, as the HTTP API answers.")
    var json = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let ledger = try await LedgerLocation.resolve(flag: store, environment: environment).open(environment: environment)
        if let guid {
            guard let record = try await ledger.resources(guid: guid) else {
                throw CommandError("no resources recorded for project \(guid); a build agent reports them with `notify.sh resources '{...}'`")
            }
            print(json ? JSONValue.object(["resources": record.jsonValue]).encodedString() : Self.render(record), terminator: json ? "\n" : "")
            return
        }
        let userId = user ?? environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? ProjectRecord.unknownUser
        let records = try await ledger.resources(userId: userId)
        if json {
            print(JSONValue.object(["projects": .array(records.map(\.jsonValue))]).encodedString())
        } else if records.isEmpty {
            print("No resources recorded for user \(userId).")
        } else {
            print(records.map(Self.render).joined(separator: "\n"), terminator: "")
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
