import Foundation

/// Runs a Python script with `python3` from the PATH (tests that check personad's output with a
/// reference parser, e.g. Prometheus' `prometheus_client`). Returns its exit status and stdout.
/// Awaited without holding a thread of the test pool (`runChild`).
public func runPython(_ script: String, arguments: [String]) async throws -> (status: Int32, output: Data) {
    let result = try await runChild("/usr/bin/env", ["python3", "-c", script] + arguments)
    return (result.status, result.output)
}
