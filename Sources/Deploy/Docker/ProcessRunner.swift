import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program in a process group of its own, capturing its output, with a timeout and cancellation.
///
/// Cancelling the calling task, or the timeout, stops the whole group: SIGTERM, then SIGKILL after a
/// grace period. `run` returns once the program has ended, without waiting for a background process
/// that still holds its output pipes open (a build step, a daemon) to close them.
///
/// Hand-written on `posix_spawn` rather than swift-subprocess: its 1.0 release needs Swift tools 6.2,
/// while deployotron builds with Swift 6.1; and it would be a new package (and resolution) for a
/// spawn, a poll loop and two signals.
public struct ProcessRunner: Sendable {
    /// The environment programs run with; nil inherits deployotron's.
    public var environment: [String: String]?
    /// Times the timeout; the stop sequence itself runs on wall time.
    public var clock: any Clock<Duration>
    /// How long a stopped group has between SIGTERM and SIGKILL.
    public var terminationGrace: Duration

    public init(environment: [String: String]? = nil, clock: any Clock<Duration> = ContinuousClock(), terminationGrace: Duration = .milliseconds(1500)) {
        self.environment = environment
        self.clock = clock
        self.terminationGrace = terminationGrace
    }

    /// What the program reads on standard input.
    enum Input: Sendable {
        case none
        case data(Data)
        case file(URL)
    }

    /// Runs `executable` (a path, or a name looked up on PATH) and waits for it.
    ///
    /// - Parameters:
    ///   - stdin: bytes the program reads on standard input (a password for `--password-stdin`); nil gives it /dev/null.
    ///   - onLine: called with each line of stdout and stderr as it arrives, for progress.
    /// - Throws: `CancellationError` when the calling task is cancelled (the group is stopped first);
    ///   `DeployError` when the program cannot be found or started.
    public func run(
        _ executable: String, _ arguments: [String], workingDirectory: URL? = nil, timeout: Duration? = nil,
        stdin: Data? = nil, onLine: (@Sendable (String) -> Void)? = nil
    ) async throws -> ProcessOutput {
        try await run(executable, arguments, workingDirectory: workingDirectory, timeout: timeout, input: stdin.map(Input.data) ?? .none, onLine: onLine)
    }

    func run(
        _ executable: String, _ arguments: [String], workingDirectory: URL? = nil, timeout: Duration? = nil,
        input: Input, onLine: (@Sendable (String) -> Void)? = nil
    ) async throws -> ProcessOutput {
        try Task.checkCancellation()
        let environment = self.environment ?? ProcessInfo.processInfo.environment
        guard let path = Self.resolve(executable, path: environment["PATH"]) else {
            throw DeployError(.docker, "\(executable) was not found on PATH: install it (for docker: the docker CLI and a running engine) or set its path")
        }
        let child = try SpawnedGroup.spawn(
            path: path, arguments: arguments, environment: environment, workingDirectory: workingDirectory,
            input: input, grace: terminationGrace, onLine: onLine
        )
        let result: SpawnedGroup.Result = try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: SpawnedGroup.Result?.self) { group in
                group.addTask { await child.result() }
                if let timeout {
                    let clock = self.clock
                    group.addTask {
                        try await clock.sleep(for: timeout)
                        child.stop(.timeout)
                        return nil
                    }
                }
                while let next = try await group.next() {
                    if let next {
                        group.cancelAll()
                        return next
                    }
                }
                return await child.result()
            }
        } onCancel: {
            child.stop(.cancellation)
        }
        if result.stopReason == .cancellation { throw CancellationError() }
        try Task.checkCancellation()
        return ProcessOutput(
            exitCode: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
            stderr: String(decoding: result.stderr, as: UTF8.self), timedOut: result.stopReason == .timeout
        )
    }

    /// `name` itself when it holds a slash, else the first executable of that name on `path`.
    static func resolve(_ name: String, path: String?) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for folder in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether children start with only stdin, stdout and stderr open (glibc 2.34 and later).
    static var closesInheritedDescriptors: Bool { SpawnedGroup.addCloseFrom != nil }

    /// Whether a process other than a zombie is left in process group `pgid`.
    ///
    /// `kill(-pgid, 0)` alone counts zombies, and orphans may stay zombies where PID 1 does not reap.
    public static func groupIsAlive(_ pgid: Int32) -> Bool {
        guard pgid > 0, kill(-pgid, 0) == 0 else { return false }
        #if os(Linux)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return true }
        for entry in entries where entry.first?.isNumber == true {
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After "pid (comm) ": state, ppid, pgrp.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 2, Int32(fields[2]) == pgid, fields[0] != "Z", fields[0] != "X" { return true }
        }
        return false
        #else
        return true
        #endif
    }
}

// MARK: - The spawned group

/// A child started as the leader of its own process group, with one thread that moves its
/// standard streams, reaps it, and stops the group when asked.
private final class SpawnedGroup: Sendable {
    enum StopReason: Sendable { case timeout, cancellation }

    struct Result: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var stopReason: StopReason?
    }

    private struct State {
        var stopReason: StopReason?
        var result: Result?
        var waiters: [CheckedContinuation<Result, Never>] = []
    }

    let pid: pid_t
    private let state = Mutex(State())
    /// Written to when a stop is asked, so the I/O thread wakes at once.
    private let wakeWrite: Int32

    private init(pid: pid_t, wakeWrite: Int32) {
        self.pid = pid
        self.wakeWrite = wakeWrite
    }

    deinit { close(wakeWrite) }

    func stop(_ reason: StopReason) {
        let first = state.withLock { state -> Bool in
            guard state.result == nil, state.stopReason == nil else { return false }
            state.stopReason = reason
            return true
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    var stopReason: StopReason? { state.withLock { $0.stopReason } }

    func result() async -> Result {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Result? in
                if let result = state.result { return result }
                state.waiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    private func finish(_ result: Result) {
        var result = result
        let waiters = state.withLock { state -> [CheckedContinuation<Result, Never>] in
            result.stopReason = state.stopReason
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: result) }
    }

    // MARK: Spawning

    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np`, likewise undeclared.
    static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// glibc's `posix_spawn_file_actions_addchdir_np`, which Swift's Glibc module does not declare.
    static let addChdir: AddChdir? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    static func spawn(
        path: String, arguments: [String], environment: [String: String], workingDirectory: URL?,
        input: ProcessRunner.Input, grace: Duration, onLine: (@Sendable (String) -> Void)?
    ) throws -> SpawnedGroup {
        var opened: [Int32] = []
        func closeAll() { for fd in opened { close(fd) } }
        func pipePair() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { throw DeployError(.docker, "could not start \(path): no pipe (\(String(cString: strerror(errno))))") }
            opened += fds
            // Not pipe2(O_CLOEXEC): Glibc's module does not export it. A spawn on another thread in
            // between may inherit an end; the I/O loop does not wait for EOF after the child ends.
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return (fds[0], fds[1])
        }
        let out = try pipePair(), err = try pipePair(), wake = try pipePair()
        // stdin bytes go through a socket pair: sending with MSG_NOSIGNAL cannot raise SIGPIPE in deployotron.
        var stdinParent: Int32 = -1, stdinChild: Int32 = -1
        if case .data = input {
            var fds: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
                closeAll()
                throw DeployError(.docker, "could not start \(path): no socket pair (\(String(cString: strerror(errno))))")
            }
            opened += fds
            (stdinParent, stdinChild) = (fds[0], fds[1])
            _ = fcntl(stdinParent, F_SETFL, fcntl(stdinParent, F_GETFL) | O_NONBLOCK)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch input {
        case .none: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .data: posix_spawn_file_actions_adddup2(&actions, stdinChild, 0)
        case .file(let url): posix_spawn_file_actions_addopen(&actions, 0, url.path, O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, out.write, 1)
        posix_spawn_file_actions_adddup2(&actions, err.write, 2)
        // Nothing else deployotron has open (the ledger, sockets, a file another thread is writing
        // without O_CLOEXEC) reaches the child; only where glibc has closefrom (2.34 and later).
        if let addCloseFrom = Self.addCloseFrom { _ = addCloseFrom(&actions, 3) }
        var path = path, arguments = arguments
        if let workingDirectory {
            if let addChdir = Self.addChdir {
                _ = addChdir(&actions, workingDirectory.path)
            } else {
                // Without posix_spawn_file_actions_addchdir_np (glibc < 2.29), a shell changes directory and execs.
                arguments = ["-c", #"cd -- "$0" || exit 127; exec "$@""#, workingDirectory.path, path] + arguments
                path = "/bin/sh"
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own group (so a stop reaches its children too, and a terminal's Ctrl-C does not),
        // no blocked signals, and default dispositions for the ones a parent commonly ignores.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        var status = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        // ETXTBSY: another thread's child, forked while a script was being written, still holds it
        // open for writing; that child execs or exits within moments.
        var retries = 0
        while status == ETXTBSY, retries < 20 {
            retries += 1
            usleep(10_000)
            status = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        }
        // The child's ends belong to the child now.
        for fd in [out.write, err.write, stdinChild] where fd >= 0 { close(fd) }
        guard status == 0 else {
            for fd in [out.read, err.read, wake.read, wake.write, stdinParent] where fd >= 0 { close(fd) }
            throw DeployError(.docker, "could not start \(path): \(String(cString: strerror(status)))")
        }

        let group = SpawnedGroup(pid: pid, wakeWrite: wake.write)
        var pending = Data()
        if case .data(let data) = input { pending = data }
        let io = IOLoop(
            group: group, stdout: out.read, stderr: err.read, wake: wake.read,
            stdin: stdinParent, pending: pending, grace: grace, onLine: onLine
        )
        let thread = Thread { io.run() }
        thread.name = "deployotron.process.\(pid)"
        thread.start()
        return group
    }

    // MARK: The I/O thread

    /// Owned by one thread: reads both pipes, feeds stdin, reaps the child, and runs the stop sequence.
    private final class IOLoop: @unchecked Sendable {
        let group: SpawnedGroup
        let grace: Duration
        let onLine: (@Sendable (String) -> Void)?
        var streams: [(fd: Int32, data: Data, partial: Data)]
        let wake: Int32
        var stdin: Int32
        var pending: Data

        /// After the child has ended, how long background processes may keep the pipes open.
        static let drainAfterExit: Duration = .milliseconds(300)
        /// After SIGKILL, how long to wait for the group to disappear.
        static let killWait: Duration = .milliseconds(500)

        init(group: SpawnedGroup, stdout: Int32, stderr: Int32, wake: Int32, stdin: Int32, pending: Data, grace: Duration, onLine: (@Sendable (String) -> Void)?) {
            self.group = group
            self.streams = [(stdout, Data(), Data()), (stderr, Data(), Data())]
            self.wake = wake
            self.stdin = stdin
            self.pending = pending
            self.grace = grace
            self.onLine = onLine
        }

        func run() {
            let pid = group.pid
            var status: Int32?
            var terminatedAt: ContinuousClock.Instant?
            var killedAt: ContinuousClock.Instant?
            var exitedAt: ContinuousClock.Instant?
            let clock = ContinuousClock()
            if stdin >= 0 && pending.isEmpty { closeStdin() }

            while true {
                if status == nil { status = reap(pid) }
                if status != nil && exitedAt == nil { exitedAt = clock.now }
                if terminatedAt == nil, group.stopReason != nil {
                    // The group id is the child's pid; the kernel does not reuse it while the group has members.
                    kill(-pid, SIGTERM)
                    terminatedAt = clock.now
                }
                if let terminatedAt, killedAt == nil, clock.now - terminatedAt >= grace,
                   status == nil || ProcessRunner.groupIsAlive(pid) {
                    kill(-pid, SIGKILL)
                    killedAt = clock.now
                }
                let open = streams.contains { $0.fd >= 0 }
                if let exitedAt {
                    if let terminatedAt {
                        // Stopped: done once nothing of the group is left, or it will not go.
                        let groupGone = !ProcessRunner.groupIsAlive(pid)
                        if !open && groupGone { break }
                        if groupGone && clock.now - exitedAt >= Self.drainAfterExit { break }
                        if let killedAt, clock.now - killedAt >= Self.killWait { break }
                        _ = terminatedAt
                    } else if !open || clock.now - exitedAt >= Self.drainAfterExit {
                        break
                    }
                }
                pollOnce(timeoutMilliseconds: status == nil && terminatedAt == nil ? 100 : 20)
            }
            if status == nil { status = reapBlocking(pid) }
            for index in streams.indices {
                flushPartial(index)
                if streams[index].fd >= 0 { close(streams[index].fd) }
            }
            closeStdin()
            close(wake)
            group.finish(Result(status: status ?? -1, stdout: streams[0].data, stderr: streams[1].data, stopReason: nil))
        }

        private func pollOnce(timeoutMilliseconds: Int32) {
            var fds = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            for stream in streams where stream.fd >= 0 { fds.append(pollfd(fd: stream.fd, events: Int16(POLLIN), revents: 0)) }
            if stdin >= 0 { fds.append(pollfd(fd: stdin, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
            guard ready > 0 else { return }
            for entry in fds where entry.revents != 0 {
                if entry.fd == wake {
                    var sink = [UInt8](repeating: 0, count: 16)
                    _ = read(wake, &sink, sink.count)
                } else if entry.fd == stdin {
                    feedStdin(hungUp: entry.revents & Int16(POLLHUP | POLLERR) != 0)
                } else if let index = streams.firstIndex(where: { $0.fd == entry.fd }) {
                    readStream(index)
                }
            }
        }

        private func readStream(_ index: Int) {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = read(streams[index].fd, &buffer, buffer.count)
            if count < 0 && (errno == EINTR || errno == EAGAIN) { return }
            guard count > 0 else {
                close(streams[index].fd)
                streams[index].fd = -1
                return
            }
            let chunk = Data(buffer[0..<count])
            streams[index].data.append(chunk)
            guard let onLine else { return }
            streams[index].partial.append(chunk)
            while let newline = streams[index].partial.firstIndex(of: UInt8(ascii: "\n")) {
                let partial = streams[index].partial
                onLine(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
                streams[index].partial = Data(partial[partial.index(after: newline)...])
            }
        }

        private func flushPartial(_ index: Int) {
            guard let onLine, !streams[index].partial.isEmpty else { return }
            onLine(String(decoding: streams[index].partial, as: UTF8.self))
            streams[index].partial = Data()
        }

        private func feedStdin(hungUp: Bool) {
            guard !hungUp else { return closeStdin() }
            let sent = pending.withUnsafeBytes { bytes in send(stdin, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { pending.removeFirst(sent) }
            if sent < 0 && errno != EAGAIN && errno != EINTR { pending.removeAll() }
            if pending.isEmpty { closeStdin() }
        }

        private func closeStdin() {
            guard stdin >= 0 else { return }
            close(stdin)
            stdin = -1
        }

        /// The child's status when it has ended (reaping it), nil while it runs.
        private func reap(_ pid: pid_t) -> Int32? {
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid { return Self.status(raw) }
            if result < 0 && errno == ECHILD { return -1 }
            return nil
        }

        private func reapBlocking(_ pid: pid_t) -> Int32 {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 {
                if errno != EINTR { return -1 }
            }
            return Self.status(raw)
        }

        /// The exit code, or 128 + the signal that ended it, as a shell reports it.
        static func status(_ raw: Int32) -> Int32 {
            let signal = raw & 0x7f
            return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
        }
    }
}
