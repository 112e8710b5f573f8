import Testing
@testable import LogTriage

@Suite struct SecretRedactorTests {
    let redactor = SecretRedactor()

    /// Secrets in the places they turn up in real logs. Each `secret` must be gone after redaction.
    static let corpus: [(line: String, secret: String)] = [
        ("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
        ("Using credentials ASIAY34FZKBOKMUTVV7A from environment", "ASIAY34FZKBOKMUTVV7A"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("secret: je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY in the config dump", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"),
        ("found key wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE90 in .env", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE90"),
        ("ANTHROPIC_API_KEY=sk-ant-api03-abcDEF123_ghiJKL456-mnoPQR789stuVWX", "sk-ant-api03-abcDEF123_ghiJKL456-mnoPQR789stuVWX"),
        ("curl -H 'x-api-key: sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4' https://api.anthropic.com/v1/messages", "sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4"),
        ("remote: https://x-access-token:ghs_16C7e42F292c6912E7710c838347Ae178B4a@github.com/acme/app.git", "ghs_16C7e42F292c6912E7710c838347Ae178B4a"),
        ("GITHUB_TOKEN: ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
        ("token github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz used", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"),
        ("DATABASE_URL=postgres://app:Sup3r-S3cret!@db.internal:5432/app", "Sup3r-S3cret!"),
        ("Connecting to mongodb+srv://admin:hunter2hunter2@cluster0.abcde.mongodb.net/test", "hunter2hunter2"),
        ("redis://:p4ssw0rdRedis@cache:6379/0 connection refused", "p4ssw0rdRedis"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
         "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
        ("set-cookie: session=eyJhbGciOiJSUzI1NiJ9.eyJ1c2VyIjoiYm9iIn0.c2lnbmF0dXJlc2lnbmF0dXJl; Path=/", "eyJhbGciOiJSUzI1NiJ9.eyJ1c2VyIjoiYm9iIn0.c2lnbmF0dXJlc2lnbmF0dXJl"),
        ("Authorization: Basic YWRtaW46cGFzc3dvcmQxMjM=", "YWRtaW46cGFzc3dvcmQxMjM="),
        ("STRIPE_SECRET_KEY=sk_live_51H8abcdefGHIJKLmnop", "sk_live_51H8abcdefGHIJKLmnop"),
        ("JWT_SECRET='correct horse battery staple'", "correct horse battery staple"),
        ("  \"password\": \"tr0ub4dor&3\",", "tr0ub4dor&3"),
        ("DB_PASSWORD: letmein2024", "letmein2024"),
        ("PASSWORD=plainpassword", "plainpassword"),
        ("SESSION_TOKEN=abc123def456ghi789", "abc123def456ghi789"),
        ("npm config set //registry.npmjs.org/:_authToken=npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
        ("clientSecret=Qm9ndXNTZWNyZXRWYWx1ZQ", "Qm9ndXNTZWNyZXRWYWx1ZQ"),
        ("mysql -u root --password=rootpw123 -h db", "rootpw123"),
        ("SLACK_WEBHOOK xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
        ("GOOGLE_MAPS AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY loaded", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
        // Issue 15, item 6: each of these survived redaction. Every value is made up.
        ("+ mysql -u root -pS3cretCLIpw -h db app < dump.sql", "S3cretCLIpw"),
        ("mysqldump --single-transaction -uadmin -pFakeDumpPw42 shop", "FakeDumpPw42"),
        ("export PGPASSWORD=fake-pg-pass-7731", "fake-pg-pass-7731"),
        ("MYSQL_PWD=notreal99 mysql -u app", "notreal99"),
        ("curl -u admin:password https://registry.example.com/v2/", "password"),
        ("curl -s --user deploy:Fake-Curl-Pw-19 -X POST https://ci.example.com/hook", "Fake-Curl-Pw-19"),
        ("DefaultEndpointsProtocol=https;AccountName=fakeacct;AccountKey=ZmFrZWF6dXJla2V5ZmFrZWF6dXJla2V5ZmFrZWF6dXJla2V5ZmFrZQ==;EndpointSuffix=core.windows.net",
         "ZmFrZWF6dXJla2V5ZmFrZWF6dXJla2V5ZmFrZWF6dXJla2V5ZmFrZQ=="),
        ("Endpoint=sb://fake.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=FakeSharedKey0123456789abcdefXYZ=", "FakeSharedKey0123456789abcdefXYZ="),
        ("sendgrid: using SG.fAkEsEnDgRiDkEy0123456.fAkEsEnDgRiDsEcReT0123456789abcdefghijklmnop", "SG.fAkEsEnDgRiDkEy0123456.fAkEsEnDgRiDsEcReT0123456789abcdefghijklmnop"),
        ("docker login -u bot --password-stdin <<< dckr_pat_FakeDockerHubToken0123456789", "dckr_pat_FakeDockerHubToken0123456789"),
        ("git clone https://gitlab.example.com/acme/app.git # glpat-FakeGitLabToken012345", "glpat-FakeGitLabToken012345"),
        ("huggingface-cli login --token hf_FakeHuggingFaceTokenAbCdEfGhIjKlMnOp", "hf_FakeHuggingFaceTokenAbCdEfGhIjKlMnOp"),
        ("twilio api key SK0123456789abcdef0123456789abcdef created", "SK0123456789abcdef0123456789abcdef"),
        // The general rule: a random-looking value after a name or a flag that says what it is.
        ("db_pass: Xk93jfLq02mZpR7t", "Xk93jfLq02mZpR7t"),
        ("deploy --vault-token hvs.FakeVaultToken0123AbCd", "hvs.FakeVaultToken0123AbCd"),
        ("using signing key 7fQ2mX9pL4kR8sT1vW3y", "7fQ2mX9pL4kR8sT1vW3y"),
        ("auth=Zq81LmN0pXc4TyB7", "Zq81LmN0pXc4TyB7"),
        ("--client-secret=FakeClientSecret-77", "FakeClientSecret-77"),
    ]

    @Test func noSecretInTheCorpusSurvives() {
        for (line, secret) in Self.corpus {
            let redacted = redactor.redact("2024-05-02T10:00:00Z [build] " + line)
            #expect(!redacted.contains(secret), "leaked from: \(line) -> \(redacted)")
            #expect(redacted.contains(SecretRedactor.mask), "nothing redacted in: \(line)")
        }
    }

    @Test func privateKeysAreRemovedWholeOrCut() {
        let body = (0..<6).map { _ in "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi7WZ0v2+8Ozzm3NHQIFBQcmJj8kNfQ" }.joined(separator: "\n")
        let whole = "writing key\n-----BEGIN RSA PRIVATE KEY-----\n\(body)\n-----END RSA PRIVATE KEY-----\ndone"
        let redacted = redactor.redact(whole)
        #expect(!redacted.contains("MIIEpAIBAAKCAQEA"))
        #expect(redacted.hasPrefix("writing key\n") && redacted.hasSuffix("\ndone"))

        let cutEnd = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"
        #expect(!redactor.redact(cutEnd).contains("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"))

        let cutStart = "[… 12 lines omitted]\n\(body)\n-----END PRIVATE KEY-----"
        #expect(!redactor.redact(cutStart).contains("MIIEpAIBAAKCAQEA"))
    }

    @Test func theTailOfAKeyReadFromAnOffsetIsRemoved() {
        // read_file with an offset past BEGIN: the last full line, the short last line, then END.
        let tail = "[lines 25-27 of 27]\nQm9ndXNGYWtlS2V5Qm9ndXNGYWtlS2V5Qm9ndXNGYWtlS2V5Qm9ndXNGYWtlS2V5Qm9n\nRmFrZUtleVRhaWw0Mg==\n-----END RSA PRIVATE KEY-----\n"
        let redacted = redactor.redact(tail)
        #expect(!redacted.contains("Qm9ndXNGYWtl"))
        #expect(!redacted.contains("RmFrZUtleVRhaWw0Mg=="))
        #expect(redacted.hasPrefix("[lines 25-27 of 27]\n"))
        let openssh = "AAAAFmZha2Uta2V5LWNvbW1lbnQ=\n-----END OPENSSH PRIVATE KEY-----"
        #expect(!redactor.redact(openssh).contains("AAAAFmZha2Uta2V5LWNvbW1lbnQ="))
    }

    @Test func wordsAndVersionsAfterKeyLikeNamesStay() {
        let lines = [
            "primary key constraint violated on table users",
            "auth: authentication succeeded for user deploy",
            "--pass-env-variables enabled",
            "token expired at 2024-05-02T10:00:00Z",
            "cache key node-modules-linux",
        ]
        for line in lines {
            #expect(redactor.redact(line) == line)
        }
    }

    @Test func ordinaryLogTextIsLeftAlone() {
        let lines = [
            "npm ERR! Missing script: \"build\"",
            "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 (HEAD -> main)",
            "primary key constraint violated on table users",
            "Step 3/9 : RUN npm ci --omit=dev",
            "tokenizer loaded 50257 entries",
            "monkey=patched",
            "Server listening on http://0.0.0.0:8080",
        ]
        for line in lines {
            #expect(redactor.redact(line) == line)
        }
    }

    @Test func keepsTheVariableNameAndQuotes() {
        #expect(redactor.redact("API_KEY=\"abc123xyz\"") == "API_KEY=\"[REDACTED]\"")
        #expect(redactor.redact("postgres://app:pw1234@db:5432/x") == "postgres://app:[REDACTED]@db:5432/x")
    }
}
