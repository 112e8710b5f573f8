import Foundation
import Locations
import Testing

/// The files compiled into the binary are the checkout's files, and a file on disk wins over them.
@Suite struct BundledFilesTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Where each embedded path comes from in the checkout; the EmbedFiles plugin's list, restated.
    static func checkoutFiles() throws -> [String: URL] {
        var files: [String: URL] = [:]
        for (source, embedded) in [("skills", "skills"), ("prompts", "prompts"), ("notify", "notify"), ("Sources/Deploy/Templates", "templates")] {
            let folder = checkout.appendingPathComponent(source)
            let enumerator = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]))
            for case let url as URL in enumerator where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
                let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
                files[embedded + "/" + relative] = url
            }
        }
        files["signatures.json"] = checkout.appendingPathComponent("Sources/LogTriage/Resources/signatures.json")
        return files
    }

    @Test func everyShippedFileIsEmbeddedByteForByte() throws {
        let files = try Self.checkoutFiles()
        #expect(BundledFiles.paths == files.keys.sorted())
        for (path, url) in files {
            #expect(BundledFiles.data(at: path) == (try Data(contentsOf: url)), "\(path) differs from \(url.path)")
        }
        #expect(BundledFiles.data(at: "prompts/none.md") == nil)
    }

    @Test func eachKindReadsItsOwnFolder() throws {
        let checkout = Self.checkout
        func text(_ path: String) throws -> String { try String(contentsOf: checkout.appendingPathComponent(path), encoding: .utf8) }

        #expect(BundledFiles.skills["rollback/SKILL.md"] == Data(try text("skills/rollback/SKILL.md").utf8))
        #expect(Set(BundledFiles.skills.keys.compactMap { $0.split(separator: "/").first.map(String.init) }) == ["1-click-deploy", "log-troubleshooting", "rollback"])
        #expect(BundledFiles.prompt(named: "system.md") == (try text("prompts/system.md")))
        #expect(BundledFiles.prompt(named: "missing.md") == nil)
        #expect(BundledFiles.notifyScript == (try text("notify/notify.sh")))
        #expect(BundledFiles.signatures == (try Data(contentsOf: checkout.appendingPathComponent("Sources/LogTriage/Resources/signatures.json"))))
        #expect(BundledFiles.templates["node.Dockerfile.mustache"] == (try text("Sources/Deploy/Templates/node.Dockerfile.mustache")))
        #expect(BundledFiles.templates.keys.allSatisfy { $0.hasSuffix(".mustache") && !$0.contains("/") })
    }

    @Test func urlsUnderTheRootNameTreePathsAndFileURLsDoNot() {
        #expect(BundledFiles.path(of: BundledFiles.url(for: "skills/rollback")) == "skills/rollback")
        #expect(BundledFiles.path(of: BundledFiles.url(for: "skills").appendingPathComponent("rollback/SKILL.md")) == "skills/rollback/SKILL.md")
        #expect(BundledFiles.path(of: BundledFiles.root) == "")
        #expect(BundledFiles.path(of: Self.checkout.appendingPathComponent("skills/rollback")) == nil)
    }

    @Test func aFileUnderDeployotronHomeWinsAndTheRestAreBuiltIn() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(at: home.appendingPathComponent("prompts"), withIntermediateDirectories: true)
        try Data("my own system prompt".utf8).write(to: home.appendingPathComponent("prompts/system.md"))
        let layout = try #require(InstallLayout.current(environment: ["DEPLOYOTRON_HOME": home.path]))

        let own = try #require(BundledFiles.lookUp("prompts/system.md", in: layout))
        #expect(own.data == Data("my own system prompt".utf8))
        #expect(own.url.standardizedFileURL.path == home.appendingPathComponent("prompts/system.md").standardizedFileURL.path)

        let fallback = try #require(BundledFiles.lookUp("notify/notify.sh", in: layout))
        #expect(fallback.data == Data(BundledFiles.notifyScript.utf8))
        #expect(BundledFiles.path(of: fallback.url) == "notify/notify.sh")

        #expect(BundledFiles.lookUp("prompts/system.md", in: nil)?.data == BundledFiles.data(at: "prompts/system.md"))
        #expect(BundledFiles.lookUp("prompts/none.md", in: layout) == nil)
    }
}
