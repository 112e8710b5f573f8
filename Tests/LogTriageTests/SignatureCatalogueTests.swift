import Foundation
import Testing
@testable import LogTriage

@Suite struct SignatureCatalogueTests {
    let analyzer: LogAnalyzer

    init() throws {
        analyzer = try LogAnalyzer()
    }

    @Test func bundledCatalogueIsComplete() throws {
        let catalogue = try SignatureCatalogue.bundled()
        #expect(catalogue.signatures.count >= 40)
        for signature in catalogue.signatures {
            #expect(!signature.title.isEmpty, "\(signature.id) has no title")
            #expect(signature.hint.count > 20, "\(signature.id) has no real hint")
            #expect(!signature.match.isEmpty)
        }
    }

    @Test func everySignatureHasATestLog() throws {
        let ids = Set(try SignatureCatalogue.bundled().signatures.map(\.id))
        #expect(ids.subtracting(SignatureCases.logs.keys).isEmpty, "signatures without a test log")
        #expect(Set(SignatureCases.logs.keys).subtracting(ids).isEmpty, "test logs for unknown signatures")
    }

    @Test(arguments: SignatureCases.logs.keys.sorted())
    func signatureIsFoundInItsLog(_ id: String) throws {
        let log = try #require(SignatureCases.logs[id])
        let padded = (1...40).map { "step \($0): ok" }.joined(separator: "\n") + "\n" + log + "\n"
        let analysis = try analyzer.analyze(.text(padded))
        let hit = try #require(analysis.signatures.first { $0.id == id }, "\(id) not found; found \(analysis.signatures.map(\.id))")
        #expect(hit.lines.allSatisfy { $0 > 40 })
        #expect(!hit.hint.isEmpty)
        #expect(analysis.excerpt.contains(hit.example.prefix(40)))
    }

    @Test func cleanBuildMatchesNothing() throws {
        let log = """
            $ npm ci
            added 812 packages, and audited 813 packages in 14s
            found 0 vulnerabilities
            $ npm run build
            > app@1.0.0 build
            > vite build
            vite v5.0.12 building for production...
            ✓ 1204 modules transformed.
            dist/index.html                   0.46 kB │ gzip:  0.30 kB
            dist/assets/index-4f1c0a2b.js   182.11 kB │ gzip: 58.90 kB
            ✓ built in 4.21s
            Server listening on http://0.0.0.0:8080
            """
        let analysis = try analyzer.analyze(.text(log))
        #expect(analysis.signatures.isEmpty, "unexpected \(analysis.signatures.map(\.id))")
    }

    @Test func ruleChecksAlsoUnlessAndRegex() throws {
        let catalogue = try SignatureCatalogue(signatures: [
            FailureSignature(id: "db", title: "db", hint: "h", category: "c", match: [
                .init(any: ["refused"], also: ["postgres"], unless: ["retrying"], regex: nil),
            ]),
            FailureSignature(id: "ts", title: "ts", hint: "h", category: "c", match: [
                .init(any: ["error ts"], also: nil, unless: nil, regex: #"error TS\d+:"#),
            ]),
        ])
        #expect(catalogue.matches("postgres: connection REFUSED") == ["db"])
        #expect(catalogue.matches("redis: connection refused").isEmpty)
        #expect(catalogue.matches("postgres refused, retrying").isEmpty)
        #expect(catalogue.matches("a.ts(1,2): error TS2304: Cannot find name") == ["ts"])
        #expect(catalogue.matches("error tsconfig missing").isEmpty)
    }

    @Test func badCatalogueIsRejected() {
        #expect(throws: LogTriageError.self) { try SignatureCatalogue(json: Data("{\"signatures\": 3}".utf8)) }
        #expect(throws: LogTriageError.self) {
            try SignatureCatalogue(signatures: [
                FailureSignature(id: "x", title: "t", hint: "h", category: "c", match: [.init(any: ["a"], also: nil, unless: nil, regex: "(")]),
            ])
        }
        #expect(throws: LogTriageError.self) {
            let s = FailureSignature(id: "x", title: "t", hint: "h", category: "c", match: [.init(any: ["a"], also: nil, unless: nil, regex: nil)])
            return try SignatureCatalogue(signatures: [s, s])
        }
    }
}
