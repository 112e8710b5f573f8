import Deploy
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the engine tests need: whether a real engine is there, FROM-scratch busybox projects, and
/// ways to look at processes and ports from outside deployotron's code.
enum EngineFixture {
    /// scripts/engine.sh sets DEPLOYOTRON_TEST_ENGINE once `docker version` answers.
    static let engineAvailable: Bool = {
        let environment = ProcessInfo.processInfo.environment
        return environment["DEPLOYOTRON_TEST_ENGINE"].map { !$0.isEmpty && $0 != "0" } == true && busybox != nil
    }()

    /// A statically linked busybox (Debian's busybox-static) to copy into FROM-scratch images.
    static let busybox: String? = ["/bin/busybox", "/usr/bin/busybox"].first { path in
        guard let data = FileManager.default.contents(atPath: path), data.count > 0x40 else { return false }
        // An ELF without a PT_INTERP program header is static; busybox-static has none, Debian's busybox does.
        return data.range(of: Data("/lib64/ld-linux".utf8)) == nil && data.range(of: Data("/lib/ld-linux".utf8)) == nil
    }

    /// A compose CLI is installed: the v2 plugin in a standard folder, or v1 `docker-compose` on PATH.
    static let composeInstalled: Bool = {
        let plugins = ["/usr/libexec/docker/cli-plugins", "/usr/lib/docker/cli-plugins", "/usr/local/lib/docker/cli-plugins", NSHomeDirectory() + "/.docker/cli-plugins"]
        if plugins.contains(where: { FileManager.default.isExecutableFile(atPath: $0 + "/docker-compose") }) { return true }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/docker-compose") }
    }()

    static func uniqueName(_ label: String) -> String {
        "deployotron-test-\(label)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A project of busybox at /bin/busybox plus `files`, with `dockerfile` written beside it
    /// (outside the context, as a deployment's generated Dockerfile is). Returns the context folder and the Dockerfile.
    static func busyboxProject(in folder: TemporaryFolder, dockerfile: String, files: [String: String] = [:]) throws -> (context: URL, dockerfile: URL) {
        let context = try folder.project("app-\(UUID().uuidString.prefix(6))", files)
        let bin = context.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try #require(busybox), toPath: bin.appendingPathComponent("busybox").path)
        let file = folder.url.appendingPathComponent("Dockerfile-\(UUID().uuidString.prefix(6))")
        try dockerfile.write(to: file, atomically: true, encoding: .utf8)
        return (context, file)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(bound == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls `condition` up to `attempts` times, `interval` apart: for waiting on an engine, not for timing anything.
    static func eventually(attempts: Int = 150, interval: Duration = .milliseconds(200), _ condition: () async throws -> Bool) async rethrows -> Bool {
        for _ in 0..<attempts {
            if try await condition() { return true }
            try? await Task.sleep(for: interval)
        }
        return false
    }
}

/// Processes as /proc shows them, read independently of `ProcessRunner`.
enum ProcessTable {
    struct Entry {
        var pid: Int32
        var state: Character
        var pgid: Int32
        var commandLine: [String]
    }

    static func entries() -> [Entry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return names.compactMap { name -> Entry? in
            guard let pid = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let state = fields[0].first, let pgid = Int32(fields[2]) else { return nil }
            let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(name)/cmdline"))) ?? Data()
            let commandLine = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return Entry(pid: pid, state: state, pgid: pgid, commandLine: commandLine)
        }
    }

    /// Members of process group `pgid` that are not zombies (PID 1 here may leave orphans unreaped).
    static func livingMembers(of pgid: Int32) -> [Entry] {
        entries().filter { $0.pgid == pgid && $0.state != "Z" && $0.state != "X" }
    }
}

/// A loopback HTTP server on its own thread answering every request with one canned response,
/// or accepting and closing at once (what a proxy in front of a server still starting does).
final class CannedHTTPServer: Sendable {
    let port: Int
    private let fd: Int32
    private let stopped = StopFlag()

    private final class StopFlag: Sendable {
        private let flag = Mutex(false)
        var isSet: Bool { flag.withLock { $0 } }
        func set() { flag.withLock { $0 = true } }
    }

    init(response: String?) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 8) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [stopped] in
            while !stopped.isSet {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { if errno == EINTR { continue } else { break } }
                if stopped.isSet { close(client); break }
                if let response {
                    var request = Data()
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while request.range(of: Data("\r\n\r\n".utf8)) == nil {
                        let count = recv(client, &buffer, buffer.count, 0)
                        guard count > 0 else { break }
                        request.append(contentsOf: buffer[0..<count])
                    }
                    _ = Array(response.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
                close(client)
            }
        }
        thread.start()
    }

    deinit {
        stopped.set()
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
