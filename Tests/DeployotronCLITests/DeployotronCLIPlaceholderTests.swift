import Testing
@testable import DeployotronCLI

@Suite struct DeployotronCLIPlaceholderTests {
    @Test func moduleLoads() {}
}
