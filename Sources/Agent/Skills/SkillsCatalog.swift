import Foundation
import Locations

/// The skills of a session, found in ordered sources where a later skill replaces an earlier one
/// of the same name (the user's `rollback` replaces the bundled one).
public struct SkillsCatalog: Sendable {
    /// The skills in effect, sorted by name: the listing and the tools see these.
    public private(set) var skills: [Skill]
    /// Skills replaced by a later one of the same name, in discovery order.
    public private(set) var overridden: [Skill]
    /// Skill folders that could not be read at all.
    public private(set) var problems: [String]

    public init(skills: [Skill], overridden: [Skill] = [], problems: [String] = []) {
        self.skills = skills.sorted { $0.name < $1.name }
        self.overridden = overridden
        self.problems = problems
    }

    /// Reads every source in order; a source folder that does not exist is skipped.
    public static func discover(_ sources: [SkillSource]) -> SkillsCatalog {
        var byName: [String: Skill] = [:]
        var overridden: [Skill] = []
        var problems: [String] = []
        for source in sources {
            var seenInSource: [String: String] = [:]
            for folder in skillFolders(in: source.directory) {
                let skill: Skill
                do {
                    if let path = BundledFiles.path(of: folder.file), let text = BundledFiles.text(at: path) {
                        skill = Skill.parse(text, folder: folder.url, source: source)
                    } else {
                        skill = try Skill.load(folder: folder.url, file: folder.file, source: source)
                    }
                } catch {
                    problems.append("cannot read \(folder.file.path): \(error.localizedDescription)")
                    continue
                }
                var loaded = skill
                if let other = seenInSource[skill.name] {
                    loaded.problems.append("folder '\(other)' in \(source.label) has the same name; this one, read later, is used")
                }
                seenInSource[skill.name] = folder.url.lastPathComponent
                if let earlier = byName[skill.name] { overridden.append(earlier) }
                byName[skill.name] = loaded
            }
        }
        return SkillsCatalog(skills: Array(byName.values), overridden: overridden, problems: problems)
    }

    /// The standard sources (see `SkillSource.standard`) for a project: bundled skills from the
    /// install layout (with no layout, the ones built into the binary), the user's from `home`, the
    /// project's from `projectRoot`.
    public static func discover(
        projectRoot: URL?,
        home: URL = UserDirectories().home,
        layout: InstallLayout? = InstallLayout.current()
    ) -> SkillsCatalog {
        discover(SkillSource.standard(bundled: layout?.skills ?? SkillSource.builtInSkills, home: home, projectRoot: projectRoot))
    }

    public func skill(named name: String) -> Skill? {
        skills.first { $0.name == name }
    }

    /// The skill folders directly inside `directory`, sorted by name: each non-hidden folder
    /// (or symlink to one) holding `SKILL.md` (any case).
    static func skillFolders(in directory: URL) -> [(url: URL, file: URL)] {
        if let builtIn = BundledFiles.path(of: directory) {
            return builtInSkillFolders(in: builtIn)
        }
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory.path) else { return [] }
        var folders: [(url: URL, file: URL)] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let url = directory.appendingPathComponent(name, isDirectory: true)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let exact = url.appendingPathComponent(Skill.fileName)
            if manager.fileExists(atPath: exact.path) {
                folders.append((url, exact))
            } else if let other = (try? manager.contentsOfDirectory(atPath: url.path))?.sorted()
                .first(where: { $0.lowercased() == Skill.fileName.lowercased() }) {
                folders.append((url, url.appendingPathComponent(other)))
            }
        }
        return folders
    }

    /// `skillFolders(in:)` for a folder of the binary's tree: the same rules over its paths.
    private static func builtInSkillFolders(in folder: String) -> [(url: URL, file: URL)] {
        let prefix = folder.isEmpty ? "" : folder + "/"
        var files: [String: [String]] = [:]
        for path in BundledFiles.paths where path.hasPrefix(prefix) {
            let parts = path.dropFirst(prefix.count).split(separator: "/", maxSplits: 1)
            guard parts.count == 2, !parts[0].hasPrefix(".") else { continue }
            files[String(parts[0]), default: []].append(String(parts[1]))
        }
        return files.keys.sorted().compactMap { name in
            let inside = files[name] ?? []
            guard let file = inside.contains(Skill.fileName) ? Skill.fileName
                    : inside.sorted().first(where: { $0.lowercased() == Skill.fileName.lowercased() }) else { return nil }
            let url = BundledFiles.url(for: prefix + name)
            return (url, url.appendingPathComponent(file))
        }
    }
}
