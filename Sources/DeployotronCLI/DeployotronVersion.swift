/// The version `deployotron --version` prints: the release, the commit it was built from and when.
///
/// The commit and date come from the GitVersion build plugin, which reads the checkout's `.git` at
/// build time; outside a git checkout the commit is "unknown".
public enum DeployotronVersion {
    public static let current = "0.1.0"

    /// The full commit hash, or "unknown".
    public static var commit: String { BuildInfo.commit }

    /// When the binary's version file was generated (the build of its commit), ISO 8601 in UTC.
    public static var buildDate: String { BuildInfo.date }

    /// `0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-03T21:58:00Z)`.
    public static var description: String {
        let shown = commit == "unknown" ? commit : String(commit.prefix(12))
        return "\(current) (commit \(shown), built \(buildDate))"
    }
}
