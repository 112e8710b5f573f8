import Foundation
import JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A project's guid, kept in `<project>/.deployotron/project.json` so it survives sessions: resources
/// are named with it, build agents report under it with notify.sh, and the ledger files them by it.
public struct ProjectIdentity: Sendable, Equatable {
    /// Lowercase UUID for guids deployotron makes; any 1 to 128 ASCII letters, digits, `.`, `_` or `-`
    /// a user wrote (the rule `deployotron serve` applies to what build agents report, `ProjectGuid`).
    public var guid: String
    /// Whether this call wrote the guid (the REPL registers a new project in the ledger).
    public var isNew: Bool

    public init(guid: String, isNew: Bool) {
        self.guid = guid
        self.isNew = isNew
    }

    public static func url(projectRoot: URL) -> URL {
        projectRoot.appendingPathComponent(".deployotron", isDirectory: true).appendingPathComponent("project.json")
    }

    /// The guid in project.json; nil when the file or its guid is missing.
    public static func load(projectRoot: URL) throws -> ProjectIdentity? {
        let url = url(projectRoot: projectRoot)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let object = try parse(data, url: url)
        return try guid(in: object, url: url).map { ProjectIdentity(guid: $0, isNew: false) }
    }

    /// The guid in project.json, writing a new lowercase UUID there when there is none.
    /// Other keys of the file are kept. Two sessions starting at once agree on one guid.
    public static func loadOrCreate(projectRoot: URL, makeGuid: () -> String = { UUID().uuidString.lowercased() }) throws -> ProjectIdentity {
        let url = url(projectRoot: projectRoot)
        var object: [String: JSONValue] = [:]
        let existing = FileManager.default.contents(atPath: url.path)
        if let data = existing {
            object = try parse(data, url: url)
            if let guid = try guid(in: object, url: url) { return ProjectIdentity(guid: guid, isNew: false) }
        }
        let guid = makeGuid()
        object["guid"] = .string(guid)
        var data = JSONValue.object(object).encoded()
        data.append(0x0A)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".project.json.\(UUID().uuidString).tmp")
            try data.write(to: temporary)
            defer { try? FileManager.default.removeItem(at: temporary) }
            if existing != nil {
                // The file had no guid: replace it whole.
                guard rename(temporary.path, url.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            } else if link(temporary.path, url.path) != 0 {
                // Another session created it first: use its guid.
                let code = errno
                if code == EEXIST, let winner = try load(projectRoot: projectRoot) { return winner }
                // A file system without hard links: a plain rename, without the race protection.
                guard code == EPERM || code == ENOTSUP, rename(temporary.path, url.path) == 0 else {
                    throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
                }
            }
        } catch let error as AgentError {
            throw error
        } catch {
            throw AgentError(.settings, "cannot write the project's guid to \(url.path): \(error.localizedDescription); check that the folder is writable")
        }
        return ProjectIdentity(guid: guid, isNew: true)
    }

    /// The longest guid, in bytes: the notify server refuses longer ones.
    public static let maxGuidLength = 128

    /// Whether `guid` is safe in resource names, file names, URL paths and shell commands, and is
    /// one the notify server accepts: compared byte by byte, never percent-encoded.
    public static func isValid(_ guid: String) -> Bool {
        (1...maxGuidLength).contains(guid.utf8.count)
            && guid.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default:
                    false
                }
            }
    }

    private static func parse(_ data: Data, url: URL) throws -> [String: JSONValue] {
        guard let object = (try? JSONValue(parsing: data))?.objectValue else {
            throw AgentError(.settings, "\(url.path) is not a JSON object; fix it or delete it to get a new guid")
        }
        return object
    }

    private static func guid(in object: [String: JSONValue], url: URL) throws -> String? {
        guard let value = object["guid"], !value.isNull else { return nil }
        guard let guid = value.stringValue, isValid(guid) else {
            throw AgentError(.settings, "the guid in \(url.path) must be 1 to \(maxGuidLength) ASCII letters, digits, '.', '_' or '-'; fix it or remove it to get a new one")
        }
        return guid
    }
}
