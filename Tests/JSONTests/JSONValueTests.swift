import Foundation
import JSON
import Testing

@Suite struct JSONValueTests {
    @Test func roundTripsEveryKind() throws {
        let text = #"{"a":[1,2.5,"x",true,null],"b":{"c":"d"}}"#
        let value = try JSONValue(parsing: text)
        #expect(value["a"]?.arrayValue?.count == 5)
        #expect(value["a"]?.arrayValue?[0].intValue == 1)
        #expect(value["a"]?.arrayValue?[1].intValue == nil)
        #expect(value["b"]?["c"]?.stringValue == "d")
        #expect(try JSONValue(parsing: value.encoded()) == value)
    }

    @Test func encodesWithSortedKeysAndIntegersWithoutFraction() {
        let value: JSONValue = ["z": 1, "a": "/path", "m": 1.5]
        #expect(value.encodedString() == #"{"a":"/path","m":1.5,"z":1}"#)
    }

    @Test func namesTypesAsJSONSchemaDoes() {
        #expect(JSONValue.number(3).typeName == "integer")
        #expect(JSONValue.number(3.5).typeName == "number")
        #expect(JSONValue.null.typeName == "null")
        #expect(JSONValue.object([:]).typeName == "object")
    }

    @Test func rejectsMalformedText() {
        #expect(throws: (any Error).self) { try JSONValue(parsing: "{\"a\":") }
    }
}
