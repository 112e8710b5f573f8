import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C while a turn runs. The REPL listens during a turn and cancels it; tests fire it by hand.
///
/// `sigint()` routes SIGINT here instead of killing the process. While a line is being edited
/// libedit turns the terminal's signal keys off, so Ctrl-C at the prompt is a key, not a signal.
public final class InterruptSignal: Sendable {
    private let listeners = Mutex<[Int: AsyncStream<Void>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)
    /// Kept alive for as long as SIGINT is routed here; only touched in `init`.
    private nonisolated(unsafe) let source: (any DispatchSourceSignal)?

    public init() {
        source = nil
    }

    private init(routing signalNumber: Int32) {
        _ = signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        self.source = source
        source.setEventHandler { [weak self] in self?.fire() }
        source.resume()
    }

    /// An `InterruptSignal` fed by SIGINT (the process no longer dies of it).
    public static func sigint() -> InterruptSignal {
        InterruptSignal(routing: SIGINT)
    }

    /// Interrupts from now on, until the stream is dropped. Interrupts nobody listens to are lost.
    public func stream() -> AsyncStream<Void> {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0.removeValue(forKey: id) }
        }
        listeners.withLock { $0[id] = continuation }
        return stream
    }

    /// Delivers one interrupt to every listener.
    public func fire() {
        let current = listeners.withLock { Array($0.values) }
        for continuation in current { continuation.yield() }
    }
}
