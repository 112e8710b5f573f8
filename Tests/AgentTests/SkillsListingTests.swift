import Foundation
import Testing
@testable import Agent

@Suite struct SkillsListingTests {
    let source = SkillSource(kind: .bundled, directory: URL(fileURLWithPath: "/s"), label: "bundled")

    func skill(_ name: String, _ description: String, body: String = "BODY") -> Skill {
        Skill(name: name, description: description, source: source, folder: URL(fileURLWithPath: "/s/\(name)"), body: body)
    }

    @Test func listsEveryNameAndDescriptionSortedAndNoBodies() {
        let listing = SkillsListing([skill("rollback", "Rolls back.", body: "SECRET STEPS"), skill("deploy", "Deploys\n  the   app.")])
        #expect(listing.text == "- deploy: Deploys the app.\n- rollback: Rolls back.")
        #expect(!listing.isShortened)
        #expect(!listing.text.contains("SECRET STEPS"))
    }

    @Test func manySkillsShortenTheLongestDescriptionsFirstWithinTheBudget() {
        let short = (0..<5).map { skill("short-\($0)", "Short one \($0).") }
        let long = (0..<40).map { skill("long-\(String(format: "%02d", $0))", String(repeating: "lorem ipsum ", count: 80)) }
        let budget = 4_000
        let listing = SkillsListing(short + long, budget: budget)
        #expect(listing.isShortened)
        #expect(listing.text.count <= budget)
        let lines = listing.text.split(separator: "\n")
        #expect(lines.count == 45)
        for index in 0..<5 {
            #expect(lines.contains { $0 == "- short-\(index): Short one \(index)." })
        }
        for line in lines where line.hasPrefix("- long-") {
            #expect(line.hasSuffix("…"))
            #expect(line.contains(": lorem ipsum"))
        }
    }

    @Test func descriptionsNeverShrinkBelowTheMinimumEvenOverBudget() {
        let skills = (0..<200).map { skill("skill-\(String(format: "%03d", $0))", String(repeating: "x ", count: 200)) }
        let listing = SkillsListing(skills, budget: 1_000)
        for line in listing.text.split(separator: "\n") {
            let description = line.split(separator: ":", maxSplits: 1)[1]
            #expect(description.count >= SkillsListing.minimumDescription - 2)
            #expect(description.count <= SkillsListing.minimumDescription + 1)
        }
    }

    @Test func anOverLongDescriptionIsCutToTheFormatsLimitEvenWithRoom() {
        let listing = SkillsListing([skill("big", String(repeating: "a", count: 3_000))], budget: 100_000)
        #expect(listing.text.count == "- big: ".count + Skill.maximumDescriptionLength)
    }

    @Test func theSameSkillsGiveTheSameTextInAnyOrder() {
        let skills = (0..<30).map { skill("s\($0)", "Description number \($0) " + String(repeating: "word ", count: $0 * 10)) }
        let first = SkillsListing(skills, budget: 2_000)
        let second = SkillsListing(skills.reversed(), budget: 2_000)
        #expect(first == second)
    }

    @Test func anglesAndAmpersandsAreKept() {
        let listing = SkillsListing([skill("html", "For <div> & <span> when a > b")])
        #expect(listing.text == "- html: For <div> & <span> when a > b")
    }
}
