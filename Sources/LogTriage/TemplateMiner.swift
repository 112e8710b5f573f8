/// Groups lines into templates the way Drain does (He et al., ICWS 2017), on masked tokens.
///
/// Lines are bucketed by token count and their first token (a token with a variable
/// part goes to a wildcard branch); inside a bucket a line joins the most similar template
/// when at least `similarity` of its positions agree, and the positions that differ become
/// wildcards. An exact-match cache on the masked line skips the search for lines seen before.
/// Memory is bounded: past `maxTemplates` new shapes all land in one overflow template.
struct TemplateMiner {
    struct Cluster {
        var tokens: [UInt64]
        var wildcard: [Bool]
        var text: [String]
        var count: Int
        var firstLine: Int
        var lastLine: Int
        var sample: String
    }

    let similarity: Double
    let maxTemplates: Int
    let maxCacheEntries: Int

    private(set) var clusters: [Cluster] = []
    private var buckets: [UInt64: [Int32]] = [:]
    private var cache: [UInt64: Int32] = [:]
    /// The id of the template that takes every shape once `maxTemplates` is reached.
    private(set) var overflowID: Int32? = nil

    init(similarity: Double = 0.7, maxTemplates: Int = 20_000, maxCacheEntries: Int = 200_000) {
        self.similarity = similarity
        self.maxTemplates = maxTemplates
        self.maxCacheEntries = maxCacheEntries
    }

    /// Tokens of the prefix tree under the length layer; Drain's default depth 4 walks one.
    static let prefixTokens = 1

    static let wildcardKey: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Assigns the masked line to a template and returns its id.
    mutating func add(_ masked: MaskedLine, line: UnsafeBufferPointer<UInt8>, lineNumber: Int) -> Int32 {
        if let id = cache[masked.lineHash] {
            clusters[Int(id)].count += 1
            clusters[Int(id)].lastLine = lineNumber
            return id
        }
        let key = bucketKey(masked)
        let n = masked.count
        var best: Int32 = -1
        var bestScore = -1.0
        var bestWild = -1
        if let candidates = buckets[key] {
            for id in candidates {
                let cluster = clusters[Int(id)]
                var same = 0
                var wild = 0
                for i in 0..<n {
                    if cluster.wildcard[i] {
                        wild += 1
                    } else if cluster.tokens[i] == masked.hashes[i] {
                        same += 1
                    }
                }
                let score = n == 0 ? 1.0 : Double(same) / Double(n)
                if score > bestScore || (score == bestScore && wild > bestWild) {
                    best = id
                    bestScore = score
                    bestWild = wild
                }
            }
        }
        let id: Int32
        // One differing token out of three or more is always a variable (`Compiling a.c`).
        let threshold = n >= 3 ? min(similarity, Double(n - 1) / Double(n)) : similarity
        if best >= 0, bestScore >= threshold || n == 0 {
            id = best
            merge(masked, into: Int(best), line: line)
            clusters[Int(best)].count += 1
            clusters[Int(best)].lastLine = lineNumber
        } else if clusters.count >= maxTemplates {
            id = overflow(lineNumber: lineNumber)
            return id
        } else {
            id = Int32(clusters.count)
            var text: [String] = []
            text.reserveCapacity(masked.count)
            for i in 0..<masked.count { text.append(masked.maskedText(i, in: line)) }
            clusters.append(Cluster(
                tokens: masked.tokenArray,
                wildcard: [Bool](repeating: false, count: masked.count),
                text: text,
                count: 1,
                firstLine: lineNumber,
                lastLine: lineNumber,
                sample: Self.sampleText(line)
            ))
            buckets[key, default: []].append(id)
        }
        if cache.count >= maxCacheEntries { cache.removeAll(keepingCapacity: true) }
        cache[masked.lineHash] = id
        return id
    }

    /// The template text of a cluster, wildcards shown as `<*>`.
    func pattern(_ id: Int32) -> String {
        let cluster = clusters[Int(id)]
        if cluster.text.isEmpty { return "" }
        return cluster.text.joined(separator: " ")
    }

    private mutating func merge(_ masked: MaskedLine, into index: Int, line: UnsafeBufferPointer<UInt8>) {
        for i in 0..<masked.count where !clusters[index].wildcard[i] {
            if clusters[index].tokens[i] != masked.hashes[i] {
                clusters[index].wildcard[i] = true
                clusters[index].text[i] = "<*>"
            }
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

    private func bucketKey(_ masked: MaskedLine) -> UInt64 {
        var key = UInt64(masked.count) &* MaskedLine.fnvPrime
        for i in 0..<min(Self.prefixTokens, masked.count) {
            let token = masked.flags[i] & MaskedLine.hasVariable != 0 ? Self.wildcardKey : masked.hashes[i]
            key = (key ^ token) &* MaskedLine.fnvPrime
        }
        return key
    }

    static func sampleText(_ line: UnsafeBufferPointer<UInt8>, limit: Int = 300) -> String {
        if line.count <= limit { return String(decoding: line, as: UTF8.self) }
        return String(decoding: UnsafeBufferPointer(rebasing: line[0..<limit]), as: UTF8.self) + "…"
    }
}
