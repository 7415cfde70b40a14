import Foundation

/// Runs a program to its end without holding a thread of the cooperative pool while it runs.
///
/// Tests run on a pool of as many threads as cores (two here). A test that waited for a child with
/// `waitUntilExit` (a headless Chromium takes 10–20 s to start here) held a thread the whole time;
/// two such waits at once stalled every other test, the loopback servers' handlers included, for
/// 17–27 s at the suite's start, and once past libcurl's 30 s low-speed limit.
///
/// Standard output and standard error go through files (no pipe can fill and block the child);
/// the exit is awaited through the termination handler.
public func runChild(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                     standardInput: FileHandle? = nil) async throws -> (status: Int32, output: Data, errors: Data) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) } // a temporary directory: nothing to keep
    let outputURL = directory.appendingPathComponent("out"), errorsURL = directory.appendingPathComponent("err")
    guard FileManager.default.createFile(atPath: outputURL.path, contents: nil),
          FileManager.default.createFile(atPath: errorsURL.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    let output = try FileHandle(forWritingTo: outputURL), errors = try FileHandle(forWritingTo: errorsURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = standardInput ?? FileHandle.nullDevice
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        process.terminationHandler = { _ in continuation.resume() }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    try output.close()
    try errors.close()
    return (process.terminationStatus, try Data(contentsOf: outputURL), try Data(contentsOf: errorsURL))
}
