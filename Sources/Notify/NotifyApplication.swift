import Foundation
import Hummingbird
import Ledger
import Logging
import NIOCore

/// The router of `deployotron serve`: JSON errors outermost, then the token check, then the
/// endpoints and the pages; with `deployJobs`, the deploy API and the pages' deploy controls too.
public func buildRouter(
    store: any ResourceStore,
    configuration: NotifyServerConfiguration,
    clock: any Clock<Duration> = ContinuousClock(),
    now: @escaping @Sendable () -> Date = { Date() },
    deployJobs: DeployJobs? = nil
) -> Router<NotifyRequestContext> {
    let router = Router(context: NotifyRequestContext.self)
    router.add(middleware: JSONErrorMiddleware())
    let sessions = BrowserSessions()
    if let token = configuration.token {
        router.add(middleware: BearerTokenMiddleware(token: token, sessions: sessions, now: now))
    }
    NotifyController(store: store, configuration: configuration, clock: clock, now: now).addRoutes(to: router)
    if let deployJobs {
        DeployController(jobs: deployJobs, configuration: configuration, clock: clock).addRoutes(to: router)
    }
    // The ledgers are catalogs and deployment stores too; a store that is neither still serves
    // the project pages, without the project list and the deployments.
    PageController(
        store: store, catalog: store as? any ProjectCatalog, deploymentStore: store as? any DeploymentStore,
        token: configuration.token, sessions: sessions, now: now, deployJobs: deployJobs
    ).addRoutes(to: router)
    return router
}

/// The server of `deployotron serve`, ready to run under a `ServiceGroup`.
///
/// Throws when the configuration is unsafe: a non-loopback address without a token. With a
/// `deployBackend`, the server also deploys (`DeployController`); its jobs run beside the HTTP
/// server and are cancelled, and waited for, when it shuts down.
public func buildApplication(
    store: any ResourceStore,
    configuration: NotifyServerConfiguration,
    clock: any Clock<Duration> = ContinuousClock(),
    now: @escaping @Sendable () -> Date = { Date() },
    logger: Logger = Logger(label: "deployotron.serve"),
    deployBackend: (any DeployBackend)? = nil,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    try configuration.validate()
    let jobs = deployBackend.map { DeployJobs(backend: $0, now: now, logger: logger) }
    let router = buildRouter(store: store, configuration: configuration, clock: clock, now: now, deployJobs: jobs)
    return Application(
        router: router,
        // A request that stops arriving gets a 408 (ClientDepartureHandler); a connection that sends
        // nothing (no request, or one that stops inside its headers) is closed a second later.
        server: .http1(configuration: .init(
            additionalChannelHandlers: [ClientDepartureHandler(idleTimeout: timeAmount(configuration.idleTimeout))],
            idleTimeout: timeAmount(configuration.idleTimeout + .seconds(1)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        services: jobs.map { [$0] } ?? [],
        onServerRunning: onServerRunning,
        logger: logger
    )
}

/// Runs `deployotron serve` until SIGTERM or SIGINT; then the requests in flight finish and it returns.
///
/// `onServerRunning` gets the port the server listens on (the one the system chose for port 0).
public func runNotifyServer(
    store: any ResourceStore,
    configuration: NotifyServerConfiguration,
    logger: Logger = Logger(label: "deployotron.serve"),
    deployBackend: (any DeployBackend)? = nil,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) async throws {
    let app = try buildApplication(store: store, configuration: configuration, logger: logger, deployBackend: deployBackend) { channel in
        await onServerRunning(channel.localAddress?.port ?? configuration.port)
    }
    do {
        try await app.runService()
    } catch let error as IOError {
        throw bindFailure(error, configuration: configuration) ?? error
    }
}

/// What to do when the address cannot be had, in one sentence; nil for other I/O errors.
func bindFailure(_ error: IOError, configuration: NotifyServerConfiguration) -> NotifyError? {
    let address = "\(configuration.host):\(configuration.port)"
    switch error.errnoCode {
    case EADDRINUSE:
        return NotifyError(.internalServerError, "\(address) is already in use (another deployotron serve?); stop it or pick another port with --port")
    case EACCES:
        return NotifyError(.internalServerError, "binding \(address) is not allowed for this user; ports below 1024 need privileges, pick another with --port")
    case EADDRNOTAVAIL:
        return NotifyError(.internalServerError, "\(configuration.host) is not an address of this machine; pass one it has (127.0.0.1 to stay local) with --host")
    default:
        return nil
    }
}

func timeAmount(_ duration: Duration) -> TimeAmount {
    let (seconds, attoseconds) = duration.components
    return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
}
