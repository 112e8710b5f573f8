import Claude
import Foundation
import JSON
import Testing
@testable import Agent

@Suite struct HistoryRepairTests {
    let use = ToolUse(id: "t1", name: "read_file", input: ["path": "a"])

    @Test func answersADanglingToolUseAtTheEnd() {
        let repaired = HistoryRepair.repaired([.user("hi"), Message(role: .assistant, content: [.text("looking"), .toolUse(use)])])
        #expect(repaired.count == 3)
        #expect(repaired[2].content == [.toolResult(ToolResult(toolUseId: "t1", content: HistoryRepair.interruptedResult, isError: true))])
    }

    @Test func putsMissingResultsFirstInTheNextUserMessage() {
        let second = ToolUse(id: "t2", name: "list_files", input: [:])
        let repaired = HistoryRepair.repaired([
            .user("hi"),
            Message(role: .assistant, content: [.toolUse(use), .toolUse(second)]),
            Message(role: .user, content: [.text("never mind"), .toolResult(ToolResult(toolUseId: "t2", content: "ok", isError: false))]),
        ])
        #expect(repaired[2].content == [
            .toolResult(ToolResult(toolUseId: "t1", content: HistoryRepair.interruptedResult, isError: true)),
            .toolResult(ToolResult(toolUseId: "t2", content: "ok", isError: false)),
            .text("never mind"),
        ])
    }

    @Test func mergesRolesAndDropsOrphanResults() {
        let repaired = HistoryRepair.repaired([
            .user("a"), .user("b"),
            Message(role: .assistant, content: [.text("x")]),
            Message(role: .user, content: [.toolResult(ToolResult(toolUseId: "gone", content: "?", isError: false)), .text("c")]),
        ])
        #expect(repaired == [Message(role: .user, content: [.text("a"), .text("b")]), Message(role: .assistant, content: [.text("x")]), .user("c")])
    }

    @Test func validHistoryIsUnchanged() {
        let history = [
            Message.user("hi"),
            Message(role: .assistant, content: [.toolUse(use)]),
            Message(role: .user, content: [.toolResult(ToolResult(toolUseId: "t1", content: "x", isError: false))]),
            Message(role: .assistant, content: [.text("done")]),
        ]
        #expect(HistoryRepair.repaired(history) == history)
    }
}
