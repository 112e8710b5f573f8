import ArgumentParser
import Foundation
import Ledger
import Locations

/// `deployotron notify-script`: prints notify.sh filled in for one project, and registers the project.
struct NotifyScriptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify-script",
        abstract: "Print notify.sh for one project and register the project under a user and a name.",
        discussion: "Save the output as notify.sh in the build agent's folder: `deployotron notify-script --guid G > notify.sh && chmod +x notify.sh`."
    )

    @Option(help: "The project's guid: letters, digits, '.', '_' or '-'.")
    var guid: String

    @Option(help: "The server the script reports to.")
    var url = "http://localhost:8082"

    @Option(help: "The user the project belongs to (default: $USER).")
    var user: String?

    @Option(help: "The project's name (default: the current folder's name).")
    var name: String?

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    func validate() throws {
        guard Self.isSafeGuid(guid) else {
            throw ValidationError("--guid must be \(ProjectGuid.rule), not \(guid.debugDescription)")
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), !url.contains("'"), !url.contains("\n") else {
            throw ValidationError("--url must be an http:// or https:// address, e.g. http://localhost:8082")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let script = try Self.fill(try Self.template(layout: InstallLayout.current(environment: environment)), guid: guid, url: url)

        let userId = user ?? environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? ProjectRecord.unknownUser
        let projectName = name ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).lastPathComponent
        let ledger = try await LedgerLocation.resolve(flag: store, environment: environment).open(environment: environment)
        try await ledger.registerProject(guid: guid, userId: userId, name: projectName, at: Date())
        print(script, terminator: "")
    }

    /// notify.sh before filling in: the install layout's `notify/notify.sh` when there is one, else
    /// the copy built into the binary.
    static func template(layout: InstallLayout?) throws -> String {
        guard let found = BundledFiles.lookUp("notify/notify.sh", in: layout),
              let text = String(data: found.data, encoding: .utf8) else {
            throw ValidationError("the notify.sh template is not UTF-8 text; fix or delete \(layout?.notify.path ?? "it") to use the built-in one")
        }
        return text
    }

    /// The template with its guid and URL placeholders replaced.
    static func fill(_ template: String, guid: String, url: String) throws -> String {
        let guidLine = "TEMPLATE_GUID='{guid}'"
        let urlLine = "TEMPLATE_URL='{url}'"
        guard template.contains(guidLine), template.contains(urlLine) else {
            throw ValidationError("the notify.sh template has no TEMPLATE_GUID/TEMPLATE_URL lines to fill; reinstall deployotron")
        }
        return template
            .replacingOccurrences(of: guidLine, with: "TEMPLATE_GUID='\(guid)'")
            .replacingOccurrences(of: urlLine, with: "TEMPLATE_URL='\(url)'")
    }

    /// The rule `/notify` applies, so a script is never made for a guid the server would refuse.
    static func isSafeGuid(_ guid: String) -> Bool {
        ProjectGuid.isValid(guid)
    }
}
