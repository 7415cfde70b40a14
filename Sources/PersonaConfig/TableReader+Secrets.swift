import Foundation
import PersonaModel
import PersonaSources
import PersonaUtilities
import TOMLKit
#if canImport(Glibc)
import Glibc
#endif

/// A source's secret: `token_file = PATH` (relative to the file that names it) or
/// `credential = NAME` (the file NAME in `$CREDENTIALS_DIRECTORY`, which systemd's
/// `LoadCredential=` fills). Read when the configuration is loaded (and again on every reload, so
/// a rotated token is picked up by SIGHUP); an error names the file, never its content.
extension TableReader {
    /// Secrets are small: a token or a `client_id:client_secret` line.
    static let maximumSecretBytes = 16 * 1024

    func secret(_ table: TOMLTable, descriptor: any NetworkDescriptor, kind: SourceKind, at path: KeyPath) throws(ConfigError) -> Secret? {
        let tokenFile = try string(table, "token_file", at: path)
        let credential = try string(table, "credential", at: path)
        guard tokenFile != nil || credential != nil else { return nil }
        let key = tokenFile != nil ? "token_file" : "credential"
        guard tokenFile == nil || credential == nil else {
            throw fail(path.appending("credential"), "give either 'token_file' or 'credential', not both")
        }
        guard descriptor.secrets[kind] != nil else {
            let takers = SourceRegistry.networks.flatMap { network in
                network.kinds.filter { network.secrets[$0] != nil }.map { "\(network.displayName) '\($0)'" }
            }
            throw fail(path.appending(key), "a \(descriptor.displayName) \(kind) source takes no secret (only \(takers.joined(separator: " and ")) sources do)")
        }
        guard readSecrets else { return nil }
        let file: String
        let origin: String
        if let tokenFile {
            file = absolute(tokenFile)
            origin = "token_file \(file)"
            // Like ssh with a private key: a token every local user may read is refused.
            var info = stat()
            if stat(file, &info) == 0, info.st_mode & S_IROTH != 0 {
                throw fail(path.appending(key), "\(file) is readable by every user; make it private (chmod 600, or 640 with the daemon's group)")
            }
        } else {
            let name = credential ?? ""
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw fail(path.appending(key), "'\(name)' is not a credential name (a file name in $CREDENTIALS_DIRECTORY, as LoadCredential= gives it)")
            }
            guard let directory = credentialsDirectory, !directory.isEmpty else {
                throw fail(path.appending(key), "credential '\(name)': $CREDENTIALS_DIRECTORY is not set (systemd sets it for LoadCredential=\(name):PATH; outside systemd use token_file)")
            }
            file = (directory as NSString).appendingPathComponent(name)
            origin = "credential \(name)"
        }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
            defer { try? handle.close() } // read-only handle: closing cannot lose anything
            data = try handle.read(upToCount: Self.maximumSecretBytes + 1) ?? Data()
        } catch {
            throw fail(path.appending(key), "cannot read \(file) (\(error.localizedDescription))")
        }
        guard data.count <= Self.maximumSecretBytes else {
            throw fail(path.appending(key), "\(file) is larger than \(Self.maximumSecretBytes) bytes: not a token")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw fail(path.appending(key), "\(file) is not UTF-8 text") }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw fail(path.appending(key), "\(file) is empty") }
        guard !value.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw fail(path.appending(key), "\(file) holds more than one line; it must hold the secret alone")
        }
        if let problem = descriptor.secretProblem(kind: kind, value) { throw fail(path.appending(key), "\(file): \(problem)") }
        return Secret(value, origin: origin)
    }
}
