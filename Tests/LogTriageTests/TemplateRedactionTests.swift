import Testing
@testable import LogTriage

/// Templates never show a secret that redaction of their sample line removes: masking runs before
/// redaction, so what is left of a secret in a pattern may no longer look like one.
@Suite struct TemplateRedactionTests {
    @Test func aPatternIsRebuiltFromItsRedactedSampleWhenTheSampleHeldASecret() throws {
        let analyzer = try LogAnalyzer()
        let sample = "mysql -u root -pS3cretCLIpw -h db7 -e 'select 1'"
        let redacted = analyzer.redactor.redact(sample)
        #expect(!redacted.contains("S3cretCLIpw"))
        // A pattern in which masking cut the secret down so the redactor no longer sees a -p flag value.
        let pattern = "mysql -u root S3cretCLIpw<*> -h <*> -e 'select <*>"
        let safe = analyzer.safePattern(pattern, sample: sample, redactedSample: redacted)
        #expect(!safe.contains("S3cretCLIpw"))
        #expect(safe.contains("<*>"))
        #expect(safe.hasPrefix("mysql -u root"))
    }

    @Test func aPatternWithoutASecretIsLeftAsItIs() throws {
        let analyzer = try LogAnalyzer()
        let sample = "npm ERR! code ELIFECYCLE 1"
        #expect(analyzer.safePattern("npm ERR! code ELIFECYCLE <*>", sample: sample, redactedSample: analyzer.redactor.redact(sample)) == "npm ERR! code ELIFECYCLE <*>")
    }
}
