import Agent
import Claude
import Deploy
import DeployTools
import Foundation
import JSON
import Ledger
import Testing

/// Every tool a session registers (files, skills, deploy services) declares its schema on its
/// input type, and any input that schema accepts decodes into that type, with nothing lost.
@Suite struct ToolDefinitionTests {
    static func sessionTools() throws -> (tools: [Tool], cleanUp: () -> Void) {
        let fixture = try DeployToolsetTests.Fixture()
        let tools = FileTools.all + SkillTools(catalog: SkillsCatalog(skills: [])).tools + fixture.toolset.tools
        return (tools, fixture.cleanUp)
    }

    @Test func theSchemaSentToClaudeIsTheOneTheInputTypeDeclares() throws {
        let (tools, cleanUp) = try Self.sessionTools()
        defer { cleanUp() }
        let registry = try ToolRegistry(tools)
        #expect(registry.tools.count >= 15)
        for (tool, definition) in zip(registry.tools, registry.definitions) {
            #expect(definition.inputSchema == tool.inputType.schema, "\(tool.name)")
            #expect(definition.inputSchema["type"] == "object", "\(tool.name)")
        }
    }

    @Test func everyInputTheSchemaAcceptsDecodesWithNothingLost() throws {
        let (tools, cleanUp) = try Self.sessionTools()
        defer { cleanUp() }
        for tool in tools {
            for complete in [false, true] {
                let input = Self.instance(of: tool.inputSchema, complete: complete)
                #expect(JSONSchemaValidator(schema: tool.inputSchema).problems(in: input).isEmpty, "\(tool.name): \(input.encodedString())")
                switch tool.prepare(input) {
                case .success: break
                case .failure(let rejection): Issue.record("\(tool.name) rejects \(input.encodedString()): \(rejection.message)")
                }
                // Every key the schema names is a key the type reads: encoded back, nothing is missing.
                let decoded = try Self.decode(tool.inputType, input)
                let encodable = try #require(decoded as? any Encodable, "\(tool.name)'s input is not Encodable")
                let again = try JSONValue(parsing: JSONEncoder().encode(encodable))
                #expect(again == input, "\(tool.name)")
            }
        }
    }

    @Test func aWrongInputIsRejectedBeforeTheServiceRuns() async throws {
        let (tools, cleanUp) = try Self.sessionTools()
        defer { cleanUp() }
        let generate = try #require(tools.first { $0.name == "generate_compose" })
        for input: JSONValue in [["databases": ["oracle"]], ["host_port": 0], ["path": 3], ["unknown": true]] {
            guard case .failure(let rejection) = generate.prepare(input) else {
                Issue.record("generate_compose accepted \(input.encodedString())")
                continue
            }
            #expect(rejection.kind == .invalidInput)
        }
    }

    static func decode<Input: ToolInput>(_ type: Input.Type, _ json: JSONValue) throws -> any ToolInput {
        try JSONDecoder().decode(Input.self, from: json.encoded())
    }

    /// A value the schema accepts: only the required properties, or (`complete`) every property.
    static func instance(of schema: JSONValue, complete: Bool) -> JSONValue {
        if let first = schema["enum"]?.arrayValue?.first { return first }
        let type = schema["type"]?.stringValue ?? schema["type"]?.arrayValue?.first?.stringValue
        switch type {
        case "string":
            return .string(String(repeating: "x", count: max(1, schema["minLength"]?.intValue ?? 1)))
        case "integer", "number":
            return .number(schema["minimum"]?.doubleValue ?? 1)
        case "boolean":
            return true
        case "array":
            return .array(schema["items"].map { [instance(of: $0, complete: complete)] } ?? [])
        case "object":
            var object: [String: JSONValue] = [:]
            let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            for (name, property) in schema["properties"]?.objectValue ?? [:] where complete || required.contains(name) {
                object[name] = instance(of: property, complete: complete)
            }
            if complete, let extra = schema["additionalProperties"], extra.objectValue != nil {
                object["key"] = instance(of: extra, complete: complete)
            }
            return .object(object)
        default:
            return .null
        }
    }
}
