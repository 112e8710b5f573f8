import Foundation
import Locations
import Testing

@Suite struct LocationsTests {
    @Test func userDirectoriesFollowXDG() {
        let dirs = UserDirectories(environment: ["HOME": "/home/ann", "XDG_STATE_HOME": "/s", "XDG_DATA_HOME": "relative/ignored"])
        #expect(dirs.state.path == "/s/deployotron")
        #expect(dirs.data.path == "/home/ann/.local/share/deployotron")
        #expect(dirs.config.path == "/home/ann/.config/deployotron")
    }

    @Test func findsTheCheckoutFromABuiltBinary() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("layout-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("prompts"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".build/debug"), withIntermediateDirectories: true)
        let layout = InstallLayout.find(from: root.appendingPathComponent(".build/debug/deployotron"))
        #expect(layout?.root.standardizedFileURL.path == root.standardizedFileURL.path)
    }

    @Test func findsAnInstallPrefix() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("prefix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("share/deployotron/prompts"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let layout = InstallLayout.find(from: prefix.appendingPathComponent("bin/deployotron"))
        #expect(layout?.prompts.standardizedFileURL.path == prefix.appendingPathComponent("share/deployotron/prompts").standardizedFileURL.path)
    }

    @Test func privateFilesAreMode0600() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("private-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("secret")
        try PrivateFile.write(Data("x".utf8), to: file)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let handle = try PrivateFile.openForAppending(dir.appendingPathComponent("log"))
        try handle.write(contentsOf: Data("line\n".utf8))
        try handle.close()
        let logMode = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("log").path)[.posixPermissions] as? Int
        #expect(logMode == 0o600)
    }
}
