import Foundation
import JSON
import Locations

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The transcript file of one session, appended to as the conversation goes.
///
/// Each entry is one line written with a single `write(2)` on a file opened `O_APPEND` (mode 0600),
/// so lines never interleave and a crash can at worst tear the last line, which loading ignores.
public struct Transcript: Sendable, Equatable {
    public let id: String
    public let url: URL

    public init(id: String, url: URL) {
        self.id = id
        self.url = url
    }

    public func append(_ entry: TranscriptEntry) throws {
        var line = entry.jsonValue.encoded()
        line.append(0x0A)
        try appendLine(line)
    }

    func appendLine(_ line: Data) throws {
        let handle: FileHandle
        do {
            handle = try PrivateFile.openForAppending(url)
        } catch {
            throw AgentError(.transcript, "could not open the transcript \(url.path): \(error)")
        }
        defer { try? handle.close() }
        let fd = handle.fileDescriptor
        let written = line.withUnsafeBytes { buffer in write(fd, buffer.baseAddress, buffer.count) }
        guard written == line.count else {
            throw AgentError(.transcript, "could not write the transcript \(url.path): \(written < 0 ? String(cString: strerror(errno)) : "short write")")
        }
    }

    /// Ends a torn last line (left by a crash) so the next entry starts on a line of its own.
    func sealTornLine() throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return }
        defer { try? handle.close() }
        let end = try handle.seekToEnd()
        guard end > 0 else { return }
        try handle.seek(toOffset: end - 1)
        if handle.readData(ofLength: 1) != Data([0x0A]) {
            try appendLine(Data([0x0A]))
        }
    }
}
