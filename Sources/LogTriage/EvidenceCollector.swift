/// Watches the line stream and keeps, in bounded memory, what the excerpt may need:
/// the tail, the first few and the last many error blocks (with whole stack traces).
struct EvidenceCollector {
    struct Limits: Sendable {
        var before = 8
        var after = 4
        var tail = 200
        var headBlocks = 4
        var recentBlocks = 48
        var maxBlockLines = 600
        /// Lines kept before a failed step's exit line.
        var stepContext = 40
        var firstSteps = 2
        var lastSteps = 4
    }

    let limits: Limits
    private(set) var ring: LineRing
    private(set) var headBlocks: [ErrorBlock] = []
    private(set) var recentBlocks: [ErrorBlock] = []
    /// The output that led up to the first and the last few failed steps.
    private(set) var firstStepBlocks: [ErrorBlock] = []
    private(set) var lastStepBlocks: [ErrorBlock] = []
    private var open: ErrorBlock? = nil
    private var captureUntil = 0
    private var inTrace = false
    private var blankRun = 0
    private var lastStepEnd = 0
    /// The line where the step now running began (`$ make test`, `##[group]Run ...`), 0 if none.
    private var stepStart = 0
    /// The first failed step, from its start (or its kept context) to its exit line.
    private(set) var failedStep: ClosedRange<Int>? = nil

    init(limits: Limits = Limits()) {
        self.limits = limits
        ring = LineRing(capacity: max(limits.tail, limits.before + 1))
    }

    /// Score at or above which a line opens or extends a block.
    static let eventScore: Int8 = 2

    mutating func observe(_ bytes: UnsafeBufferPointer<UInt8>, number: Int, template: Int32, score: Int8, signature: Bool, stepEnd: Bool = false) {
        if stepEnd {
            if failedStep == nil { failedStep = max(1, stepStart)...number }
            var block = ErrorBlock()
            // The step's output began after the previous step's end (which also keeps a log of
            // nothing but exit lines from copying the context again on every line).
            for line in ring.last(min(limits.stepContext, number - lastStepEnd - 1)) { block.append(line) }
            lastStepEnd = number
            var last = Self.keep(bytes, number: number, template: template, score: score, signature: signature, trace: false)
            last.blanksBefore = blankRun
            block.append(last)
            if firstStepBlocks.count < limits.firstSteps {
                firstStepBlocks.append(block)
            } else {
                if lastStepBlocks.count == limits.lastSteps { lastStepBlocks.removeFirst() }
                lastStepBlocks.append(block)
            }
        }
        if Self.isBlank(bytes) {
            blankRun += 1
            return
        }
        if Self.startsStep(bytes) { stepStart = number }
        let blanks = blankRun
        blankRun = 0
        let trace = Self.isTraceLine(bytes, afterTrace: inTrace)
        inTrace = trace || (inTrace && Self.isIndented(bytes))
        let event = score >= Self.eventScore || signature || Self.startsTrace(bytes)
        if open != nil {
            if number <= captureUntil || trace || event {
                var kept = Self.keep(bytes, number: number, template: template, score: score, signature: signature, trace: trace)
                kept.blanksBefore = blanks
                open!.append(kept)
                if event || trace { captureUntil = max(captureUntil, number + limits.after) }
                if open!.lines.count >= limits.maxBlockLines { close() }
            } else {
                close()
            }
        } else if event {
            var block = ErrorBlock()
            for line in ring.last(limits.before) { block.append(line) }
            var kept = Self.keep(bytes, number: number, template: template, score: score, signature: signature, trace: trace)
            kept.blanksBefore = blanks
            block.append(kept)
            open = block
            captureUntil = number + limits.after
        }
        ring.push(bytes, number: number, template: template, score: score, signature: signature, trace: trace, blanksBefore: blanks)
    }

    /// Closes the open block; call once at the end of the input.
    mutating func finish() {
        close()
    }

    var blocks: [ErrorBlock] { headBlocks + recentBlocks }
    var stepBlocks: [ErrorBlock] { firstStepBlocks + lastStepBlocks }

    private mutating func close() {
        guard let block = open else { return }
        open = nil
        if headBlocks.count < limits.headBlocks {
            headBlocks.append(block)
            return
        }
        if recentBlocks.count >= limits.recentBlocks {
            recentBlocks.removeFirst()
        }
        recentBlocks.append(block)
    }

    static func keep(_ bytes: UnsafeBufferPointer<UInt8>, number: Int, template: Int32, score: Int8, signature: Bool, trace: Bool) -> KeptLine {
        KeptLine(number: number, text: String(decoding: bytes.prefix(LineRing.keptBytes), as: UTF8.self),
                 template: template, score: score, signature: signature, trace: trace)
    }

    // MARK: - Steps

    /// Lines with which CI systems and build tools open a step: Travis's `$ command` echo and
    /// fold and timer marks, GitHub Actions groups, GitLab sections, Jenkins pipeline steps,
    /// Buildkite headers, docker build steps, gradle tasks and maven plugin executions.
    static func startsStep(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        hasPrefix(bytes, "$ ") || hasPrefix(bytes, "travis_fold:start:") || hasPrefix(bytes, "travis_time:start:")
            || hasPrefix(bytes, "##[group]") || hasPrefix(bytes, "section_start:") || hasPrefix(bytes, "[Pipeline] sh")
            || hasPrefix(bytes, "[Pipeline] stage") || hasPrefix(bytes, "--- :") || hasPrefix(bytes, "+++ :")
            || hasPrefix(bytes, "~~~ ") || hasPrefix(bytes, "Step ") || hasPrefix(bytes, "> Task :")
            || hasPrefix(bytes, "[INFO] --- ")
    }

    // MARK: - Stack traces

    /// Blank lines are counted but never kept: they would only thin out the context windows.
    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte > 0x20 { return false }
        return true
    }

    static func isIndented(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first else { return false }
        return first == 0x20 || first == 0x09
    }

    /// Lines that begin a trace: `Traceback (most recent call last):`, `goroutine 1 [running]:`,
    /// `Caused by:`, `Stack trace:`.
    static func startsTrace(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        hasPrefix(bytes, "Traceback (most recent call last)") || hasPrefix(bytes, "goroutine ")
            || hasPrefix(bytes, "Caused by:") || hasPrefix(bytes, "Stack trace:")
            || hasPrefix(bytes, "Backtrace:") || hasPrefix(bytes, "thread '")
    }

    /// Frames of Java, JavaScript, Python, Ruby, Go, Rust and Swift traces.
    static func isTraceLine(_ bytes: UnsafeBufferPointer<UInt8>, afterTrace: Bool) -> Bool {
        var i = 0
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        let rest = UnsafeBufferPointer(rebasing: bytes[i...])
        if i > 0 {
            if hasPrefix(rest, "at ") || hasPrefix(rest, "File \"") || hasPrefix(rest, "from ")
                || hasPrefix(rest, "... ") || hasPrefix(rest, "/") && afterTrace {
                return true
            }
            if afterTrace { return true }
        }
        if hasPrefix(rest, "Caused by:") || hasPrefix(rest, "Traceback (most recent call last)") { return true }
        // Numbered frames: `#3 0x...`, `  3: std::...`
        if rest.first == 0x23, rest.count > 1, rest[1] &- 0x30 < 10 { return true }
        return false
    }

    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let p = prefix.utf8Start
        for k in 0..<count where bytes[k] != p[k] { return false }
        return true
    }
}
