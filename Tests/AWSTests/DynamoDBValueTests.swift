import Foundation
import JSON
import Testing
@testable import AWS

@Suite struct DynamoDBValueTests {
    @Test func jsonBecomesDynamoDBTypesAndBack() throws {
        let json: JSONValue = [
            "s3Bucket": "tmux-builder-1234", "port": 8080, "ratio": 0.25, "public": true, "nothing": nil,
            "tags": ["a", 1], "nested": ["deep": ["x": "y"]],
        ]
        let value = DynamoDBValue(json)
        let wire = value.wire
        #expect(wire["M"]?["port"] == ["N": "8080"])
        #expect(wire["M"]?["ratio"] == ["N": "0.25"])
        #expect(wire["M"]?["public"] == ["BOOL": true])
        #expect(wire["M"]?["nothing"] == ["NULL": true])
        #expect(wire["M"]?["tags"] == ["L": [["S": "a"], ["N": "1"]]])
        #expect(try DynamoDBValue(wire: wire) == value)
        #expect(value.json == json)
    }

    @Test func setsAndBinariesReadAsJSONArraysAndBase64() throws {
        let wire: JSONValue = ["M": [
            "names": ["SS": ["a", "b"]], "sizes": ["NS": ["1", "2.5"]], "blob": ["B": "AAEC"], "blobs": ["BS": ["AAEC"]],
        ]]
        let value = try DynamoDBValue(wire: wire)
        #expect(value.json == ["names": ["a", "b"], "sizes": [1, 2.5], "blob": "AAEC", "blobs": ["AAEC"]])
        #expect(value.wire == wire)
    }

    @Test func malformedWireValuesAreErrors() {
        #expect(throws: AWSError.self) { try DynamoDBValue(wire: ["X": "1"]) }
        #expect(throws: AWSError.self) { try DynamoDBValue(wire: ["S": "a", "N": "1"]) }
        #expect(throws: AWSError.self) { try DynamoDBValue(wire: ["B": "not base64!"]) }
    }

    @Test func numbersKeepTheirText() throws {
        let big = try DynamoDBValue(wire: ["N": "12345678901234567890123456789"])
        #expect(big.numberText == "12345678901234567890123456789")
        #expect(DynamoDBValue(.number(-3)).numberText == "-3")
        #expect(DynamoDBValue(.number(1e20)).numberText.flatMap(Double.init) == 1e20)
    }
}
