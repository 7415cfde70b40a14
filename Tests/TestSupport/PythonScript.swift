import Foundation

/// Runs a Python script with `python3` from the PATH (tests that check personad's output with a
/// reference parser, e.g. Prometheus' `prometheus_client`). Returns its exit status and stdout.
public func runPython(_ script: String, arguments: [String]) throws -> (status: Int32, output: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, data)
}
