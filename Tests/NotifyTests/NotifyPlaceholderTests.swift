import Testing
@testable import Notify

@Suite struct NotifyPlaceholderTests {
    @Test func moduleLoads() {}
}
