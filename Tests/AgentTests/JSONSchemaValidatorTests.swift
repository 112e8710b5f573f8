import JSON
import Testing
@testable import Agent

@Suite struct JSONSchemaValidatorTests {
    let schema: JSONValue = [
        "type": "object",
        "properties": [
            "name": ["type": "string", "minLength": 1, "maxLength": 5, "pattern": "^[a-z]+$"],
            "port": ["type": "integer", "minimum": 1, "maximum": 65535],
            "ratio": ["type": "number"],
            "mode": ["enum": ["fast", "safe"]],
            "tags": ["type": "array", "items": ["type": "string"], "maxItems": 2],
            "note": ["type": ["string", "null"]],
            "flag": ["type": "boolean"],
        ],
        "required": ["name"],
        "additionalProperties": false,
    ]

    func problems(_ value: JSONValue) -> [String] {
        JSONSchemaValidator(schema: schema).problems(in: value)
    }

    @Test func acceptsValidInput() {
        #expect(problems(["name": "web", "port": 8080, "ratio": 0.5, "mode": "safe", "tags": ["a"], "note": nil, "flag": true]) == [])
        #expect(problems(["name": "web", "ratio": 3, "note": "x"]) == [])
    }

    @Test func namesTheFieldThatIsWrong() {
        #expect(problems([:]) == ["input.name: is required but missing"])
        #expect(problems("text") == ["input: expected object, got string"])
        #expect(problems(["name": "web", "port": 80.5]) == ["input.port: expected integer, got number"])
        #expect(problems(["name": "web", "port": 0]) == ["input.port: must be at least 1, got 0"])
        #expect(problems(["name": "web", "port": 70000]) == ["input.port: must be at most 65535, got 70000"])
        #expect(problems(["name": ""]) == ["input.name: must be at least 1 characters long, got 0", "input.name: must match the pattern ^[a-z]+$"])
        #expect(problems(["name": "toolong"]) == ["input.name: must be at most 5 characters long, got 7"])
        #expect(problems(["name": "web", "mode": "slow"]) == ["input.mode: must be one of \"fast\", \"safe\", got \"slow\""])
        #expect(problems(["name": "web", "tags": ["a", 2]]) == ["input.tags[1]: expected string, got integer"])
        #expect(problems(["name": "web", "tags": ["a", "b", "c"]]) == ["input.tags: must have at most 2 items, got 3"])
        #expect(problems(["name": "web", "note": 1]) == ["input.note: expected string or null, got integer"])
        #expect(problems(["name": "web", "extra": 1]).first?.hasPrefix("input.extra: is not an allowed field") == true)
        #expect(problems(["name": "web", "flag": "yes"]) == ["input.flag: expected boolean, got string"])
    }
}
