import Foundation

/// The bench driver's stand-in for deployotron's `Locations.BundledFiles`: the package embeds the
/// shipped files with a build plugin, the driver reads the one LogTriage needs from the checkout.
public enum BundledFiles {
    /// `Sources/LogTriage/Resources/signatures.json` of the checkout the driver sits in.
    public static var signatures: Data {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = root.appendingPathComponent("Sources/LogTriage/Resources/signatures.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            fatalError("logtriage-bench: cannot read \(url.path)")
        }
        return data
    }
}
