/// The release version of swinit and rebound: what `--version` prints, what the Debian packages carry
/// (scripts/package-deb reads it from this line) and the newest heading of CHANGELOG.md. Bump all of
/// them here, in one place, following Semantic Versioning for ProcessKit's public API.
public enum ReleaseVersion {
    /// MAJOR.MINOR.PATCH.
    public static let number = "0.2.0"
}
