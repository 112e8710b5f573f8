import Foundation
import Testing
@testable import Deploy

/// The health probe against loopback listeners that behave as apps and proxies do.
@Suite struct EngineProbeTests {
    @Test func anyHTTPStatusMeansAnswering() async throws {
        let server = try CannedHTTPServer(response: "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        #expect(await HTTPProbe().probe(port: server.port) == .answering(status: 404))
    }

    @Test func nothingListeningIsRefused() async throws {
        let port = try EngineFixture.freePort()
        #expect(await HTTPProbe().probe(port: port) == .refused)
    }

    @Test func aListenerThatNeverAnswersIsNoAnswerWithinTheTimeout() async throws {
        let listener = try #require(TCPListener())
        let probe = HTTPProbe(connectTimeout: .milliseconds(500), answerTimeout: .milliseconds(100))
        let outcome = await probe.probe(port: listener.port)
        guard case .noAnswer(let reason) = outcome else {
            Issue.record("expected noAnswer, got \(outcome)")
            return
        }
        #expect(reason.contains("no answer"))
    }

    @Test func aConnectionClosedWithoutAnAnswerIsNotAnswering() async throws {
        let server = try CannedHTTPServer(response: nil)
        let outcome = await HTTPProbe().probe(port: server.port)
        #expect(!outcome.isAnswering)
        #expect(outcome != .refused)
    }

    @Test func somethingOtherThanHTTPIsNotAnswering() async throws {
        let server = try CannedHTTPServer(response: "SSH-2.0-OpenSSH_9.2\r\n")
        #expect(await HTTPProbe().probe(port: server.port) == .noAnswer("the answer is not HTTP"))
    }

    @Test func fetchReadsTheWholeResponse() async throws {
        let server = try CannedHTTPServer(response: "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<h1>shop</h1>\n")
        let response = try await HTTPProbe().fetch(port: server.port, path: "/index.html")
        #expect(response.status == 200)
        #expect(response.head.contains("Content-Type: text/html"))
        #expect(String(decoding: response.body, as: UTF8.self) == "<h1>shop</h1>\n")
    }

    @Test func statusLinesAreParsedOnlyWhenWhole() {
        #expect(HTTPProbe.status(in: Data("HTTP/1.1 503 Service Unavailable\r\n".utf8)) == 503)
        #expect(HTTPProbe.status(in: Data("HTTP/1.1 200".utf8)) == nil)
        #expect(HTTPProbe.status(in: Data("HTTP/1.1 OK 200\r\n".utf8)) == nil)
        #expect(HTTPProbe.status(in: Data("<html>\n".utf8)) == nil)
    }
}
