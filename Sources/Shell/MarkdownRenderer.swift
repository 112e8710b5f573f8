import Foundation

/// Renders Claude's markdown as it streams in: headings, bold, inline code, fenced code blocks,
/// lists and quotes, with no full-screen redraw.
///
/// Text is shown the moment it arrives; when a line is complete and styling changes it, that one
/// line is rewritten in place (carriage return, clear line), which is safe while it fits the
/// terminal's width. Without colour the text passes through unchanged: markdown source is already
/// readable, and a pipe or `NO_COLOR` terminal gets exactly what Claude wrote.
public struct MarkdownRenderer: Sendable {
    public var style: TerminalStyle
    /// The terminal's columns: a line longer than this has wrapped and is not rewritten.
    public var width: Int
    private var pending = ""
    /// How many characters of `pending` are already on the screen, unstyled.
    private var shown = 0
    private var inFence = false
    private var fenceMarker = ""

    public init(style: TerminalStyle, width: Int = 80) {
        self.style = style
        self.width = width
    }

    /// Takes a piece of streamed text; returns what to write now: finished lines rendered, and the
    /// start of the unfinished one as it stands.
    public mutating func append(_ delta: String) -> String {
        pending += delta
        var out = ""
        while let newline = pending.firstIndex(of: "\n") {
            let line = String(pending[..<newline])
            pending = String(pending[pending.index(after: newline)...])
            out += complete(line)
        }
        if pending.count > shown {
            out += pending.dropFirst(shown)
            shown = pending.count
        }
        return out
    }

    /// Ends the stream: finishes the last line (with a newline) and resets.
    public mutating func finish() -> String {
        defer {
            pending = ""
            shown = 0
            inFence = false
            fenceMarker = ""
        }
        guard !pending.isEmpty else { return "" }
        return complete(pending)
    }

    /// Whether a line has been started and not finished.
    public var hasPendingText: Bool { !pending.isEmpty }

    /// The finished `line`, given that its first `shown` characters are already on the screen.
    private mutating func complete(_ line: String) -> String {
        let rendered = render(line: line)
        defer { shown = 0 }
        if shown == 0 { return rendered + "\n" }
        if rendered == line || shown >= width {
            // Nothing to restyle, or the raw text has wrapped: finish it as it is.
            return String(line.dropFirst(shown)) + "\n"
        }
        return "\r\u{1B}[2K" + rendered + "\n"
    }

    /// Renders one whole line, tracking whether it is inside a fenced code block.
    public mutating func render(line: String) -> String {
        let trimmed = line.drop { $0 == " " }
        if let marker = Self.fence(in: trimmed) {
            if !inFence {
                inFence = true
                fenceMarker = marker
                return style.dim(line)
            }
            if trimmed.hasPrefix(fenceMarker) && trimmed.dropFirst(fenceMarker.count).allSatisfy({ $0 == " " }) {
                inFence = false
                return style.dim(line)
            }
        }
        guard style.colors else { return line }
        if inFence { return style.code(line) }
        return renderBlock(line)
    }

    // MARK: - Blocks

    private static func fence(in text: Substring) -> String? {
        for marker in ["```", "~~~"] where text.hasPrefix(marker) {
            let run = text.prefix { $0 == marker.first }
            return String(run)
        }
        return nil
    }

    private func renderBlock(_ line: String) -> String {
        let indent = String(line.prefix { $0 == " " })
        let body = line.dropFirst(indent.count)

        // # Heading
        let hashes = body.prefix { $0 == "#" }
        if (1...6).contains(hashes.count), body.dropFirst(hashes.count).first == " " {
            let text = body.dropFirst(hashes.count + 1)
            return indent + style.heading(renderInline(String(text), base: "1;4"))
        }
        // - item, * item, + item
        if let first = body.first, "-*+".contains(first), body.dropFirst().first == " " {
            let text = String(body.dropFirst(2))
            // A line of dashes or stars is a rule, not an item.
            if text.allSatisfy({ $0 == first || $0 == " " }) && !text.isEmpty {
                return style.dim(line)
            }
            return indent + style.blue("•") + " " + renderInline(text)
        }
        // 1. item
        let digits = body.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, body.dropFirst(digits.count).hasPrefix(". ") {
            let text = String(body.dropFirst(digits.count + 2))
            return indent + style.blue(String(digits) + ".") + " " + renderInline(text)
        }
        // > quote
        if body.hasPrefix(">") {
            return indent + style.dim("│") + " " + renderInline(String(body.dropFirst().drop { $0 == " " }))
        }
        if body.count >= 3, body.allSatisfy({ $0 == "-" }) || body.allSatisfy({ $0 == "*" }) || body.allSatisfy({ $0 == "_" }) {
            return style.dim(line)
        }
        return indent + renderInline(String(body))
    }

    // MARK: - Inline

    /// Renders `code` spans and **bold** / __bold__ runs; markers without a partner stay as typed.
    /// `base` is an SGR code to restore after a span (a heading keeps its style around inline code).
    func renderInline(_ text: String, base: String? = nil) -> String {
        var out = ""
        var index = text.startIndex
        let restore = base.map { "\u{1B}[\($0)m" } ?? ""
        while index < text.endIndex {
            let rest = text[index...]
            if rest.hasPrefix("`") {
                let ticks = rest.prefix { $0 == "`" }
                let afterOpen = rest.dropFirst(ticks.count)
                if let close = afterOpen.range(of: String(ticks)) {
                    let inner = afterOpen[..<close.lowerBound]
                    out += style.code(String(inner)) + restore
                    index = close.upperBound
                    continue
                }
                out += ticks
                index = ticks.endIndex
                continue
            }
            if rest.hasPrefix("**") || rest.hasPrefix("__") {
                let marker = String(rest.prefix(2))
                let afterOpen = rest.dropFirst(2)
                if let first = afterOpen.first, first != " ", let close = afterOpen.range(of: marker), close.lowerBound > afterOpen.startIndex {
                    let inner = String(afterOpen[..<close.lowerBound])
                    out += style.bold(renderInline(inner, base: base.map { $0 + ";1" } ?? "1")) + restore
                    index = close.upperBound
                    continue
                }
                out += marker
                index = afterOpen.startIndex
                continue
            }
            out.append(rest[rest.startIndex])
            index = text.index(after: index)
        }
        return out
    }
}
