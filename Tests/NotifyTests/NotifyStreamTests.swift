import AsyncHTTPClient
import Foundation
import Ledger
import NIOHTTP1
import NIOCore
import Notify
import Testing

@Suite struct NotifyStreamTests {
    @Test func aLiveStreamDeliversNewEventsOnly() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        try await store.record(NotifyEvent(guid: "live", kind: .ack, message: "before the stream"), at: Date())
        let configuration = NotifyServerConfiguration(port: 0, eventPollInterval: .milliseconds(20))
        try await LiveServer.with(store: store, configuration: configuration) { server in
            var request = HTTPClientRequest(url: server.baseURL + "/api/projects/live/events")
            request.headers.add(name: "Accept", value: "text/event-stream")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(response.status.code == 200)
            #expect(response.headers.first(name: "Content-Type") == "text/event-stream")

            // Posts go on until the stream has shown both; the stream must hold nothing else.
            let poster = Task {
                _ = try await server.post(#"{"guid":"live","type":"status","message":"building"}"#)
                _ = try await server.post(#"{"guid":"live","type":"resources","data":{"s3Bucket":"b"}}"#)
            }
            var text = ""
            for try await chunk in response.body {
                text += String(buffer: chunk)
                if text.components(separatedBy: "\n\n").filter({ $0.contains("data: ") }).count >= 2 { break }
            }
            try await poster.value
            let frames = text.components(separatedBy: "\n\n").filter { $0.contains("data: ") }
            #expect(frames.count == 2)
            #expect(frames[0].contains("id: 2\nevent: status\n"))
            #expect(frames[1].contains("id: 3\nevent: resources\n"))
            #expect(frames[1].contains(#""s3Bucket":"b""#))
            #expect(!text.contains("before the stream"))
        }
    }

    @Test func aStreamResumesAfterLastEventID() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        for index in 1...3 {
            try await store.record(NotifyEvent(guid: "resume", kind: .status, message: "m\(index)"), at: Date())
        }
        let configuration = NotifyServerConfiguration(port: 0, eventPollInterval: .milliseconds(20))
        try await LiveServer.with(store: store, configuration: configuration) { server in
            var request = HTTPClientRequest(url: server.baseURL + "/api/projects/resume/events")
            request.headers.add(name: "Accept", value: "text/event-stream")
            request.headers.add(name: "Last-Event-ID", value: "1")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            var text = ""
            for try await chunk in response.body {
                text += String(buffer: chunk)
                if text.contains("id: 3\n") { break }
            }
            #expect(!text.contains("id: 1\n"))
            #expect(text.contains("id: 2\n"))
            #expect(text.contains(#""message":"m3""#))
        }
    }
}
