import Foundation

/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast, seeded generator, so a fuzz input is a
/// function of its seed and index and a failure can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Inputs for the analyze fuzz tests: random bytes, mutated build logs made from a small set of
/// written-out tool lines, huge lines, lines of thousands of distinct tokens, CR storms,
/// invalid UTF-8 and NUL bytes.
struct FuzzInputs {
    enum Kind: CaseIterable {
        case empty, randomBytes, buildLog, mutatedBuildLog, manyTokens, crStorm, invalidUTF8, manyShapes, longRuns, hugeLine
    }

    /// The kind of input `index` is; huge lines are one in 64 (each is a megabyte).
    static func kind(_ index: Int) -> Kind {
        if index % 64 == 63 { return .hugeLine }
        let kinds: [Kind] = [.empty, .randomBytes, .buildLog, .mutatedBuildLog, .mutatedBuildLog, .mutatedBuildLog,
                             .manyTokens, .crStorm, .invalidUTF8, .manyShapes, .randomBytes, .longRuns]
        return kinds[index % kinds.count]
    }

    /// Input `index` of the run seeded with `seed`.
    static func input(_ index: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed ^ UInt64(index) &* 0xD6E8_FEB8_6659_FD93)
        switch kind(index) {
        case .empty: return []
        case .randomBytes: return randomBytes(&rng)
        case .buildLog: return buildLog(&rng, lines: Int.random(in: 1...300, using: &rng))
        case .mutatedBuildLog:
            var log = buildLog(&rng, lines: Int.random(in: 1...300, using: &rng))
            for _ in 0..<Int.random(in: 1...12, using: &rng) { mutate(&log, &rng) }
            return log
        case .manyTokens: return manyTokens(&rng)
        case .crStorm: return crStorm(&rng)
        case .invalidUTF8: return invalidUTF8(&rng)
        case .manyShapes: return manyShapes(&rng)
        case .longRuns: return longRuns(&rng)
        case .hugeLine: return hugeLine(&rng)
        }
    }

    // MARK: - Build logs

    /// Lines as npm, yarn, pip, pytest, maven, gradle, cargo, go, make, docker and CI systems print
    /// them, written for these tests. `#` stands for a number that changes from line to line.
    static let toolLines: [String] = [
        "npm WARN deprecated request@2.88.#: request has been deprecated",
        "npm ERR! code ELIFECYCLE", "npm ERR! errno #", "npm ERR! acme-web@#.4.0 test: `jest --ci`",
        "npm ERR! Exit status #", "added # packages from # contributors in #.442s",
        "> acme-web@1.#.0 build /home/travis/build/acme/acme-web",
        "yarn install v1.22.#", "[2/4] Fetching packages...", "error Command failed with exit code #.",
        "Collecting requests==2.#.0", "  Downloading requests-2.#.0-py3-none-any.whl (# kB)",
        "ERROR: Could not find a version that satisfies the requirement torch==#.0",
        "============================= test session starts ==============================",
        "collected # items", "tests/test_api.py ..F..... [ #%]", "E       AssertionError: assert # == 404",
        "FAILED tests/test_api.py::test_missing_item - AssertionError: assert # == 404",
        "Traceback (most recent call last):",
        "  File \"/usr/lib/python3.#/site-packages/acme/cli.py\", line #, in main",
        "ModuleNotFoundError: No module named 'yaml'",
        "========================= # failed, # passed in #.21s =========================",
        "[INFO] Scanning for projects...", "[INFO] --- maven-compiler-plugin:3.8.#:compile (default-compile) @ core ---",
        "[INFO] Compiling # source files to /home/runner/work/core/target/classes",
        "[ERROR] /home/runner/work/core/src/main/java/com/acme/Foo.java:[#,8] cannot find symbol",
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.22.#:test (default-test) on project core",
        "Downloading from central: https://repo.maven.apache.org/maven2/org/slf4j/slf4j-api/1.7.#/slf4j-api-1.7.#.pom",
        "Tests run: #, Failures: 2, Errors: 0, Skipped: 3, Time elapsed: #.211 s <<< FAILURE!",
        "[INFO] BUILD FAILURE", "> Task :app:compileJava", "> Task :app:test FAILED",
        "FAILURE: Build failed with an exception.", "* What went wrong:", "Execution failed for task ':app:test'.",
        "BUILD FAILED in 1m #s", "com.acme.ParserTest > parsesEmptyInput FAILED",
        "    java.lang.AssertionError at ParserTest.java:#", "\tat com.acme.Parser.parse(Parser.java:#)",
        "   Compiling serde v1.0.#", "error[E0308]: mismatched types", "  --> src/main.rs:#:17",
        "error: could not compile `acme` due to previous error", "test parser::tests::empty ... FAILED",
        "thread 'parser::tests::empty' panicked at 'assertion failed', src/parser.rs:#:9",
        "test result: FAILED. # passed; 1 failed; 0 ignored; 0 measured",
        "go: downloading github.com/stretchr/testify v1.7.#", "--- FAIL: TestParse (0.#s)",
        "    parse_test.go:#: expected 3, got 4", "FAIL\tgithub.com/acme/tool/parse\t0.#s",
        "ok  \tgithub.com/acme/tool/cmd\t0.#s", "panic: runtime error: index out of range [#] with length 3",
        "goroutine # [running]:", "main.main()", "\t/home/runner/work/tool/main.go:# +0x1d",
        "gcc -O2 -c -o build/obj/util.o src/util.c", "src/util.c:#:5: error: implicit declaration of function 'strlcpy'",
        "make[#]: *** [Makefile:23: test] Error 2", "make: *** [all] Error #",
        "Step #/9 : RUN pip install -r requirements.txt", " ---> Running in 3f2a9c1b7d4e", " ---> 8d1e5a2b0c3f",
        "Removing intermediate container 3f2a9c1b7d4e", "#12 [build 5/7] RUN npm ci",
        "#12 ERROR: executor failed running [/bin/sh -c npm ci]: exit code: #",
        "The command '/bin/sh -c pip install -r requirements.txt' returned a non-zero code: #",
        "travis_fold:start:install\r\u{1B}[0K$ npm install", "travis_fold:end:install\r\u{1B}[0K",
        "The command \"npm test\" exited with #.", "##[group]Run make test", "##[endgroup]",
        "##[error]Process completed with exit code #.",
        "::error file=src/app.ts,line=#,col=5::Type 'string' is not assignable to type 'number'.",
        "section_start:16330248#:build_script\r\u{1B}[0Ksection_header", "section_end:16330248#:build_script\r\u{1B}[0K",
        "[Pipeline] stage", "[Pipeline] { (Test)", "--- :docker: Build", "+++ :pytest: Test",
        "\u{1B}[31;1mERROR\u{1B}[0m something went wrong #", "Progress: [=====>     ] #%\rProgress: [==========] 100%",
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "Authorization: Bearer abcdef#ghijklmnop",
        "", "   ", "Done in #.07s.",
    ]

    static func buildLog(_ rng: inout SplitMix64, lines: Int) -> [UInt8] {
        var out: [UInt8] = []
        let ending: [UInt8] = Bool.random(using: &rng) ? [0x0A] : [0x0D, 0x0A]
        for _ in 0..<lines {
            let template = toolLines.randomElement(using: &rng)!
            for byte in template.utf8 {
                if byte == UInt8(ascii: "#") {
                    out += Array(String(Int.random(in: 0...99_999, using: &rng)).utf8)
                } else {
                    out.append(byte)
                }
            }
            out += ending
        }
        return out
    }

    // MARK: - Mutations

    static let nasty: [[UInt8]] = [
        [0x00], [0x0D], [0x0D, 0x0D, 0x0D], [0xFF], [0xC3], [0xE2, 0x82], [0xC0, 0x80], [0xED, 0xA0, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0x1B], [0x1B, 0x5B], [0x1B, 0x5B, 0x33, 0x31], [0x1B, 0x5D, 0x30, 0x3B],
        [0x1B, 0x28], Array("\u{1B}[0K".utf8), Array(" error ".utf8), Array("Exception".utf8),
        Array("exited with 1".utf8), Array("-----BEGIN RSA PRIVATE KEY-----".utf8), Array("\t".utf8),
        Array("é".utf8), Array("✖".utf8), Array("--password=".utf8), Array("a-".utf8), Array("-1".utf8),
    ]

    static func mutate(_ log: inout [UInt8], _ rng: inout SplitMix64) {
        let at = log.isEmpty ? 0 : Int.random(in: 0...log.count, using: &rng)
        switch Int.random(in: 0..<9, using: &rng) {
        case 0: // flip bytes
            for _ in 0..<Int.random(in: 1...8, using: &rng) where !log.isEmpty {
                log[Int.random(in: 0..<log.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            }
        case 1: // insert something nasty
            log.insert(contentsOf: nasty.randomElement(using: &rng)!, at: at)
        case 2: // delete a stretch (may cut a line, an escape or a UTF-8 sequence)
            let end = min(log.count, at + Int.random(in: 1...200, using: &rng))
            log.removeSubrange(at..<end)
        case 3: // repeat a stretch many times
            let end = min(log.count, at + Int.random(in: 1...120, using: &rng))
            let piece = Array(log[at..<end])
            log.insert(contentsOf: Array([[UInt8]](repeating: piece, count: Int.random(in: 2...400, using: &rng)).joined()), at: at)
        case 4: // a long run of one byte
            let byte = [0x0D, 0x0A, 0x20, 0x2D, 0x61, 0x39, 0x00, 0xFF, 0x1B].randomElement(using: &rng)! as UInt8
            log.insert(contentsOf: [UInt8](repeating: byte, count: Int.random(in: 1...5_000, using: &rng)), at: at)
        case 5: // random bytes
            log.insert(contentsOf: (0..<Int.random(in: 1...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
        case 6: // swap two halves
            log = Array(log[at...] + log[..<at])
        case 7: // a line of distinct tokens
            log.insert(contentsOf: distinctTokens(&rng, count: Int.random(in: 10...2_000, using: &rng)), at: at)
        default: // CRs through a stretch, as progress redraws
            let end = min(log.count, at + 400)
            var k = at
            while k < end {
                log.insert(0x0D, at: k)
                k += Int.random(in: 2...40, using: &rng)
            }
        }
    }

    // MARK: - Other kinds

    static func randomBytes(_ rng: inout SplitMix64) -> [UInt8] {
        let n = Int.random(in: 0...8_192, using: &rng)
        // Some with the byte distribution of text, some uniform.
        if Bool.random(using: &rng) {
            return (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
        let alphabet = Array("ab c\n\r\t:-_/.0123456789[]()'\"\u{1B}\0Eerror".utf8)
        return (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
    }

    static func distinctTokens(_ rng: inout SplitMix64, count: Int) -> [UInt8] {
        var out: [UInt8] = []
        for k in 0..<count {
            // Letters only, so no token masks to a variable: each one is its own word.
            var word = k
            repeat {
                out.append(UInt8(ascii: "g") + UInt8(word % 20))
                word /= 20
            } while word > 0
            out.append(Bool.random(using: &rng) ? 0x20 : 0x09)
        }
        out.append(0x0A)
        return out
    }

    static func manyTokens(_ rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            out += distinctTokens(&rng, count: Int.random(in: 255...5_000, using: &rng))
            out += buildLog(&rng, lines: 3)
        }
        return out
    }

    static func crStorm(_ rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<Int.random(in: 1...50, using: &rng) {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: out += [UInt8](repeating: 0x0D, count: Int.random(in: 1...20_000, using: &rng))
            case 1:
                for p in 0..<Int.random(in: 1...500, using: &rng) { out += Array("\r[\(p)%] building".utf8) }
            case 2: out += Array("\r\n\r\r\n\n\r \r\t\r".utf8)
            default: out += buildLog(&rng, lines: 2)
            }
            if Bool.random(using: &rng) { out.append(0x0A) }
        }
        return out
    }

    static func invalidUTF8(_ rng: inout SplitMix64) -> [UInt8] {
        var out = buildLog(&rng, lines: Int.random(in: 1...80, using: &rng))
        for _ in 0..<Int.random(in: 1...60, using: &rng) {
            let at = Int.random(in: 0...out.count, using: &rng)
            out.insert(contentsOf: nasty[Int.random(in: 0..<14, using: &rng)], at: at)
        }
        return out
    }

    /// Lines of many token counts and first words, to fill buckets and templates.
    static func manyShapes(_ rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<Int.random(in: 1...600, using: &rng) {
            let tokens = Int.random(in: 0...300, using: &rng)
            for t in 0..<tokens {
                let choice = Int.random(in: 0..<4, using: &rng)
                if choice == 0 {
                    out += Array(String(Int.random(in: 0...999, using: &rng)).utf8)
                } else {
                    out += Array("w\(Int.random(in: 0...30, using: &rng) * (choice == 1 ? t : 1))".utf8.map { $0 < 0x3A && $0 > 0x2F ? $0 + 0x31 : $0 })
                }
                out.append(0x20)
            }
            out.append(0x0A)
        }
        return out
    }

    /// Long runs of what the signature and secret patterns repeat (capitals, digits and colons,
    /// quotes, dashes, base64) around the phrases that send a line to them: a pattern that
    /// backtracks over the run from every position takes minutes here instead of milliseconds.
    static func longRuns(_ rng: inout SplitMix64) -> [UInt8] {
        let units = ["A", "A_1", ":1", "\"", "a-", "Ab1/", "e", " ", "KEY_", "-----BEGIN RSA PRIVATE KEY-----", "$"]
        let phrases = ["is not set", "environment variable DB_URL is missing", "KeyError: '", "error Command \"",
                       "error TS", ": error:", "Tests run: 1, Failures: 1", "build failed with 2 errors",
                       "error[E0", "could not compile", "password=", "Authorization: Bearer ", "ghp_", "eyJ"]
        var out: [UInt8] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let unit = Array(units.randomElement(using: &rng)!.utf8)
            var line = Array([[UInt8]](repeating: unit, count: Int.random(in: 1_000...60_000, using: &rng) / unit.count).joined())
            // Sometimes too far from the run for a pattern to join them, so it backtracks.
            line += Array(String(repeating: " x", count: Int.random(in: 0...30, using: &rng)).utf8)
            line += Array(" \(phrases.shuffled(using: &rng).joined(separator: " "))".utf8)
            out += line + [0x0A]
        }
        return out
    }

    static func hugeLine(_ rng: inout SplitMix64) -> [UInt8] {
        var out = buildLog(&rng, lines: 5)
        let size = 1 << 20
        if Bool.random(using: &rng) {
            out += distinctTokens(&rng, count: 300_000).prefix(size)
        } else {
            let unit = Array("abc-12 error é\u{1B}[0m\r".utf8)
            out += (0..<size).map { unit[$0 % unit.count] }
        }
        out += buildLog(&rng, lines: 5)
        return out
    }
}
