import Foundation
import JSON
import Ledger
import Notify
import Testing

/// A small seeded generator, so a failing fuzz run can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct NotifyFuzzTests {
    static let seeds = [
        #"{"guid":"fuzz","type":"status","message":"building"}"#,
        #"{"guid":"fuzz","type":"resources","data":{"s3Bucket":"b","nested":{"a":[1,2.5,true,null]}}}"#,
        #"{"guid":"fuzz","type":"ack","message":"\u00e9\n\t\"q\""}"#,
        "{\"guid\":\"caf\u{E9}\",\"type\":\"resources\",\"data\":{\"caf\u{E9}\":1,\"n\":{\"\u{E9}\":9007199254740993}}}",
        #"{"guid":"Az09._-","type":"resources","data":{"id":9000000000000001,"z":-0.0,"t":5e-324,"k":"v"}}"#,
    ]
    static let fragments = [
        "{", "}", "[", "]", "\"", "\\", ":", ",", "null", "true", "1e999", "-0", "\u{0}", "\u{1F600}", "\\u", "\\ud800", "guid", "type", "data", "resources", "9999999999999999999999", "\u{FFFF}",
        // Unicode-equivalent spellings, big and tiny numbers, what a path would percent-encode.
        "\u{E9}", "e\u{301}", "\u{301}", "\u{212A}", "\\u00e9", "e\\u0301", "12345678901234567890", "9007199254740993", "-0.0", "1e-400", "0.1", "%2F", "%C3%A9", "%", "/", "?", "#", " ",
    ]

    static func mutate(_ seed: String, _ random: inout SplitMix64) -> String {
        var bytes = Array(seed.utf8)
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random))
            case 1:
                bytes.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
            case 2 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 3:
                let fragment = Array(fragments.randomElement(using: &random)!.utf8)
                bytes.insert(contentsOf: fragment, at: Int.random(in: 0...bytes.count, using: &random))
            default:
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func whatTheBodyParserAcceptsFoundationReadsTheSame() throws {
        var random = SplitMix64(state: 42)
        var accepted = 0
        for _ in 0..<3000 {
            let text = Self.mutate(Self.seeds.randomElement(using: &random)!, &random)
            guard let mine = try? JSONValue(parsing: text) else {
                // What the parser refuses, Foundation refuses too (or reads as something other than JSON allows).
                continue
            }
            accepted += 1
            #expect(mine == (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))), "\(text.debugDescription)")
            // What is accepted is written back to text that reads as the same value, bytes and digits.
            #expect((try? JSONValue(parsing: mine.encodedString())) == mine, "\(text.debugDescription)")
        }
        #expect(accepted > 0)
    }

    @Test func thousandsOfMalformedBodiesNeverGetA5xx() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        let workers = 8
        let perWorker = 400
        try await LiveServer.with(store: store) { server in
            let failures = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        var random = SplitMix64(state: UInt64(worker) &* 7919 &+ 1)
                        var failures: [String] = []
                        for index in 0..<perWorker {
                            let body: String
                            if index % 200 == 199 {
                                body = #"{"guid":"fuzz","type":"status","message":""# + String(repeating: "z", count: (1 << 20) + Int.random(in: 1...4096, using: &random)) + #""}"#
                            } else if index % 50 == 7 {
                                body = String(repeating: "[", count: Int.random(in: 1000...100_000, using: &random))
                            } else {
                                body = Self.mutate(Self.seeds.randomElement(using: &random)!, &random)
                            }
                            let reply = try await server.post(body)
                            let isError = reply.status >= 400
                            if reply.status >= 500 || (isError && !(reply.json?["error"] is String)) || (!isError && reply.status != 200) {
                                failures.append("\(reply.status) for \(body.prefix(120).debugDescription): \(reply.body.prefix(200))")
                            }
                        }
                        return failures
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(failures.isEmpty, "\(failures.prefix(5))")
            #expect(try await server.request("/healthz").status == 200)
            #expect(try await server.post(Self.seeds[0]).status == 200)
        }
    }

    /// Every body `/notify` accepts names a project that every route can read back, by its guid as
    /// it is and fully percent-encoded; a path of random percent-encoded bytes is never a 5xx.
    @Test func everyAcceptedGuidIsAddressableThroughEveryRoute() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        try await LiveServer.with(store: store) { server in
            var random = SplitMix64(state: 15)
            var failures: [String] = []
            var accepted = 0
            for _ in 0..<600 {
                let body = Self.mutate(Self.seeds.randomElement(using: &random)!, &random)
                let reply = try await server.post(body)
                guard reply.status == 200 else {
                    if reply.status >= 500 { failures.append("\(reply.status) for \(body.debugDescription)") }
                    continue
                }
                accepted += 1
                guard let guid = reply.json?["guid"] as? String else {
                    failures.append("no guid in \(reply.body)")
                    continue
                }
                let encoded = guid.utf8.map { String(format: "%%%02X", $0) }.joined()
                for path in [guid, encoded] {
                    let events = try await server.request("/api/projects/\(path)/events")
                    if events.status != 200 || !events.body.contains("\"sequence\":") {
                        failures.append("events of \(guid.debugDescription) by \(path): \(events.status) \(events.body.prefix(200))")
                    }
                    let isResources = ((try? JSONValue(parsing: body))?["type"]?.stringValue) == "resources"
                    if isResources, try await server.request("/api/projects/\(path)/resources").status != 200 {
                        failures.append("resources of \(guid.debugDescription) by \(path)")
                    }
                }
            }
            for _ in 0..<200 {
                let bytes = (0..<Int.random(in: 1...12, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                let path = bytes.map { String(format: "%%%02X", $0) }.joined()
                for route in ["resources", "events"] {
                    let reply = try await server.request("/api/projects/\(path)/\(route)")
                    if reply.status >= 500 { failures.append("\(reply.status) for /api/projects/\(path)/\(route)") }
                }
                let user = try await server.request("/api/users/\(path)/deployments")
                if user.status >= 500 { failures.append("\(user.status) for /api/users/\(path)/deployments") }
            }
            #expect(accepted > 0)
            #expect(failures.isEmpty, "\(failures.prefix(5))")
        }
    }
}
