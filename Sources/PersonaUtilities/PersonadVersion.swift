/// personad's version, in one place: `personad --version`, the User-Agent, the `.deb`'s version.
public enum PersonadVersion {
    public static let current = "0.1.0"
}
