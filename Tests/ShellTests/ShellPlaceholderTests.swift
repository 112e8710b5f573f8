import Testing
@testable import Shell

@Suite struct ShellPlaceholderTests {
    @Test func moduleLoads() {}
}
