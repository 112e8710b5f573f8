import Deploy
import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a command's work so that SIGINT (Ctrl-C) and SIGTERM cancel it instead of killing the
/// process: the work sees a cancellation, stops its child processes and cleans up, and the command
/// then exits 130 saying what was undone.
enum SignalCancellation {
    /// The exit status of a command stopped by a signal (128 + SIGINT, as shells report it).
    static let cancelledStatus: Int32 = 130

    static func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await work() }
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        return try await task.value
    }
}
