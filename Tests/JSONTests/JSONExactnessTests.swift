import Foundation
import JSON
import Testing

/// Issue 15, items 2 and 3: names compare as bytes and numbers are never changed on the way through.
@Suite struct JSONExactnessTests {
    static let precomposed = "caf\u{E9}"
    static let decomposed = "cafe\u{301}"

    // MARK: - Names and strings

    @Test func namesThatDifferOnlyInNormalisationAreRefusedNotFolded() throws {
        let text = "{\"v\":{\"\u{E9}\":1,\"e\u{301}\":2}}"
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParserTests.parse(text) }
        #expect(failure.reason.contains("differ only in Unicode normalisation"))
        #expect(failure.reason.contains(#""\u{E9}""#) && failure.reason.contains(#""e\u{301}""#))
        #expect(failure.offset == "{\"v\":{\"\u{E9}\":1,".utf8.count)
    }

    @Test func aNameRepeatedByteForByteStillKeepsItsFirstValue() throws {
        #expect(try JSONValue(parsing: #"{"a":1,"a":2}"#) == ["a": 1])
    }

    @Test func stringsAndNamesAreEqualOnlyWhenTheirBytesAre() throws {
        #expect(JSONValue.string(Self.precomposed) != .string(Self.decomposed))
        #expect(Set<JSONValue>([.string(Self.precomposed), .string(Self.decomposed)]).count == 2)
        let one = try JSONValue(parsing: "{\"\(Self.precomposed)\":1}")
        let other = try JSONValue(parsing: "{\"\(Self.decomposed)\":1}")
        #expect(one != other)
        #expect(one == (try JSONValue(parsing: "{\"\(Self.precomposed)\":1}")))
        #expect(Set([one, other]).count == 2)
    }

    @Test func aMemberIsFoundByItsExactBytes() throws {
        // U+212A KELVIN SIGN is canonically equivalent to "K": Swift's `==` says they are one string.
        let object = try JSONValue(parsing: "{\"\u{212A}ey\":\"kelvin\"}")
        #expect(object["Key"] == nil)
        #expect(object["\u{212A}ey"] == "kelvin")
        #expect(object[Self.decomposed] == nil)
    }

    @Test func mergingRefusesANameThatDiffersOnlyInNormalisation() throws {
        let stored: [String: JSONValue] = [Self.precomposed: "mine", "bucket": "b"]
        let conflict = try #require(throws: JSONNameConflict.self) { try stored.mergingExactly([Self.decomposed: "attacker"]) }
        #expect(conflict.existing == Self.precomposed && conflict.incoming == Self.decomposed)
        #expect(stored.canonicalTwin(of: Self.decomposed) == Self.precomposed)
        #expect(stored.canonicalTwin(of: Self.precomposed) == nil)
        let merged = try stored.mergingExactly([Self.precomposed: "new", "region": "r"])
        #expect(JSONValue.object(merged) == [Self.precomposed: "new", "bucket": "b", "region": "r"])
    }

    // MARK: - Numbers

    static func roundTrip(_ number: String) throws -> String {
        let value = try JSONValue(parsing: "[\(number)]")
        let text = value.encodedString()
        return String(text.dropFirst().dropLast())
    }

    @Test(arguments: [
        ("9000000000000001", "9000000000000001"),
        ("-0.0", "-0.0"),
        ("-0", "0"),
        ("9007199254740992", "9007199254740992"),
        ("9007199254740994", "9007199254740994"),
        ("-9007199254740994", "-9007199254740994"),
        ("18446744073709549568", "18446744073709549568"),
        ("1.5e300", "1.5e+300"),
        ("5e-324", "5e-324"),
    ])
    func integersAndSignedZeroComeBackAsSent(_ number: String, _ expected: String) throws {
        #expect(try Self.roundTrip(number) == expected)
        #expect(try Self.roundTrip(expected) == expected)
    }

    @Test(arguments: ["12345678901234567890", "9007199254740993", "-9007199254740993", "100000000000000000000000", "1e-400", "-1e-400", "0.0001e-5000", "1e400"])
    func numbersADoubleWouldChangeAreRefused(_ number: String) throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParserTests.parse("[\(number)]") }
        #expect(failure.offset == 1)
        #expect(failure.reason.contains("send it as a string"))
    }

    @Test func aZeroWrittenWithAnExponentIsStillZero() throws {
        #expect(try Self.roundTrip("0e-400") == "0")
        #expect(try Self.roundTrip("-0.0e5") == "-0.0")
    }

    static let corpus = [
        "0", "-0", "0.0", "-0.0", "0e5", "1", "-1", "1.0", "1.5", "0.1", "0.30000000000000004", "1e2", "1E-2", "2.5e-3", "-1e-7",
        "4.35", "123456789.123456789", "9007199254740991", "9007199254740992", "9007199254740993", "-9007199254740993",
        "9007199254740994", "9000000000000001", "12345678901234567890", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "18446744073709551616", "1e17", "1e22", "1e23", "100000000000000000000000", "1e308",
        "1.7976931348623157e308", "1e309", "-1e309", "5e-324", "2.2250738585072014e-308", "1e-400", "-1e-400", "3e-324",
    ]

    /// Each number is either refused, or Python's `json` reads our text back as the same number it reads
    /// from the original (ints exactly, floats to the bit, the sign of zero included); and what we refuse
    /// is only what a double would have changed.
    @Test(.enabled(if: python3 != nil, "needs python3"))
    func corpusAgreesWithPythonsJSON() throws {
        var lines: [String] = []
        for number in Self.corpus {
            let ours = (try? Self.roundTrip(number)) ?? "REFUSED"
            lines.append("\(number)\t\(ours)")
        }
        let script = """
            import json, math, sys
            bad = []
            for line in sys.stdin.read().splitlines():
                original, ours = line.split("\\t")
                a = json.loads(original)
                if ours == "REFUSED":
                    changed = (isinstance(a, int) and (abs(a) >= 2**64 or int(float(a)) != a)) or (isinstance(a, float) and (math.isinf(a) or a == 0.0))
                    if not changed: bad.append("refused but a double keeps it: " + original)
                    continue
                b = json.loads(ours)
                same = a == b and (not (isinstance(a, float) or isinstance(b, float)) or repr(float(a)) == repr(float(b)))
                if not same: bad.append(original + " came back as " + ours)
            print("\\n".join(bad))
            """
        let output = try Self.run(try #require(Self.python3), ["-c", script], input: lines.joined(separator: "\n"))
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "")
        // The items of the issue, explicitly.
        #expect(lines.contains("12345678901234567890\tREFUSED"))
        #expect(lines.contains("9007199254740993\tREFUSED"))
        #expect(lines.contains("9000000000000001\t9000000000000001"))
        #expect(lines.contains("-0.0\t-0.0"))
        #expect(lines.contains("1e-400\tREFUSED"))
    }

    static let python3: String? = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static func run(_ executable: String, _ arguments: [String], input: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
