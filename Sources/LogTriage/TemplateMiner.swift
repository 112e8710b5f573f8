/// Groups lines into templates the way Drain does (He et al., ICWS 2017), on masked tokens.
///
/// Lines are bucketed by token count and their first two tokens (a `<*>` token, and a path in
/// the second place, go to a wildcard branch); inside a bucket a line joins the most similar
/// template when at least `similarity` of its positions agree, and the positions that differ
/// become wildcards, except that a differing plain word (`startup`, `shutdown`) first starts a
/// template of its own, `maxVariants` times per family. An exact-match cache on the masked line
/// skips the search for lines seen before. Memory is bounded: past `maxTemplates` new shapes
/// all land in one overflow template, and a template keeps at most `patternBytes` of text.
struct TemplateMiner {
    struct Cluster {
        var tokens: [UInt64]
        var wildcard: [Bool]
        /// The masked text of the first tokens, as many as fit in `patternBytes`.
        var text: [String]
        var count: Int
        var firstLine: Int
        var lastLine: Int
        var sample: String
        /// Positions holding a plain word: no variable part, no path.
        var plain: [Bool] = []
        /// Templates split off this one's family because a plain word differed.
        var variants = 0
    }

    /// A bucket of the prefix tree: the token count and the first token (or `wildcardKey`).
    ///
    /// Dictionary keys compare field by field, so two shapes whose hashes collide stay in
    /// different buckets: every template in a bucket has exactly as many tokens as a line
    /// looked up with that key. Comparing and merging index both with one range because of it.
    struct Bucket: Hashable {
        var count: Int
        var first: UInt64
    }

    let similarity: Double
    let maxTemplates: Int

    private(set) var clusters: [Cluster] = []
    private var buckets: [Bucket: [Int32]] = [:]
    /// How many second tokens each first token has branched into.
    private var secondTokens: [Bucket: Int] = [:]
    private var cache: SeenLines
    /// The id of the template that takes every shape once `maxTemplates` is reached.
    private(set) var overflowID: Int32? = nil

    init(similarity: Double = 0.7, maxTemplates: Int = 20_000, maxCacheEntries: Int = 200_000) {
        self.similarity = similarity
        // Ids are Int32 and one id is kept for the overflow template.
        self.maxTemplates = min(max(0, maxTemplates), Int(Int32.max) - 1)
        cache = SeenLines(limit: maxCacheEntries)
    }

    /// Second tokens a first token branches into before new ones share the wildcard branch
    /// (Drain's `max_children`): `HBM brightnessIn` and `HBM brightnessOut` stay apart, a
    /// line per test name does not make a template per test.
    static let maxSecondTokens = 8

    static let wildcardKey: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Text kept per template for its pattern; a longer pattern ends in ` …`.
    static let patternBytes = 1_024

    /// Assigns the masked line to a template and returns its id.
    mutating func add(_ masked: MaskedLine, line: UnsafeBufferPointer<UInt8>, lineNumber: Int) -> Int32 {
        if let id = cache.lookup(count: masked.count, hash: masked.lineHash) {
            clusters[Int(id)].count += 1
            clusters[Int(id)].lastLine = lineNumber
            return id
        }
        let key = bucket(masked)
        let n = masked.count
        var best: Int32 = -1
        var bestScore = -1.0
        var bestWild = -1
        for id in buckets[key] ?? [] {
            let (same, wild) = Self.agreement(masked, clusters[Int(id)])
            let score = n == 0 ? 1.0 : Double(same) / Double(n)
            if score > bestScore || (score == bestScore && wild > bestWild) {
                best = id
                bestScore = score
                bestWild = wild
            }
        }
        let id: Int32
        // One differing token out of three or more is always a variable (`Compiling a.c`).
        let threshold = n >= 3 ? min(similarity, Double(n - 1) / Double(n)) : similarity
        let split = best >= 0 && clusters[Int(best)].variants < Self.maxVariants
            && Self.differsInAPlainWord(masked, clusters[Int(best)])
        if best >= 0, bestScore >= threshold || n == 0, !split {
            id = best
            merge(masked, into: Int(best))
            clusters[Int(best)].count += 1
            clusters[Int(best)].lastLine = lineNumber
        } else if clusters.count >= maxTemplates {
            // Cached like any other answer: a shape seen again past the cap is not searched again.
            id = overflow(lineNumber: lineNumber)
        } else {
            id = Int32(clusters.count)
            clusters.append(Cluster(
                tokens: masked.tokenArray,
                wildcard: [Bool](repeating: false, count: n),
                text: Self.patternText(masked, line: line),
                count: 1,
                firstLine: lineNumber,
                lastLine: lineNumber,
                sample: Self.sampleText(line),
                plain: (0..<n).map { masked.flags[$0] & (MaskedLine.hasVariable | MaskedLine.pathLike) == 0 },
                variants: split ? clusters[Int(best)].variants + 1 : 0
            ))
            if split { clusters[Int(best)].variants += 1 }
            buckets[key, default: []].append(id)
        }
        cache.insert(count: masked.count, hash: masked.lineHash, id: id)
        return id
    }

    /// The template text of a cluster, wildcards shown as `<*>`.
    func pattern(_ id: Int32) -> String {
        let cluster = clusters[Int(id)]
        if cluster.text.isEmpty { return "" }
        let text = cluster.text.joined(separator: " ")
        return cluster.text.count < cluster.tokens.count ? text + " …" : text
    }

    /// Positions where the line and a template of its bucket agree, and the template's wildcards.
    private static func agreement(_ masked: MaskedLine, _ cluster: Cluster) -> (same: Int, wild: Int) {
        var same = 0
        var wild = 0
        // Same bucket, same token count: `cluster.tokens.indices` is `0..<masked.count`.
        for i in cluster.tokens.indices {
            if cluster.wildcard[i] {
                wild += 1
            } else if cluster.tokens[i] == masked.hashes[i] {
                same += 1
            }
        }
        return (same, wild)
    }

    /// Whether the line has another plain word where the template has one (`startup` and
    /// `shutdown`, `HTTPS` and `SOCKS5`).
    private static func differsInAPlainWord(_ masked: MaskedLine, _ cluster: Cluster) -> Bool {
        guard cluster.plain.count == cluster.tokens.count else { return false }
        for i in cluster.tokens.indices where !cluster.wildcard[i] && cluster.plain[i]
            && cluster.tokens[i] != masked.hashes[i]
            && (masked.flags[i] & (MaskedLine.hasVariable | MaskedLine.pathLike) == 0
                || masked.flags[i] & MaskedLine.namedVariable != 0) {
            return true
        }
        return false
    }

    /// Templates a family splits into over plain words before the word becomes a wildcard:
    /// `startup` and `shutdown` stay apart, the user names of `Failed password for NAME` merge
    /// after a few.
    static let maxVariants = 4

    private mutating func merge(_ masked: MaskedLine, into index: Int) {
        // Same bucket, same token count: `tokens.indices` is `0..<masked.count`.
        for i in clusters[index].tokens.indices
        where !clusters[index].wildcard[i] && clusters[index].tokens[i] != masked.hashes[i] {
            clusters[index].wildcard[i] = true
            if i < clusters[index].text.count { clusters[index].text[i] = "<*>" }
        }
    }

    private mutating func overflow(lineNumber: Int) -> Int32 {
        if let overflowID {
            clusters[Int(overflowID)].count += 1
            clusters[Int(overflowID)].lastLine = lineNumber
            return overflowID
        }
        let id = Int32(clusters.count)
        clusters.append(Cluster(tokens: [], wildcard: [], text: ["<other lines>"], count: 1,
                                firstLine: lineNumber, lastLine: lineNumber, sample: ""))
        overflowID = id
        return id
    }

    /// The bucket of a line: its token count and its first token, then, as Drain's prefix tree
    /// does, its second: a `<*>` token, a file, path or dotted name (`Compiling a.c`), and any
    /// new second token once a first token has `maxSecondTokens` of them (one line per test
    /// name: `✓ testThatX (0.06 seconds)`) take the wildcard key.
    private mutating func bucket(_ masked: MaskedLine) -> Bucket {
        guard masked.count > 0 else { return Bucket(count: 0, first: 0) }
        let first = masked.flags[0] & MaskedLine.allVariable != 0 ? Self.wildcardKey : masked.hashes[0]
        let top = Bucket(count: masked.count, first: first)
        guard masked.count > 1 else { return top }
        let flags = masked.flags[1]
        var second = Self.wildcardKey
        if flags & (MaskedLine.allVariable | MaskedLine.pathLike) == 0 {
            second = masked.hashes[1]
        }
        var key = Bucket(count: masked.count, first: (first ^ second) &* MaskedLine.fnvPrime ^ 1)
        if second != Self.wildcardKey, buckets[key] == nil {
            let known = secondTokens[top, default: 0]
            if known >= Self.maxSecondTokens {
                key = Bucket(count: masked.count, first: (first ^ Self.wildcardKey) &* MaskedLine.fnvPrime ^ 1)
            } else {
                secondTokens[top] = known + 1
            }
        }
        return key
    }

    /// The masked text of the line's first tokens, at most `patternBytes` in all.
    static func patternText(_ masked: MaskedLine, line: UnsafeBufferPointer<UInt8>) -> [String] {
        var text: [String] = []
        var room = patternBytes
        for i in 0..<masked.count where room > 0 {
            let token = masked.maskedText(i, in: line, limit: room)
            room -= token.utf8.count + 1
            text.append(token)
        }
        return text
    }

    static func sampleText(_ line: UnsafeBufferPointer<UInt8>, limit: Int = 300) -> String {
        if line.count <= limit { return String(decoding: line, as: UTF8.self) }
        return String(decoding: UnsafeBufferPointer(rebasing: line[0..<limit]), as: UTF8.self) + "…"
    }
}
