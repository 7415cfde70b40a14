import Foundation

/// Paths and helpers shared by the test targets.
public enum TestPaths {
    /// The package's root directory, found from this file's location.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var snapshotSchema: String { packageRoot.appendingPathComponent("Docs/snapshot.schema.json").path }
    public static var indexSchema: String { packageRoot.appendingPathComponent("Docs/index.schema.json").path }

    /// The directory holding the built products (`personad`, `personactl`): the test bundle's own.
    public static var productsDirectory: URL {
        let arguments = ProcessInfo.processInfo.arguments
        for argument in arguments where argument.contains(".xctest") || argument.hasSuffix("PackageTests") {
            var url = URL(fileURLWithPath: argument)
            while url.pathComponents.count > 1 {
                url.deleteLastPathComponent()
                if FileManager.default.fileExists(atPath: url.appendingPathComponent("personad").path) { return url }
            }
        }
        return packageRoot.appendingPathComponent(".build/debug")
    }
}

/// A fresh directory under the system's temporary directory, removed by `remove()`.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "personad-test") throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Compresses bytes with the system's gzip, as a server with gzip on would send them.
public func gzipped(_ data: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-c", "-n"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(data)
    try input.fileHandleForWriting.close()
    let result = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return result
}

/// A value shared between a test and its server's handlers.
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) { mutex = Mutex(value) }

    public func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }

    public var value: Value { mutex.withLock { $0 } }
}

import Synchronization
