import Foundation
import Hummingbird
import Ledger
import Logging
import NIOCore

/// The router of `deployotron serve`: JSON errors outermost, then the token check, then the endpoints.
public func buildRouter(
    store: any ResourceStore,
    configuration: NotifyServerConfiguration,
    clock: any Clock<Duration> = ContinuousClock(),
    now: @escaping @Sendable () -> Date = { Date() }
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: JSONErrorMiddleware())
    if let token = configuration.token {
        router.add(middleware: BearerTokenMiddleware(token: token))
    }
    NotifyController(store: store, configuration: configuration, clock: clock, now: now).addRoutes(to: router)
    return router
}

/// The server of `deployotron serve`, ready to run under a `ServiceGroup`.
///
/// Throws when the configuration is unsafe: a non-loopback address without a token.
public func buildApplication(
    store: any ResourceStore,
    configuration: NotifyServerConfiguration,
    clock: any Clock<Duration> = ContinuousClock(),
    now: @escaping @Sendable () -> Date = { Date() },
    logger: Logger = Logger(label: "deployotron.serve"),
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    try configuration.validate()
    let router = buildRouter(store: store, configuration: configuration, clock: clock, now: now)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
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
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) async throws {
    let app = try buildApplication(store: store, configuration: configuration, logger: logger) { channel in
        await onServerRunning(channel.localAddress?.port ?? configuration.port)
    }
    try await app.runService()
}
