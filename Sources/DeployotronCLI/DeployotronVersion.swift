/// The version `deployotron --version` prints.
public enum DeployotronVersion {
    public static let current = "0.1.0"
}
