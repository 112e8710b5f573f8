import CEditLine
import Foundation
import Locations

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The libedit line editor: emacs keys, history (Up/Down, Ctrl-R), Tab completion, and a Ctrl-C
/// that cancels the line instead of raising SIGINT.
///
/// Not `Sendable`: it lives on `EditLineReader`'s thread from creation to end, because `el_gets`
/// blocks and libedit is not thread-safe.
final class LineEditor {
    struct Configuration: Sendable {
        var historyFile: URL?
        /// How many lines the history keeps, in memory and on disk.
        var historyLimit: Int
        var complete: @Sendable (String) -> Completion
    }

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let configuration: Configuration
    private var promptText: UnsafeMutablePointer<CChar>
    /// Set by the Ctrl-C binding on an empty line, read once `el_gets` returns.
    fileprivate var interrupted = false

    init(configuration: Configuration) {
        self.configuration = configuration
        deployotron_set_utf8_locale()
        editLine = deployotron_el_init(CommandLine.arguments.first ?? "deployotron")
        history = history_init()
        promptText = strdup("> ")

        var event = HistEvent()
        _ = deployotron_history_set_size(history, &event, Int32(max(1, configuration.historyLimit)))
        _ = deployotron_history_set_unique(history, &event, 1)
        if let file = configuration.historyFile, FileManager.default.fileExists(atPath: file.path) {
            _ = deployotron_history_load(history, &event, file.path)
        }

        _ = deployotron_el_set_editor(editLine, "emacs")
        _ = deployotron_el_set_history(editLine, history)
        _ = deployotron_el_set_signal(editLine, 1)
        _ = deployotron_el_set_prompt(editLine, lineEditorPrompt)
        _ = deployotron_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        // Ctrl-C while editing is a key, not a signal: it clears the line, or on an empty one ends the read.
        _ = deployotron_el_settty(editLine, "-d", "-isig")
        _ = deployotron_el_add_function(editLine, "deployotron-complete", "Complete a slash command or its argument", lineEditorComplete)
        _ = deployotron_el_add_function(editLine, "deployotron-interrupt", "Clear the line, or interrupt on an empty one", lineEditorInterrupt)
        _ = deployotron_el_bind(editLine, "^I", "deployotron-complete")
        _ = deployotron_el_bind(editLine, "^C", "deployotron-interrupt")
        _ = deployotron_el_bind(editLine, "^R", "em-inc-search-prev")
    }

    deinit {
        el_end(editLine)
        history_end(history)
        free(promptText)
    }

    /// Blocks until the user ends a line, presses Ctrl-C on an empty line, or Ctrl-D.
    func read(prompt: String) -> LineReaderResult {
        free(promptText)
        promptText = strdup(prompt)
        interrupted = false
        var count: Int32 = 0
        guard let raw = el_gets(editLine, &count), count > 0 else {
            if interrupted {
                // The terminal still shows what was typed; move below it.
                FileHandle.standardOutput.write(Data("^C\n".utf8))
                return .interrupted
            }
            return .endOfFile
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Adds `line` to the history and saves the history file (mode 0600, at most `historyLimit` lines).
    func addHistory(_ line: String) {
        var event = HistEvent()
        _ = deployotron_history_enter(history, &event, line)
        guard let file = configuration.historyFile else { return }
        do {
            try UserDirectories.makePrivateDirectory(file.deletingLastPathComponent())
            // Create it private before libedit writes it, so it is never readable by others.
            let fd = open(file.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            if fd >= 0 {
                _ = fchmod(fd, 0o600)
                close(fd)
            }
            _ = deployotron_history_save(history, &event, file.path)
            _ = chmod(file.path, 0o600)
        } catch {
            // History is a convenience: a read-only state folder must not stop the session.
        }
    }

    // MARK: - Callbacks

    fileprivate var prompt: UnsafeMutablePointer<CChar> { promptText }

    fileprivate func complete() -> UInt8 {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = deployotron_el_text_before_cursor(editLine, &buffer, Int32(buffer.count))
        guard length >= 0 else { return UInt8(CC_ERROR) }
        let before = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let completion = configuration.complete(before)
        guard !completion.candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        let insertion = completion.insertion
        if !insertion.isEmpty {
            _ = el_insertstr(editLine, insertion)
            return UInt8(CC_REFRESH)
        }
        // Several fit and they share nothing more: list them under the line.
        let list = completion.candidates.joined(separator: "  ")
        FileHandle.standardOutput.write(Data("\n\(list)\n".utf8))
        return UInt8(CC_REDISPLAY)
    }

    fileprivate func interrupt() -> UInt8 {
        if deployotron_el_line_is_empty(editLine) != 0 {
            interrupted = true
            return UInt8(CC_EOF)
        }
        deployotron_el_clear_line(editLine)
        return UInt8(CC_REFRESH)
    }

    fileprivate static func owner(of editLine: OpaquePointer?) -> LineEditor? {
        guard let editLine, let data = deployotron_el_get_clientdata(editLine) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
    }
}

// libedit calls C functions; these find their `LineEditor` through the client data.

private func lineEditorPrompt(_ editLine: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    LineEditor.owner(of: editLine)?.prompt
}

private func lineEditorComplete(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    LineEditor.owner(of: editLine)?.complete() ?? UInt8(CC_ERROR)
}

private func lineEditorInterrupt(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    LineEditor.owner(of: editLine)?.interrupt() ?? UInt8(CC_EOF)
}
