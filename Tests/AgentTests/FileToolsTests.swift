import Foundation
import JSON
import Testing
@testable import Agent

@Suite struct FileToolsTests {
    func run(_ tool: Tool, _ input: JSONValue, in project: borrowing TemporaryProject) async throws -> ToolOutput {
        try await tool.run(input, ToolContext(projectRoot: project.url))
    }

    @Test func readsAndListsInsideTheProject() async throws {
        let project = try TemporaryProject()
        try project.write("one\ntwo\nthree\n", to: "src/a.txt")
        try project.write("x", to: "node_modules/pkg/index.js")

        #expect(try await run(FileTools.readFile, ["path": "src/a.txt"], in: project) == ToolOutput(text: "one\ntwo\nthree\n"))
        #expect(try await run(FileTools.readFile, ["path": "./src/../src/a.txt", "offset": 2, "limit": 1], in: project).text == "[lines 2-2 of 4]\ntwo")
        #expect(try await run(FileTools.readFile, ["path": .string(project.url.path + "/src/a.txt")], in: project).isError == false)

        #expect(try await run(FileTools.listFiles, [:], in: project).text == "node_modules/\nsrc/")
        #expect(try await run(FileTools.listFiles, ["recursive": true], in: project).text == "node_modules/\nsrc/\nsrc/a.txt")
        #expect(try await run(FileTools.readFile, ["path": "missing.txt"], in: project).isError)
        #expect(try await run(FileTools.readFile, ["path": "src"], in: project).isError)
    }

    @Test(arguments: ["../outside.txt", "../../etc/passwd", "/etc/passwd", "src/../../outside.txt", "link-out/secret.txt", "file-link"])
    func refusesPathsThatResolveOutside(_ path: String) async throws {
        let project = try TemporaryProject()
        let outside = project.url.deletingLastPathComponent().appendingPathComponent("outside-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        try Data("secret".utf8).write(to: outside.appendingPathComponent("secret.txt"))
        try project.write("in", to: "src/in.txt")
        try FileManager.default.createSymbolicLink(atPath: project.url.appendingPathComponent("link-out").path, withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: project.url.appendingPathComponent("file-link").path, withDestinationPath: outside.appendingPathComponent("secret.txt").path)

        await #expect(throws: AgentError.self) { _ = try await run(FileTools.readFile, ["path": .string(path)], in: project) }
        await #expect(throws: AgentError.self) { _ = try await run(FileTools.writeFile, ["path": .string(path), "content": "x"], in: project) }
        await #expect(throws: AgentError.self) { _ = try await run(FileTools.listFiles, ["path": .string(path)], in: project) }
        #expect(FileManager.default.contents(atPath: outside.appendingPathComponent("secret.txt").path) == Data("secret".utf8))
    }

    @Test func writesNewFilesAndFoldersInsideOnly() async throws {
        let project = try TemporaryProject()
        let created = try await run(FileTools.writeFile, ["path": "deploy/Dockerfile", "content": "FROM scratch\n"], in: project)
        #expect(created.isError == false)
        #expect(created.text.hasPrefix("Created deploy/Dockerfile"))
        #expect(project.read("deploy/Dockerfile") == "FROM scratch\n")
        let replaced = try await run(FileTools.writeFile, ["path": "deploy/Dockerfile", "content": "FROM alpine\n"], in: project)
        #expect(replaced.text.hasPrefix("Replaced"))
        #expect(project.read("deploy/Dockerfile") == "FROM alpine\n")
        // `..` below a folder that does not exist cannot be checked against the disk: refused.
        await #expect(throws: AgentError.self) { _ = try await run(FileTools.writeFile, ["path": "new/../../x", "content": ""], in: project) }
        #expect(FileTools.writeFile.risk == .changes)
        #expect(FileTools.readFile.risk == .readOnly && FileTools.listFiles.risk == .readOnly)
    }
}
