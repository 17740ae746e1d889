// Helpers for FoveaDataTests: fixture paths and throw-away directories.

import Foundation
import Testing

/// The path of a committed fixture file (see Fixtures/make_fixtures.py).
func fixture(_ name: String) throws -> String {
    let directory = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return directory.appendingPathComponent(name).path
}

/// A fresh, empty directory under the system temporary directory.
func makeTemporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-data-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// Copies fixture `name` to `directory/newName`, creating `directory` if needed.
func copyFixture(_ name: String, to directory: String, as newName: String) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: fixture(name), toPath: directory + "/" + newName)
}

/// The bytes of a file.
func fileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Whether two floats agree within an absolute tolerance.
func close(_ a: Float, _ b: Float, tolerance: Float = 1e-6) -> Bool {
    abs(a - b) <= tolerance
}
