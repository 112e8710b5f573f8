import Foundation
import Ledger
import NIOHTTP1
import Notify
import Testing

@Suite struct NotifySecurityTests {
    let token = "s3cret-token-value"

    @Test func withATokenEveryRequestNeedsIt() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        try await LiveServer.with(store: store, configuration: NotifyServerConfiguration(port: 0, token: token)) { server in
            let body = #"{"guid":"g","type":"ack","message":"m"}"#
            for headers in [[], [("Authorization", "Bearer wrong")], [("Authorization", "Bearer \(token)x")], [("Authorization", "Basic \(token)")]] {
                let reply = try await server.post(body, headers: headers)
                #expect(reply.status == 401)
                #expect(reply.headers.first(name: "WWW-Authenticate") == "Bearer")
                let message = try #require(reply.json?["error"] as? String)
                #expect(!message.contains(token))
            }
            #expect(try await server.request("/healthz").status == 401)
            #expect(try await server.request("/api/projects/g/events").status == 401)
            #expect(try await server.post(body, headers: [("Authorization", "Bearer \(token)")]).status == 200)
            #expect(try await server.request("/healthz", headers: [("Authorization", "Bearer \(token)")]).status == 200)
        }
        #expect(try await store.eventCount() == 1)
    }

    @Test func aNonLoopbackAddressNeedsAToken() throws {
        let store = try SQLiteLedger.inMemory()
        #expect(throws: NotifyError.self) {
            _ = try buildApplication(store: store, configuration: NotifyServerConfiguration(host: "0.0.0.0", port: 0))
        }
        _ = try buildApplication(store: store, configuration: NotifyServerConfiguration(host: "0.0.0.0", port: 0, token: token))
        #expect(NotifyServerConfiguration(host: "127.0.0.1").bindsToLoopback)
        #expect(NotifyServerConfiguration(host: "localhost").bindsToLoopback)
        #expect(NotifyServerConfiguration(host: "::1").bindsToLoopback)
        #expect(!NotifyServerConfiguration(host: "10.0.0.5").bindsToLoopback)
    }

    @Test func anEmptyTokenIsRefused() {
        #expect(throws: NotifyError.self) {
            try NotifyServerConfiguration(token: "").validate()
        }
    }
}
