import Dispatch
import Foundation
import Synchronization

/// The terminal's `LineReader`: libedit, run on a thread of its own because `el_gets` blocks.
///
/// The `LineEditor` is created on that thread and never leaves it; callers hand requests over
/// and await the answer, so the REPL and the permission prompt can share one reader.
public final class EditLineReader: LineReader {
    private let queue = RequestQueue()

    /// - Parameters:
    ///   - historyFile: where the history is kept across sessions (mode 0600); nil keeps none.
    ///   - historyLimit: how many lines the history keeps.
    ///   - complete: what Tab offers for the text before the cursor.
    public init(historyFile: URL?, historyLimit: Int = 1000, complete: @escaping @Sendable (String) -> Completion = { _ in .none }) {
        let configuration = LineEditor.Configuration(historyFile: historyFile, historyLimit: historyLimit, complete: complete)
        let thread = Thread { [queue] in
            let editor = LineEditor(configuration: configuration)
            while true {
                switch queue.next() {
                case .read(let prompt, let continuation):
                    continuation.resume(returning: editor.read(prompt: prompt))
                case .addHistory(let line, let continuation):
                    editor.addHistory(line)
                    continuation.resume()
                }
            }
        }
        thread.name = "deployotron.line-editor"
        thread.start()
    }

    public func readLine(prompt: String) async -> LineReaderResult {
        await withCheckedContinuation { continuation in
            queue.submit(.read(prompt: prompt, continuation))
        }
    }

    public func addHistory(_ line: String) async {
        await withCheckedContinuation { continuation in
            queue.submit(.addHistory(line, continuation))
        }
    }
}

/// Requests for the line editor's thread, in order.
private final class RequestQueue: Sendable {
    enum Request: Sendable {
        case read(prompt: String, CheckedContinuation<LineReaderResult, Never>)
        case addHistory(String, CheckedContinuation<Void, Never>)
    }

    private let requests = Mutex<[Request]>([])
    private let pending = DispatchSemaphore(value: 0)

    func submit(_ request: Request) {
        requests.withLock { $0.append(request) }
        pending.signal()
    }

    /// Blocks the calling thread until a request comes.
    func next() -> Request {
        while true {
            pending.wait()
            if let request = requests.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return request }
        }
    }
}
