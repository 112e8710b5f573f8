import Foundation
import HTTPTypes
import JSON
import Ledger
import NIOCore

/// Reads one `POST /notify` body into a `NotifyEvent`, or says exactly what is wrong with it.
public enum NotifyEventParser {
    /// Guids longer than this many bytes are refused: no agent needs one, and they would bloat every index.
    public static let maxGuidLength = ProjectGuid.maxLength
    /// No report needs deeper nesting; the limit keeps a hostile body from costing much.
    public static let maxDepth = 64

    public static func parse(_ body: ByteBuffer) throws -> NotifyEvent {
        let parsed = body.withUnsafeReadableBytes { bytes in
            Result { () throws(JSONParser.Failure) -> JSONValue in try JSONParser.parse(bytes, maxDepth: maxDepth) }
        }
        switch parsed {
        case .success(let value):
            return try parse(value)
        case .failure(let failure):
            throw NotifyError(.badRequest, "the body is not valid JSON (\(failure)); send {\"guid\":G,\"type\":T,\"message\":M} or {\"guid\":G,\"type\":\"resources\",\"data\":{...}}")
        }
    }

    public static func parse(_ value: JSONValue) throws -> NotifyEvent {
        guard let object = value.objectValue else {
            throw NotifyError(.badRequest, "the body must be a JSON object, not \(value.typeName)")
        }
        guard let guidValue = object["guid"] else {
            throw NotifyError(.badRequest, "missing \"guid\": name the project the event belongs to")
        }
        guard let guid = guidValue.stringValue else {
            throw NotifyError(.badRequest, "\"guid\" must be a string, not \(guidValue.typeName)")
        }
        guard ProjectGuid.isValid(guid) else {
            // Bytes, not characters: "e" and 5000 combining accents is one character.
            throw NotifyError(.badRequest, "\"guid\" must be \(ProjectGuid.rule) (got \(guid.utf8.count) bytes); deployotron's own guids are lowercase UUIDs")
        }
        guard let typeValue = object["type"] else {
            throw NotifyError(.badRequest, "missing \"type\": one of \(kindList)")
        }
        guard let typeName = typeValue.stringValue else {
            throw NotifyError(.badRequest, "\"type\" must be a string, not \(typeValue.typeName)")
        }
        guard let kind = EventKind(rawValue: typeName) else {
            throw NotifyError(.badRequest, "unknown type \"\(typeName.prefix(64))\": expected one of \(kindList)")
        }
        if kind == .resources {
            guard let dataValue = object["data"] else {
                throw NotifyError(.badRequest, "a resources event needs \"data\": a JSON object of what was created")
            }
            guard let data = dataValue.objectValue else {
                throw NotifyError(.badRequest, "\"data\" of a resources event must be a JSON object, not \(dataValue.typeName)")
            }
            if data.keys.contains("") {
                throw NotifyError(.badRequest, "every key of \"data\" names a resource and must not be empty, e.g. {\"s3Bucket\": \"...\"}")
            }
            if let name = data.keys.first(where: { !isNFC($0) }) {
                // A report merges into earlier ones by name, compared as bytes: two spellings of one
                // name would make two resources that look alike.
                throw NotifyError(.badRequest, "the resource name \(JSONValue.string(String(name.prefix(64))).encodedString()) is not in Unicode NFC; send names precomposed (NFC)")
            }
            return NotifyEvent(guid: guid, kind: kind, data: data)
        }
        switch object["message"] {
        case nil, .null?:
            return NotifyEvent(guid: guid, kind: kind, message: nil)
        case .string(let message)?:
            return NotifyEvent(guid: guid, kind: kind, message: message)
        case let other?:
            throw NotifyError(.badRequest, "\"message\" must be a string, not \(other.typeName)")
        }
    }

    /// Whether a name is in Unicode Normalization Form C; ASCII always is.
    static func isNFC(_ name: String) -> Bool {
        name.utf8.allSatisfy { $0 < 0x80 } || name.precomposedStringWithCanonicalMapping.utf8.elementsEqual(name.utf8)
    }

    static let kindList = EventKind.allCases.map(\.rawValue).joined(separator: ", ")
}
