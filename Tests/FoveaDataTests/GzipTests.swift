// Gzip: round trips, multi-member streams, detection by magic bytes, truncated and corrupt input.

import FoveaData
import Foundation
import Testing

@Suite struct GzipTests {
    @Test func roundTripOfRandomAndCompressibleData() throws {
        var generator = SeededGenerator(seed: 7)
        let random = (0..<300_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let zeros = [UInt8](repeating: 0, count: 2_000_000)  // ratio ~1000: exercises output growth
        for original in [random, zeros, []] {
            let compressed = try gzip(original)
            #expect(isGzip(compressed))
            #expect(try gunzip(compressed) == original)
            #expect(try gunzip(Data(compressed)) == original)
        }
    }

    @Test func concatenatedMembersDecodeInOrder() throws {
        let a: [UInt8] = Array("first member, ".utf8), b: [UInt8] = Array("second member".utf8)
        #expect(try gunzip(gzip(a) + gzip(b)) == a + b)
        #expect(try readDataFile(atPath: fixture("multi-member.idx3-ubyte.gz")) == fileBytes(fixture("images.idx3-ubyte")))
    }

    @Test func pythonGzipFixtureMatchesRawFile() throws {
        let raw = try fileBytes(fixture("images.idx3-ubyte"))
        #expect(try gunzip(fileBytes(fixture("images.idx3-ubyte.gz")), path: "images.gz") == raw)
        // Detection is by magic bytes, not by name: both directions.
        #expect(try readDataFile(atPath: fixture("gzip-no-suffix.idx3-ubyte")) == raw)
        #expect(try readDataFile(atPath: fixture("images.idx3-ubyte")) == raw)
    }

    @Test func truncatedInputIsReportedAsTruncated() throws {
        let path = try fixture("truncated.idx3-ubyte.gz")
        #expect(throws: DataError.truncatedGzip(path: path)) { try readDataFile(atPath: path) }
        let whole = try gzip(Array(repeating: 42, count: 10_000))
        for cut in [1, 2, 10, whole.count / 2, whole.count - 1] {
            #expect(throws: DataError.truncatedGzip(path: "cut")) { try gunzip(Array(whole.prefix(cut)), path: "cut") }
        }
        #expect(throws: DataError.truncatedGzip(path: "empty")) { try gunzip([UInt8](), path: "empty") }
    }

    @Test func corruptInputIsReportedWithZlibsMessage() throws {
        let path = try fixture("corrupt.idx3-ubyte.gz")
        do {
            _ = try readDataFile(atPath: path)
            Issue.record("corrupt data decoded without error")
        } catch let DataError.corruptGzip(errorPath, message) {
            #expect(errorPath == path)
            #expect(!message.isEmpty)
            #expect("\(DataError.corruptGzip(path: errorPath, message: message))".contains(path))
        }
        // A flipped CRC byte in the trailer: zlib says "incorrect data check".
        var damaged = try gzip(Array("some bytes to check".utf8))
        damaged[damaged.count - 6] ^= 0xFF
        #expect(throws: DataError.corruptGzip(path: "crc", message: "incorrect data check")) { try gunzip(damaged, path: "crc") }
        // Garbage after the last member.
        #expect(throws: DataError.self) { try gunzip(gzip([1, 2, 3]) + [9, 9, 9], path: "tail") }
    }

    @Test func missingFileAndDirectory() throws {
        #expect(throws: DataError.fileNotFound(path: "/nonexistent/fovea/file.gz")) {
            try readDataFile(atPath: "/nonexistent/fovea/file.gz")
        }
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: DataError.unreadable(path: directory, reason: "it is a directory")) { try readDataFile(atPath: directory) }
    }
}
