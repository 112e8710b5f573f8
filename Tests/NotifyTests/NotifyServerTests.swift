import AsyncHTTPClient
import Foundation
import JSON
import Ledger
import Notify
import TestSupport
import Testing

@Suite struct NotifyServerTests {
    @Test(arguments: TestStore.available)
    func everyEventTypeIsStoredAndServedBack(_ kind: TestStore) async throws {
        let dir = try TemporaryDirectory()
        let store = try await kind.open(in: dir)
        try await store.registerProject(guid: "g-1", userId: "alice", name: "shop", at: Date())
        try await LiveServer.with(store: store) { server in
            for (index, type) in ["ack", "status", "error", "done", "summary", "deployed"].enumerated() {
                let reply = try await server.post(#"{"guid":"g-1","type":"\#(type)","message":"step \#(index) \"q\""}"#)
                #expect(reply.status == 200)
                #expect(reply.json?["sequence"] as? Int == index + 1)
            }
            let reply = try await server.request("/api/projects/g-1/events")
            let events = try #require(reply.json?["events"] as? [[String: Any]])
            #expect(events.map { $0["type"] as? String } == ["ack", "status", "error", "done", "summary", "deployed"])
            #expect(events[3]["message"] as? String == "step 3 \"q\"")
            #expect((events[0]["receivedAt"] as? String)?.hasSuffix("Z") == true)
            let after = try await server.request("/api/projects/g-1/events?after=4&limit=1")
            #expect((after.json?["events"] as? [[String: Any]])?.map { $0["sequence"] as? Int } == [5])
        }
    }

    @Test(arguments: TestStore.available)
    func laterResourceReportsDoNotEraseEarlierOnes(_ kind: TestStore) async throws {
        let dir = try TemporaryDirectory()
        let store = try await kind.open(in: dir)
        try await store.registerProject(guid: "g-2", userId: "bob", name: "blog", at: Date())
        try await LiveServer.with(store: store) { server in
            #expect(try await server.post(#"{"guid":"g-2","type":"resources","data":{"s3Bucket":"tmux-builder-g-2","region":"us-east-1"}}"#).status == 200)
            let first = try #require(try await server.request("/api/projects/g-2/resources").json?["resources"] as? [String: Any])
            #expect(try await server.post(#"{"guid":"g-2","type":"resources","data":{"cloudFrontUrl":"https://d1.cloudfront.net"}}"#).status == 200)
            let reply = try await server.request("/api/projects/g-2/resources")
            #expect(reply.status == 200)
            let resources = try #require(reply.json?["resources"] as? [String: Any])
            #expect(resources["userId"] as? String == "bob")
            #expect(resources["projectId"] as? String == "g-2")
            #expect(resources["projectName"] as? String == "blog")
            let aws = try #require(resources["awsResources"] as? [String: Any])
            #expect(aws["s3Bucket"] as? String == "tmux-builder-g-2")
            #expect(aws["cloudFrontUrl"] as? String == "https://d1.cloudfront.net")
            #expect(aws["region"] as? String == "us-east-1")
            #expect(resources["createdAt"] as? String == first["createdAt"] as? String)
            let created = try #require((resources["createdAt"] as? String).flatMap(LedgerTime.date))
            let updated = try #require((resources["updatedAt"] as? String).flatMap(LedgerTime.date))
            #expect(updated >= created)
        }
    }

    @Test(arguments: TestStore.available)
    func unknownProjectsAre404AndUnregisteredGuidsGoToUnknown(_ kind: TestStore) async throws {
        let dir = try TemporaryDirectory()
        let store = try await kind.open(in: dir)
        try await LiveServer.with(store: store) { server in
            let missing = try await server.request("/api/projects/nobody/resources")
            #expect(missing.status == 404)
            #expect((missing.json?["error"] as? String)?.contains("nobody") == true)
            #expect(try await server.post(#"{"guid":"stray","type":"resources","data":{"s3Bucket":"b"}}"#).status == 200)
            let stray = try #require(try await server.request("/api/projects/stray/resources").json?["resources"] as? [String: Any])
            #expect(stray["userId"] as? String == "unknown")
            #expect(stray["projectName"] as? String == "Unnamed Project")
        }
    }

    @Test(arguments: TestStore.available)
    func aUsersDeploymentsComeBackInFull(_ kind: TestStore) async throws {
        let dir = try TemporaryDirectory()
        let store = try await kind.open(in: dir)
        let count = 120
        for index in 0..<count {
            try await store.registerProject(guid: "p-\(index)", userId: "carol", name: "project \(index)", at: Date())
            try await store.record(NotifyEvent(guid: "p-\(index)", kind: .resources, data: ["filler": .string(String(repeating: "x", count: 2000))]), at: Date())
        }
        try await store.registerProject(guid: "other", userId: "dave", name: "d", at: Date())
        try await store.record(NotifyEvent(guid: "other", kind: .resources, data: ["k": "v"]), at: Date())
        try await LiveServer.with(store: store) { server in
            let reply = try await server.request("/api/users/carol/deployments")
            let projects = try #require(reply.json?["projects"] as? [[String: Any]])
            #expect(Set(projects.compactMap { $0["projectId"] as? String }) == Set((0..<count).map { "p-\($0)" }))
            let none = try await server.request("/api/users/nobody/deployments")
            #expect((none.json?["projects"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(.enabled(if: MotoServer.isAvailable, "needs moto_server: run scripts/test.sh"))
    func whatDynamoDBCannotHoldIsA400ThatSaysWhy() async throws {
        let dir = try TemporaryDirectory()
        let store = try await TestStore.dynamodb.open(in: dir)
        try await LiveServer.with(store: store) { server in
            let huge = String(repeating: "x", count: 420_000)
            let reply = try await server.post(#"{"guid":"big","type":"status","message":"\#(huge)"}"#)
            #expect(reply.status == 400)
            let message = try #require(reply.json?["error"] as? String)
            #expect(message.contains("400 KB"))
            #expect(!message.contains("xxxxxxxxxx"))
            #expect(try await server.post(#"{"guid":"big","type":"status","message":"small"}"#).status == 200)
        }
    }

    @Test func healthzAnswers() async throws {
        let dir = try TemporaryDirectory()
        try await LiveServer.with(store: try SQLiteLedger(path: dir.path("l.sqlite"))) { server in
            let reply = try await server.request("/healthz")
            #expect(reply.status == 200)
            #expect(reply.json?["status"] as? String == "ok")
        }
    }

    @Test func concurrentReportsAreAllKept() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        let count = 400
        try await LiveServer.with(store: store) { server in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<count {
                    group.addTask {
                        try await server.post(#"{"guid":"busy","type":"resources","data":{"key\#(index)":\#(index)}}"#).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 })
        }
        #expect(try await store.eventCount() == count)
        #expect(try await store.resources(guid: "busy")?.awsResources.count == count)
    }
}
