import Foundation

/// Replaces secrets in text with `[REDACTED]` before the text leaves the machine.
///
/// Covers AWS access key ids and secret keys, Anthropic, OpenAI, GitHub, GitLab, Slack, Stripe,
/// Google, SendGrid, Docker Hub, Hugging Face and Twilio keys, Azure account keys, bearer tokens,
/// passwords in URLs, in `mysql -p…` and `curl -u user:…`, JWTs, PEM private keys (whole, or cut by
/// an excerpt window or a read offset at either end), the values of variables whose names say key,
/// secret, token or password (`PGPASSWORD` too), and any high-entropy value after a name or CLI flag
/// that says so. It errs towards redacting: a false positive costs a hidden value, a miss leaks one.
public struct SecretRedactor: Sendable {
    /// What replaces a secret.
    public static let mask = "[REDACTED]"

    private struct Rule: @unchecked Sendable {
        let regex: NSRegularExpression
        /// The capture group replaced; 0 for the whole match.
        let group: Int
        /// Whether a matched value is a secret; nil: every match is.
        let accepts: (@Sendable (String) -> Bool)?
    }

    private let rules: [Rule]

    public init() {
        let compile = { (pattern: String, caseless: Bool) in
            // The patterns are constants; a failure here is a programming error caught by the tests.
            try! NSRegularExpression(pattern: pattern, options: caseless ? [.caseInsensitive] : [])
        }
        rules = Self.patterns.map { pattern, group, caseless in
            Rule(regex: compile(pattern, caseless), group: group, accepts: nil)
        } + [Rule(regex: compile(Self.namedValuePattern, true), group: 1, accepts: Self.looksRandom)]
    }

    /// (pattern, group to replace, ignore case)
    private static let patterns: [(String, Int, Bool)] = [
        // PEM private keys, whole, or from BEGIN to the end of the text when the END was cut off.
        (#"-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\z)"#, 0, false),
        // Lines that are only base64 (a key body whose BEGIN line was cut off).
        (#"(?m)^[ \t]*[A-Za-z0-9+/]{60,}={0,2}[ \t]*$"#, 0, false),
        // The short last lines of a key body, up to its END line (read from an offset past BEGIN).
        (#"(?m)(?:^[ \t]*[A-Za-z0-9+/]{4,}={0,2}[ \t]*\r?\n){1,100}(?=[ \t]*-----END[A-Z0-9 ]*PRIVATE KEY)"#, 0, false),
        // Anthropic, OpenAI.
        (#"sk-ant-[A-Za-z0-9_\-]{10,}"#, 0, false),
        (#"\bsk-(?:proj-)?[A-Za-z0-9_\-]{20,}"#, 0, false),
        // GitHub tokens.
        (#"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"#, 0, false),
        // Slack, Stripe, Google, npm.
        (#"\bxox[abposr]-[A-Za-z0-9\-]{10,}"#, 0, false),
        (#"\b[rs]k_(?:live|test)_[A-Za-z0-9]{10,}"#, 0, false),
        (#"\bAIza[0-9A-Za-z_\-]{35}"#, 0, false),
        (#"\bnpm_[A-Za-z0-9]{36}\b"#, 0, false),
        // GitLab, Docker Hub, Hugging Face, SendGrid, Twilio API keys.
        (#"\bglpat-[A-Za-z0-9_\-]{20,}"#, 0, false),
        (#"\bdckr_pat_[A-Za-z0-9_\-]{20,}"#, 0, false),
        (#"\bhf_[A-Za-z0-9]{30,}"#, 0, false),
        (#"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"#, 0, false),
        (#"\bSK[0-9a-fA-F]{32}\b"#, 0, false),
        // Azure storage and service bus connection strings.
        (#"\b(?:AccountKey|SharedAccessKey|SharedAccessSignature)\s*=\s*([^;\s"']+)"#, 1, true),
        // `mysql -pPASSWORD` (the password glued to -p; `-p` alone prompts) and `curl -u user:password`.
        (#"\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlsh|mariadb|mariadb-dump)\b[^\n]*?\s-p([^\s\-][^\s]*)"#, 1, false),
        (#"\bcurl\b[^\n]*?\s(?:-u\s*|--user[= ]\s*)["']?[^\s:"']*:([^\s"']+)"#, 1, false),
        // Names that end in password, secret or token with no separator: PGPASSWORD=, MYSQL_PWD=, dbpassword:
        (#"\b[A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|_PWD)["']?\s*[:=]\s*("[^"\n]*"|'[^'\n]*'|[^\s"',;&]+)"#, 1, true),
        // AWS access key ids.
        (#"\b(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16}\b"#, 0, false),
        // JWTs.
        (#"\beyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}"#, 0, false),
        // Passwords in URLs: scheme://user:password@host
        (#"[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:([^\s@/]+)@"#, 1, false),
        // Authorization headers and bearer tokens.
        (#"\b(?:authorization\s*[:=]\s*(?:bearer|basic|token)?|bearer)\s+([A-Za-z0-9._~+/\-=]{8,})"#, 1, true),
        // Values of variables named like *_KEY, *_SECRET, *_TOKEN, PASSWORD (NAME=v, NAME: v, "NAME": "v").
        (#"\b(?:[A-Za-z0-9]+[_.\-])*(?:KEY|SECRET|TOKEN|PASSWORD|PASSWD|PWD|PASS|APIKEY|CREDENTIALS?|PRIVATE_KEY)(?:[_.\-][A-Za-z0-9]+)*["']?\s*[:=]\s*("[^"\n]*"|'[^'\n]*'|[^\s"',;&]+)"#, 1, true),
        // camelCase names: apiKey=…, clientSecret: …, accessToken=…
        (#"\b[a-z][a-z0-9]*(?:Key|Secret|Token|Password)["']?\s*[:=]\s*("[^"\n]*"|'[^'\n]*'|[^\s"',;&]+)"#, 1, false),
        // Command-line flags: --password x, --token=x, --db-password=x, --client-secret x
        (#"--(?:[a-z0-9]+-)*(?:password|passwd|token|secret|api-key|apikey|access-key|secret-key)(?:[= ])("[^"]*"|'[^']*'|\S+)"#, 1, true),
        // AWS secret access keys: 40 base64 characters with upper, lower and digits.
        (#"(?<![A-Za-z0-9+/=])(?=[A-Za-z0-9+/]{0,39}[A-Z])(?=[A-Za-z0-9+/]{0,39}[a-z])(?=[A-Za-z0-9+/]{0,39}[0-9])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])"#, 0, false),
    ]

    /// Any name or flag that says pass, secret, token, key, auth or credential, then a value: the
    /// value is redacted when it looks random (`looksRandom`), whatever the format.
    private static let namedValuePattern =
        #"(?:--?|\b)[A-Za-z0-9_.\-]*(?:pass|secret|token|key|auth|cred|pwd|signature)[A-Za-z0-9_.\-]*["']?(?:\s*[:=]\s*|\s+)["']?([A-Za-z0-9+/=_.~\-]{12,})"#

    /// Whether a value looks machine-made: at least 12 characters, two of lowercase, uppercase and
    /// digits, and at least 3 bits of entropy per character (words and version numbers have less).
    static func looksRandom(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count >= 12, value != mask else { return false }
        let classes = [
            bytes.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") },
            bytes.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") },
            bytes.contains { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") },
        ].filter { $0 }.count
        guard classes >= 2 else { return false }
        var counts: [UInt8: Int] = [:]
        for byte in bytes { counts[byte, default: 0] += 1 }
        let total = Double(bytes.count)
        let entropy = counts.values.reduce(0.0) { sum, count in
            let p = Double(count) / total
            return sum - p * log2(p)
        }
        return entropy >= 3.0
    }

    /// `text` with every recognised secret replaced by `[REDACTED]`.
    public func redact(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var current = text
        for rule in rules {
            let ns = current as NSString
            let matches = rule.regex.matches(in: current, range: NSRange(location: 0, length: ns.length))
            guard !matches.isEmpty else { continue }
            let mutable = NSMutableString(string: current)
            for match in matches.reversed() {
                let range = match.range(at: rule.group)
                guard range.location != NSNotFound, range.length > 0 else { continue }
                let value = ns.substring(with: range)
                if let accepts = rule.accepts, !accepts(value) { continue }
                if value == Self.mask || value == "\"\(Self.mask)\"" || value == "'\(Self.mask)'" { continue }
                let quoted = value.count >= 2 && (value.first == "\"" || value.first == "'") && value.last == value.first
                mutable.replaceCharacters(in: range, with: quoted ? "\(value.first!)\(Self.mask)\(value.first!)" : Self.mask)
            }
            current = String(mutable)
        }
        return current
    }
}
