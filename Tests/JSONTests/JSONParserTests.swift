import Foundation
import JSON
import Testing

/// The hand-written parser and writer against Foundation's `JSONDecoder` and `JSONEncoder`.
@Suite struct JSONParserTests {
    static func parse(_ text: String, maxDepth: Int = JSONParser.defaultMaxDepth) throws -> JSONValue {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBytes { try JSONParser.parse(UnsafeRawBufferPointer($0), maxDepth: maxDepth) }
    }

    static func foundation(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static let valid = [
        #"{"guid":"g","type":"status","message":"hi"}"#,
        " \n\t{ \"a\" : [ 1 , -2.5e3 , 0.125 , true , false , null , { } , [ ] ] } \r\n",
        #"{"s":"quote \" backslash \\ slash \/ \b\f\n\r\t \u00e9 \u20AC \ud83d\ude00 ü"}"#,
        #"[-0, 0, 1E2, 1e-2, 12345678901234567890.5]"#,
        #"{"a":1,"a":2}"#,
        #""just a string""#, "42", "null", "true",
        String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
    ]

    @Test(arguments: valid)
    func agreesWithFoundation(_ text: String) throws {
        let (mine, theirs) = (try Self.parse(text), try Self.foundation(text))
        #expect(mine == theirs, "\(mine) vs Foundation's \(theirs)")
        #expect(try JSONValue(parsing: text) == (try Self.foundation(text)))
        #expect(try JSONValue(parsing: Data(text.utf8)) == (try Self.foundation(text)))
    }

    static let invalid = [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{a:1}", "{'a':1}", "[01]", "[1.]", "[.5]", "[1e]", "[-]", "[+1]",
        "tru", "nul", "[True]", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
        "\"tab\there\"", "[1] [2]", "{\"a\" 1}", "[1e999]", "[NaN]", "[Infinity]",
    ]

    @Test(arguments: invalid)
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try Self.parse(text) }
        #expect(throws: (any Error).self) { try JSONValue(parsing: text) }
    }

    @Test func nestingStopsAtTheGivenDepth() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let failure = try #require(throws: JSONParser.Failure.self) { try Self.parse(deep, maxDepth: 64) }
        #expect(failure.description.contains("nested deeper than 64"))
        #expect(try Self.parse(deep) == (try Self.foundation(deep)))
    }

    @Test func refusesInvalidUTF8AndSaysWhere() throws {
        var bytes: [UInt8] = Array("{\"a\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        let failure = try #require(throws: JSONParser.Failure.self) {
            try bytes.withUnsafeMutableBytes { try JSONParser.parse(UnsafeRawBufferPointer($0)) }
        }
        #expect(failure.offset == 6)
        #expect(failure.description == "a string is not valid UTF-8 at byte 6")
    }

    // MARK: - Writing

    static let values: [JSONValue] = [
        ["s3Bucket": "tmux-builder-1", "nested": ["a": [1, 2.5, -0.125, 1e-7, 12345678901234, 1e300, true, false, nil]]],
        ["text": "quote \" backslash \\ slash / newline \n tab \t return \r bell \u{7} nul \u{0} del \u{7F} é € 😀 \u{2028}"],
        ["z": 1, "a": 2, "B": 3, "a10": 4, "a9": 5, "é": 6, "": 7],
        [], [:], "plain", 42, -3.75, 0.1, nil, true,
    ]

    /// Where the writer differs from `JSONEncoder` on purpose: it keeps the sign of zero and every
    /// digit of an integer a double holds beyond 2^53 (Foundation writes `-0` and `1.8e+19`).
    @Test func writesNegativeZeroAndBigIntegersSoTheyReadBackTheSame() throws {
        #expect(JSONValue.number(-0.0).encodedString() == "-0.0")
        #expect(JSONValue.number(18_446_744_073_709_549_568.0).encodedString() == "18446744073709549568")
        for value in [JSONValue.number(-0.0), .number(18_446_744_073_709_549_568.0), .number(-9_007_199_254_740_994.0)] {
            let back = try JSONValue(parsing: value.encoded())
            #expect(back == value && back.doubleValue?.sign == value.doubleValue?.sign)
        }
    }

    @Test(arguments: values)
    func writesWhatFoundationWritesWithSortedKeys(_ value: JSONValue) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(value.encodedString() == String(decoding: try encoder.encode(value), as: UTF8.self))
        #expect(try JSONValue(parsing: value.encoded()) == value)
        #expect(try JSONValue(parsing: Data(value.encodedBytes(sortedKeys: false))) == value)
    }

    @Test func randomValuesRoundTripAndMatchFoundation() throws {
        var random = SystemRandomNumberGenerator()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func make(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &random) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &random))
            case 2: return .number(Bool.random(using: &random) ? Double(Int.random(in: -1_000_000...1_000_000, using: &random)) : Double.random(in: -1e6...1e6, using: &random))
            case 3, 4:
                let scalars = (0..<Int.random(in: 0...8, using: &random)).compactMap { _ in Unicode.Scalar(UInt32.random(in: 0...0x2FF, using: &random)) }
                return .string(String(String.UnicodeScalarView(scalars)))
            case 5: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in make(depth + 1) })
            default:
                return .object(Dictionary((0..<Int.random(in: 0...4, using: &random)).map { index in ("k\(index)\(Int.random(in: 0...99, using: &random))", make(depth + 1)) }) { a, _ in a })
            }
        }
        for _ in 0..<500 {
            let value = make(0)
            let text = value.encodedString()
            let expected = String(decoding: try encoder.encode(value), as: UTF8.self)
            #expect(text == expected, "\(text) vs Foundation's \(expected)")
            #expect(try JSONValue(parsing: text) == value, "\(text)")
        }
    }
}
