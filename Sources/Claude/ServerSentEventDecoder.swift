/// Turns the bytes of a `text/event-stream` into events, whatever the chunking.
///
/// A state machine: `feed` any number of bytes (one at a time is fine) and get back the events they
/// complete; `finish` at end of stream. It follows the WHATWG parsing rules: CR, LF and CRLF line
/// ends (a CRLF split across two chunks counts once), a leading UTF-8 BOM skipped, `:` comment lines
/// ignored, one space after the colon removed, `data:` lines joined with "\n", unknown fields
/// ignored. One deliberate difference: an event still pending at end of stream (no blank line after
/// it) is dispatched, because the Messages API's last event may lack the final newline.
public struct ServerSentEventDecoder: Sendable {
    private var line: [UInt8] = []
    private var afterCR = false
    private var atStart = true
    private var bomBytesSeen = 0
    private var eventType: String?
    private var data = ""
    private var hasData = false
    private var lastEventID: String?
    private var retry: Int?

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    public init() {}

    /// Consumes `bytes` and returns the events they complete, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if atStart {
                // Hold back a possible BOM until it is complete or ruled out.
                if byte == Self.bom[bomBytesSeen] {
                    bomBytesSeen += 1
                    if bomBytesSeen == Self.bom.count { atStart = false }
                    continue
                }
                atStart = false
                let held = Self.bom.prefix(bomBytesSeen)
                bomBytesSeen = 0
                for heldByte in held { consume(heldByte, into: &events) }
            }
            consume(byte, into: &events)
        }
        return events
    }

    /// Ends the stream: the last line and the pending event, if any, are dispatched.
    public mutating func finish() -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if atStart, bomBytesSeen > 0 {
            atStart = false
            let held = Self.bom.prefix(bomBytesSeen)
            for heldByte in held { consume(heldByte, into: &events) }
        }
        if !line.isEmpty {
            process(line: line, into: &events)
            line = []
        }
        dispatch(into: &events)
        afterCR = false
        return events
    }

    private mutating func consume(_ byte: UInt8, into events: inout [ServerSentEvent]) {
        switch byte {
        case UInt8(ascii: "\n"):
            if afterCR {
                afterCR = false  // the LF of a CRLF
                return
            }
            endLine(into: &events)
        case UInt8(ascii: "\r"):
            afterCR = true
            endLine(into: &events)
        default:
            afterCR = false
            line.append(byte)
        }
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        let current = line
        line.removeAll(keepingCapacity: true)
        process(line: current, into: &events)
    }

    private mutating func process(line: [UInt8], into events: inout [ServerSentEvent]) {
        if line.isEmpty {
            dispatch(into: &events)
            return
        }
        if line.first == UInt8(ascii: ":") { return }
        let field: [UInt8]
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = Array(line[..<colon])
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line
            value = []
        }
        let text = String(decoding: value, as: UTF8.self)
        switch String(decoding: field, as: UTF8.self) {
        case "event":
            eventType = text
        case "data":
            if hasData { data += "\n" }
            data += text
            hasData = true
        case "id":
            if !value.contains(0) { lastEventID = text }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                retry = Int(text)
            }
        default:
            break
        }
    }

    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        defer {
            eventType = nil
            data = ""
            hasData = false
            retry = nil
        }
        guard hasData else { return }
        events.append(ServerSentEvent(event: eventType.flatMap { $0.isEmpty ? nil : $0 }, data: data, id: lastEventID, retry: retry))
    }
}
