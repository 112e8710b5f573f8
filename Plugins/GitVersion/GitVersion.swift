import Foundation
import PackagePlugin

/// Writes the commit the package is built from, and when, into the target it is applied to, so
/// `deployotron --version` names the commit of whatever clean clone it was built from.
///
/// It reads `.git` itself (no git executable needed): `HEAD`, the branch's loose ref and
/// `packed-refs` are the command's inputs, so a new commit or another branch reruns it. Outside a
/// git checkout (a source archive) the commit is "unknown". The generated Swift lives in the
/// plugin's work folder, never in the source tree.
@main struct GitVersion: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let root = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BuildInfo+Generated.swift")
        let folders = GitFolders.find(from: root)
        var inputs: [URL] = []
        if let folders {
            inputs.append(folders.gitDir.appendingPathComponent("HEAD"))
            let head = (try? String(contentsOf: folders.gitDir.appendingPathComponent("HEAD"), encoding: .utf8)) ?? ""
            if let ref = GitFolders.symbolicRef(in: head) {
                for base in [folders.gitDir, folders.commonDir] {
                    let loose = base.appendingPathComponent(ref)
                    if FileManager.default.fileExists(atPath: loose.path) { inputs.append(loose) }
                }
            }
            let packed = folders.commonDir.appendingPathComponent("packed-refs")
            if FileManager.default.fileExists(atPath: packed.path) { inputs.append(packed) }
        }
        return [
            .buildCommand(
                displayName: "Reading the commit for \(target.name)",
                executable: try context.tool(named: "GitVersionTool").url,
                arguments: [output.path, root.path],
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}

/// Where a checkout's git data is: `.git` itself, or for a linked worktree the folder its `.git`
/// file names (`gitdir: ...`) and that folder's `commondir`, which holds the refs.
struct GitFolders {
    var gitDir: URL
    var commonDir: URL

    static func find(from root: URL) -> GitFolders? {
        let dotGit = root.appendingPathComponent(".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) else { return nil }
        var gitDir = dotGit
        if !isDirectory.boolValue {
            guard let text = try? String(contentsOf: dotGit, encoding: .utf8),
                  let line = text.split(separator: "\n").first(where: { $0.hasPrefix("gitdir:") }) else { return nil }
            let path = line.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
            gitDir = path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
        }
        var commonDir = gitDir
        if let common = try? String(contentsOf: gitDir.appendingPathComponent("commondir"), encoding: .utf8) {
            let path = common.trimmingCharacters(in: .whitespacesAndNewlines)
            commonDir = path.hasPrefix("/") ? URL(fileURLWithPath: path) : gitDir.appendingPathComponent(path)
        }
        return GitFolders(gitDir: gitDir.standardizedFileURL, commonDir: commonDir.standardizedFileURL)
    }

    /// `refs/heads/main` from a HEAD of `ref: refs/heads/main`; nil for a detached HEAD.
    static func symbolicRef(in head: String) -> String? {
        let line = head.trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.hasPrefix("ref:") else { return nil }
        return line.dropFirst(4).trimmingCharacters(in: .whitespaces)
    }
}
