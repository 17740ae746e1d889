// Runs the built `fovea` executable the way a user would and captures what it prints.

import Foundation

/// The result of one `fovea` run.
struct CommandResult {
    let status: Int32
    let output: String
    let error: String
}

/// Runs `fovea` with `arguments` (and extra environment variables) and waits for it.
func runFovea(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    let process = Process()
    process.executableURL = try foveaExecutable()
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting so a chatty process cannot fill the pipe and block.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus,
                         output: String(decoding: outData, as: UTF8.self),
                         error: String(decoding: errData, as: UTF8.self))
}

struct ExecutableNotFound: Error, CustomStringConvertible {
    let searched: [String]
    var description: String { "the fovea executable was not found; looked in \(searched)" }
}

/// The `fovea` binary SwiftPM built beside the test bundle.
func foveaExecutable() throws -> URL {
    var candidates: [URL] = []
    var directory = Bundle.main.bundleURL
    for _ in 0..<3 {
        candidates.append(directory.appendingPathComponent("fovea"))
        directory = directory.deletingLastPathComponent()
    }
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("fovea"))
    }
    if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) { return found }
    throw ExecutableNotFound(searched: candidates.map(\.path))
}

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
