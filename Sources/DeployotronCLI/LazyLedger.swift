import Ledger

/// Opens the ledger once, on first use, and runs `afterOpen` on it once (the workspace files
/// deployments recorded under the project's path under its guid there).
actor LazyLedger {
    let location: Result<LedgerLocation, LedgerError>
    let environment: [String: String]
    let afterOpen: @Sendable (any LedgerStore) async -> Void
    private var opened: (any LedgerStore)?

    init(location: Result<LedgerLocation, LedgerError>, environment: [String: String], afterOpen: @escaping @Sendable (any LedgerStore) async -> Void = { _ in }) {
        self.location = location
        self.environment = environment
        self.afterOpen = afterOpen
    }

    /// A ledger that is already open (tests, or a store made elsewhere).
    init(store: any LedgerStore, afterOpen: @escaping @Sendable (any LedgerStore) async -> Void = { _ in }) {
        self.location = .success(.sqlite(path: ":memory:"))
        self.environment = [:]
        self.afterOpen = afterOpen
        self.opened = nil
        self.preopened = store
    }

    private var preopened: (any LedgerStore)?

    func open() async throws -> any LedgerStore {
        if let opened { return opened }
        let store: any LedgerStore
        if let preopened {
            store = preopened
        } else {
            store = try await location.get().open(environment: environment)
        }
        opened = store
        await afterOpen(store)
        return store
    }
}
