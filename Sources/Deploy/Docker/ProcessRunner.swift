import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program with Foundation's `Process`, capturing its output, with a timeout and cancellation.
///
/// The clock is injected so timeouts are testable; cancelling the calling task stops the process.
public struct ProcessRunner: Sendable {
    /// The environment programs run with; nil inherits deployotron's.
    public var environment: [String: String]?
    public var clock: any Clock<Duration>

    public init(environment: [String: String]? = nil, clock: any Clock<Duration> = ContinuousClock()) {
        self.environment = environment
        self.clock = clock
    }

    /// Runs `executable` (a path, or a name looked up on PATH) and waits for it.
    ///
    /// - Parameter onLine: called with each line of stdout and stderr as it arrives, for progress.
    public func run(
        _ executable: String, _ arguments: [String], workingDirectory: URL? = nil, timeout: Duration? = nil,
        onLine: (@Sendable (String) -> Void)? = nil
    ) async throws -> ProcessOutput {
        let environment = self.environment ?? ProcessInfo.processInfo.environment
        guard let path = Self.resolve(executable, path: environment["PATH"]) else {
            throw DeployError(.docker, "\(executable) was not found on PATH: install it (for docker: Docker Engine with the compose plugin) or set its path")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw DeployError(.docker, "could not start \(path): \(error.localizedDescription)")
        }
        let running = RunningProcess(process)

        let outcome: (Int32, Data, Data, Bool) = try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: (Int32, Data, Data, Bool)?.self) { group in
                let outHandle = stdout.fileHandleForReading, errHandle = stderr.fileHandleForReading
                group.addTask {
                    async let out = Self.drain(outHandle, onLine: onLine)
                    async let err = Self.drain(errHandle, onLine: onLine)
                    let (outData, errData) = await (out, err)
                    let status = await running.waitForExit()
                    return (status, outData, errData, running.wasTimedOut)
                }
                if let timeout {
                    let clock = self.clock
                    group.addTask {
                        try await clock.sleep(for: timeout)
                        running.stop(timedOut: true)
                        return nil
                    }
                }
                while let result = try await group.next() {
                    if let result {
                        group.cancelAll()
                        return result
                    }
                }
                throw DeployError(.docker, "\(executable) ended without a status")
            }
        } onCancel: {
            running.stop(timedOut: false)
        }
        try Task.checkCancellation()
        return ProcessOutput(
            exitCode: outcome.0, stdout: String(decoding: outcome.1, as: UTF8.self),
            stderr: String(decoding: outcome.2, as: UTF8.self), timedOut: outcome.3
        )
    }

    /// Reads `handle` to its end on a thread of its own, reporting complete lines.
    static func drain(_ handle: FileHandle, onLine: (@Sendable (String) -> Void)?) async -> Data {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                var all = Data()
                var partial = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    all.append(chunk)
                    if let onLine {
                        partial.append(chunk)
                        while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                            onLine(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
                            partial = Data(partial[partial.index(after: newline)...])
                        }
                    }
                }
                if let onLine, !partial.isEmpty { onLine(String(decoding: partial, as: UTF8.self)) }
                continuation.resume(returning: all)
            }
            thread.start()
        }
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
}

/// A started process that a timeout or a cancellation may stop; its state is behind a mutex.
private final class RunningProcess: Sendable {
    private struct State {
        var timedOut = false
        var exitStatus: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private let pid: Int32
    private let state = Mutex(State())

    /// `process` must have been started.
    init(_ process: Process) {
        pid = process.processIdentifier
        // Wait for exit on a thread of our own: `Process` itself is not Sendable.
        nonisolated(unsafe) let process = process
        let thread = Thread { [self] in
            process.waitUntilExit()
            let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
            let waiters = state.withLock { state -> [CheckedContinuation<Int32, Never>] in
                state.exitStatus = status
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: status) }
        }
        thread.start()
    }

    var wasTimedOut: Bool { state.withLock { $0.timedOut } }

    func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state -> Int32? in
                if let status = state.exitStatus { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// SIGTERM now, SIGKILL two seconds later if it is still running.
    func stop(timedOut: Bool) {
        let alive = state.withLock { state -> Bool in
            if timedOut { state.timedOut = true }
            return state.exitStatus == nil
        }
        guard alive else { return }
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) { [self] in
            if state.withLock({ $0.exitStatus == nil }) { kill(pid, SIGKILL) }
        }
    }
}
