import ArgumentParser
import Foundation
import Ledger
import Logging
import Notify

/// `deployotron serve`: the endpoint build agents report to with `notify.sh`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Record what build agents report with notify.sh, and serve it back.",
        discussion: """
            Listens on 127.0.0.1:8082 by default. Binding to another address needs a token, which every \
            request must then carry as `Authorization: Bearer T`; a browser signs in once at /signin and \
            keeps a session cookie. Open / for the projects and /projects/GUID for one project's resources, \
            deployments and live activity, with Deploy and Roll back; /openapi.json describes the API, \
            including the deploy API (POST /api/projects/GUID/deploy, /rollback, /api/jobs, /api/deployments). \
            SIGTERM or Ctrl-C finish the requests in flight, cancel the deploys still running (recorded \
            cancelled, what they started undone), then stop.
            """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8082

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R] (default: $DEPLOYOTRON_STORE, else the SQLite file in $XDG_DATA_HOME/deployotron).")
    var store: String?

    @Option(help: "A bearer token every request must carry (default: $DEPLOYOTRON_NOTIFY_TOKEN). Required off loopback.")
    var token: String?

    @Option(help: "The largest request body accepted, in bytes.")
    var maxBodySize = 1 << 20

    func run() async throws {
        try await run(Workspace.current(store: store))
    }

    func run(_ workspace: Workspace) async throws {
        let environment = workspace.environment
        let token = self.token ?? environment["DEPLOYOTRON_NOTIFY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let location = try workspace.ledgerLocation.get()
        let configuration = NotifyServerConfiguration(host: host, port: port, token: token, maxBodySize: maxBodySize)
        try configuration.validate()
        let ledger = try await workspace.ledger.open()

        var logger = Logger(label: "deployotron.serve") { ServerLogHandler(label: $0) }
        logger.logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let announce = logger
        let deploys = WorkspaceDeployBackend(workspace: workspace)
        try await runNotifyServer(store: ledger, configuration: configuration, logger: logger, deployBackend: deploys) { port in
            // Whether a token is required is said; the token itself never is.
            announce.info("deployotron serve listening", metadata: [
                "address": "\(configuration.host):\(port)", "store": "\(location)",
                "token": "\(token == nil ? "off" : "required")",
            ])
        }
    }
}
