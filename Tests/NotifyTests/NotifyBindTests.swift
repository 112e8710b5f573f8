import Foundation
import Ledger
import Logging
import Notify
import Testing

@Suite struct NotifyBindTests {
    @Test func aPortInUseIsOneSentenceThatSaysWhatToDo() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        try await LiveServer.with(store: store) { server in
            let port = try #require(Int(server.baseURL.split(separator: ":").last ?? ""))
            let error = try await #require(throws: NotifyError.self) {
                try await runNotifyServer(store: store, configuration: NotifyServerConfiguration(port: port), logger: Logger(label: "bind-test"))
            }
            #expect(error.message == "127.0.0.1:\(port) is already in use (another deployotron serve?); stop it or pick another port with --port")
        }
    }

    @Test func anAddressThisMachineDoesNotHaveIsNamed() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        // TEST-NET-1 (RFC 5737): never an address of this machine.
        let configuration = NotifyServerConfiguration(host: "192.0.2.1", port: 0, token: "t0ken")
        let error = try await #require(throws: NotifyError.self) {
            try await runNotifyServer(store: store, configuration: configuration, logger: Logger(label: "bind-test"))
        }
        #expect(error.message.contains("192.0.2.1 is not an address of this machine"))
    }
}
