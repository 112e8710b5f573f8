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
                    skill = try Skill.load(folder: folder.url, file: folder.file, source: source)
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
    /// install layout, the user's from `home`, the project's from `projectRoot`.
    public static func discover(
        projectRoot: URL?,
        home: URL = UserDirectories().home,
        layout: InstallLayout? = InstallLayout.current()
    ) -> SkillsCatalog {
        discover(SkillSource.standard(bundled: layout?.skills, home: home, projectRoot: projectRoot))
    }

    public func skill(named name: String) -> Skill? {
        skills.first { $0.name == name }
    }

    /// The skill folders directly inside `directory`, sorted by name: each non-hidden folder
    /// (or symlink to one) holding `SKILL.md` (any case).
    static func skillFolders(in directory: URL) -> [(url: URL, file: URL)] {
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
}
