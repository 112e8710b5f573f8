import Foundation
import JSON
import Testing
@testable import Notify

@Suite struct JSONBodyParserTests {
    func parse(_ text: String) throws -> JSONValue {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBytes { try JSONBodyParser.parse(UnsafeRawBufferPointer($0)) }
    }

    static let valid = [
        #"{"guid":"g","type":"status","message":"hi"}"#,
        " \n\t{ \"a\" : [ 1 , -2.5e3 , 0.125 , true , false , null , { } , [ ] ] } \r\n",
        #"{"s":"quote \" backslash \\ slash \/ \b\f\n\r\t \u00e9 \u20AC \ud83d\ude00 ü"}"#,
        #"[-0, 0, 1E2, 1e-2, 123456789012345678901234567890]"#,
        #""just a string""#, "42", "null", "true",
    ]

    @Test(arguments: valid)
    func agreesWithFoundation(_ text: String) throws {
        #expect(try parse(text) == (try JSONValue(parsing: text)))
    }

    static let invalid = [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{a:1}", "{'a':1}", "[01]", "[1.]", "[.5]", "[1e]", "[-]", "[+1]",
        "tru", "nul", "[True]", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
        "\"tab\there\"", "[1] [2]", "{\"a\" 1}", "[1e999]", "[NaN]", "[Infinity]",
        String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
    ]

    @Test(arguments: invalid)
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONBodyParser.Failure.self) { try parse(text) }
    }

    @Test func refusesInvalidUTF8() {
        var bytes: [UInt8] = Array("{\"a\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        #expect(throws: JSONBodyParser.Failure.self) {
            try bytes.withUnsafeMutableBytes { try JSONBodyParser.parse(UnsafeRawBufferPointer($0)) }
        }
    }

    @Test func whatItAcceptsFoundationReadsTheSame() throws {
        var random = SplitMix64(state: 42)
        var accepted = 0
        for _ in 0..<3000 {
            let text = NotifyFuzzTests.mutate(NotifyFuzzTests.seeds.randomElement(using: &random)!, &random)
            guard let mine = try? parse(text) else { continue }
            accepted += 1
            #expect(mine == (try? JSONValue(parsing: text)), "\(text.debugDescription)")
        }
        #expect(accepted > 0)
    }
}
