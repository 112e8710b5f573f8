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
    private let handlers = Mutex<[Int: @Sendable () -> Void]>([:])
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

    /// Calls `handler` on every interrupt until `removeHandler` is called with the returned id.
    /// Interrupts while no handler is registered are dropped.
    public func addHandler(_ handler: @escaping @Sendable () -> Void) -> Int {
        let id = nextID.add(1, ordering: .relaxed).newValue
        handlers.withLock { $0[id] = handler }
        return id
    }

    public func removeHandler(_ id: Int) {
        _ = handlers.withLock { $0.removeValue(forKey: id) }
    }

    /// Delivers one interrupt to every handler, before returning: a turn is cancelled by the time
    /// `fire()` returns, so nothing more of it starts.
    public func fire() {
        let current = handlers.withLock { Array($0.values) }
        for handler in current { handler() }
    }
}
