import Ledger

/// Opens the ledger once, on first use.
actor LazyLedger {
    let location: LedgerLocation
    let environment: [String: String]
    private var opened: (any LedgerStore)?

    init(location: LedgerLocation, environment: [String: String]) {
        self.location = location
        self.environment = environment
    }

    func open() async throws -> any LedgerStore {
        if let opened { return opened }
        let store = try await location.open(environment: environment)
        opened = store
        return store
    }
}
