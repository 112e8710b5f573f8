import Foundation
import Testing
@testable import Deploy

@Suite struct GeneratorServiceTests {
    @Test func writesIntoTheAppFolderAndRefusesToOverwrite() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("repo", ["api/requirements.txt": "flask\n", "api/app.py": "app = None"])
        let service = GeneratorService()

        let preview = try service.generateDockerfile(GenerateInput(path: root.path))
        #expect(preview.files.map(\.path) == ["api/Dockerfile", "api/.dockerignore"])
        #expect(preview.files.allSatisfy { !$0.written })
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("api/Dockerfile").path))

        let written = try service.generateDockerfile(GenerateInput(path: root.path, write: true))
        #expect(written.files.allSatisfy { $0.written })
        let onDisk = try String(contentsOf: root.appendingPathComponent("api/Dockerfile"), encoding: .utf8)
        #expect(onDisk == written.files[0].contents)

        let error = try #require(throws: DeployError.self) { try service.generateDockerfile(GenerateInput(path: root.path, write: true)) }
        #expect(error.code == .fileExists)
        #expect(error.message.contains("api/Dockerfile"))
        let replaced = try service.generateDockerfile(GenerateInput(path: root.path, write: true, overwrite: true))
        #expect(replaced.files.allSatisfy { $0.written })
    }

    @Test func composeUsesTheAppsOwnPortAndTheDatabasesAsked() throws {
        let folder = try TemporaryFolder()
        let example = try #require(ExampleProject.all.first { $0.name == "rails" })
        let root = try folder.project("blog", example.files)
        let output = try GeneratorService().generateCompose(GenerateInput(path: root.path, databases: [.postgres]))
        let text = try #require(output.files.first?.contents)
        #expect(output.files.first?.path == "docker-compose.yml")
        #expect(text.contains("\"3000:3000\""))
        #expect(text.contains("name: blog"))
        #expect(text.contains("DATABASE_URL"))
    }
}
