import Foundation
import JSON
import Testing
@testable import Ledger

@Suite struct JSONStorageTextTests {
    static let values: [JSONValue] = [
        ["s3Bucket": "tmux-builder-1", "nested": ["a": [1, 2.5, -0.125, 1e-7, 12345678901234, true, false, nil]]],
        ["text": "quote \" backslash \\ newline \n tab \t return \r bell \u{7} nul \u{0} é € 😀"],
        [], [:], "plain", 42, -3.75, nil,
    ]

    @Test(arguments: values)
    func roundTripsThroughFoundation(_ value: JSONValue) throws {
        #expect(try JSONValue(parsing: value.storageText()) == value)
    }
}
