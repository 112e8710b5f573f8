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

@Suite struct HistoryRepairRulesTests {
    @Test func emptyAndWhitespaceTextBlocksAreDroppedAndEmptyMessagesWithThem() {
        let history = [
            Message.user("hi"),
            Message(role: .assistant, content: [.text("")]),
            Message(role: .user, content: [.text(" \n")]),
            Message(role: .assistant, content: [.text("\t"), .text("answer")]),
        ]
        let repaired = HistoryRepair.repaired(history)
        #expect(repaired == [.user("hi"), Message(role: .assistant, content: [.text("answer")])])
        #expect(HistoryRepair.violations(repaired).isEmpty)
        #expect(HistoryRepair.violations(history).contains { $0.contains("empty or whitespace-only text") })
    }

    @Test func aToolCallWhoseInputIsNotAnObjectGetsAnEmptyOne() {
        let repaired = HistoryRepair.repaired([.user("go"), Message(role: .assistant, content: [.toolUse(ToolUse(id: "t", name: "n", input: .string("{\"pa")))])])
        #expect(repaired[1].toolUses.first?.input == [:])
        #expect(repaired.count == 3)
        #expect(HistoryRepair.violations(repaired).isEmpty)
    }

    @Test func anEmptyErrorResultSaysSo() {
        let use = ToolUse(id: "t", name: "n", input: [:])
        let repaired = HistoryRepair.repaired([
            .user("go"), Message(role: .assistant, content: [.toolUse(use)]),
            Message(role: .user, content: [.toolResult(ToolResult(toolUseId: "t", content: "", isError: true))]),
        ])
        #expect(repaired[2].content == [.toolResult(ToolResult(toolUseId: "t", content: HistoryRepair.emptyErrorResult, isError: true))])
    }

    @Test func violationsNameEachBrokenRule() {
        let use = ToolUse(id: "t", name: "n", input: [:])
        let problems = HistoryRepair.violations([
            Message(role: .assistant, content: [.text("first")]),
            Message(role: .assistant, content: [.toolUse(use)]),
            Message(role: .user, content: [.text("no results")]),
        ])
        #expect(problems.contains { $0.contains("starts with the user") })
        #expect(problems.contains { $0.contains("both the assistant's") })
        #expect(problems.contains { $0.contains("does not start with the results") })
    }

    @Test func repairingTwiceChangesNothing() {
        let messy = [
            Message(role: .assistant, content: [.text(" ")]),
            Message(role: .assistant, content: [.toolUse(ToolUse(id: "a", name: "n", input: .null)), .text("x")]),
            .user("u"), .user("v"),
        ]
        let once = HistoryRepair.repaired(messy)
        #expect(HistoryRepair.violations(once).isEmpty, "\(HistoryRepair.violations(once))")
        #expect(HistoryRepair.repaired(once) == once)
    }
}
