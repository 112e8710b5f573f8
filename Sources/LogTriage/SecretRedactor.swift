import Foundation

/// Replaces secrets in text with `[REDACTED]` before the text leaves the machine.
///
/// Covers AWS access key ids and secret keys, Anthropic, OpenAI, GitHub, Slack, Stripe and
/// Google keys, bearer tokens, passwords in URLs, JWTs, PEM private keys (whole or cut by an
/// excerpt window), and the values of variables whose names say key, secret, token or
/// password. It errs towards redacting: a false positive costs a hidden value, a miss leaks one.
public struct SecretRedactor: Sendable {
    /// What replaces a secret.
    public static let mask = "[REDACTED]"

    private struct Rule: @unchecked Sendable {
        let regex: NSRegularExpression
        /// The capture group replaced; 0 for the whole match.
        let group: Int
    }

    private let rules: [Rule]

    public init() {
        rules = Self.patterns.map { pattern, group, caseless in
            // The patterns are constants; a failure here is a programming error caught by the tests.
            let regex = try! NSRegularExpression(pattern: pattern, options: caseless ? [.caseInsensitive] : [])
            return Rule(regex: regex, group: group)
        }
    }

    /// (pattern, group to replace, ignore case)
    private static let patterns: [(String, Int, Bool)] = [
        // PEM private keys, whole, or from BEGIN to the end of the text when the END was cut off.
        (#"-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\z)"#, 0, false),
        // Lines that are only base64 (a key body whose BEGIN line was cut off).
        (#"(?m)^[ \t]*[A-Za-z0-9+/]{60,}={0,2}[ \t]*$"#, 0, false),
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
        // Command-line flags: --password x, --token=x
        (#"--(?:password|passwd|token|secret|api-key|access-key|secret-key)(?:[= ])("[^"]*"|'[^']*'|\S+)"#, 1, true),
        // AWS secret access keys: 40 base64 characters with upper, lower and digits.
        (#"(?<![A-Za-z0-9+/=])(?=[A-Za-z0-9+/]{0,39}[A-Z])(?=[A-Za-z0-9+/]{0,39}[a-z])(?=[A-Za-z0-9+/]{0,39}[0-9])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])"#, 0, false),
    ]

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
                if value == Self.mask || value == "\"\(Self.mask)\"" || value == "'\(Self.mask)'" { continue }
                let quoted = value.count >= 2 && (value.first == "\"" || value.first == "'") && value.last == value.first
                mutable.replaceCharacters(in: range, with: quoted ? "\(value.first!)\(Self.mask)\(value.first!)" : Self.mask)
            }
            current = String(mutable)
        }
        return current
    }
}
