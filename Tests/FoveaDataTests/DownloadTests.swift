// MD5 and the opt-in download step of the lookup, with an injected fetch (no network needed).

import FoveaData
import Foundation
import Testing

/// Serves fixture files for the canonical URLs and records what was asked for.
private final class FakeServer: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [String] = []
    let files: [String: String]  // URL file name → fixture name
    let failing: Bool

    init(files: [String: String] = ["t10k-images-idx3-ubyte.gz": "images.idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz": "labels.idx1-ubyte.gz"],
         failing: Bool = false) {
        self.files = files
        self.failing = failing
    }

    var requests: [String] { lock.lock(); defer { lock.unlock() }; return log }

    var fetch: BuiltInDataset.Fetch {
        { [self] url in
            lock.lock(); log.append(url.absoluteString); lock.unlock()
            guard !failing, let name = files[url.lastPathComponent] else {
                throw DataError.downloadFailed(url: url.absoluteString, reason: "no network in tests")
            }
            return try Data(contentsOf: URL(fileURLWithPath: fixture(name)))
        }
    }
}

/// The MD5 of the fixtures (python3 hashlib), standing in for the publisher's checksums.
private let fixtureChecksums = ["t10k-images-idx3-ubyte.gz": "79dd3b4a3d24223de13facfa753c6488",
                                "t10k-labels-idx1-ubyte.gz": "bd9500723d8eaecc66212e16c9dabca2"]

@Suite struct DownloadTests {
    @Test func md5MatchesKnownDigests() throws {
        #expect(md5Hex([UInt8]()) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(md5Hex(Array("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(md5Hex(Array("The quick brown fox jumps over the lazy dog".utf8)) == "9e107d9d372bb6826bd81d3542a419d6")
        #expect(md5Hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000)) == "7707d6ae4e027c70eea2a935c2296f21")
        // Lengths around the padding boundaries, against python3's hashlib.md5(bytes(range(n))).
        let expected = [55: "6912ee65fff2d9f9ce2508cddf8bcda0", 56: "51fdd1acda72405dfdfa03fcb85896d7",
                        57: "5320ef4c17ef34a0cf2db763338d25eb", 63: "48a6295221902e8e0938f773a7185e72",
                        64: "b2d3f56bc197fd985d5965079b5e7148", 65: "8bd7053801c768420faf816fadba971c",
                        119: "1c772251899a7ff007400b888d6b2042", 120: "b7ba1efc6022e9ed272f00b8831e26e6",
                        128: "37eff01866ba3f538421b30b7cbefcac"]
        for (n, digest) in expected { #expect(md5Hex((0..<n).map { UInt8($0) }) == digest, "length \(n)") }
        #expect(md5Hex(try fileBytes(fixture("images.idx3-ubyte"))) == "e32095aadae7c7f88f9a56303533ea8b")
    }

    @Test func downloadVerifiesWritesAndReuses() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = BuiltInDataset.fashionMNIST.cacheDirectory(environment: ["HOME": root])
        #expect(cache == root + "/.cache/fovea/fashion-mnist")
        let server = FakeServer()
        let files = try BuiltInDataset.fashionMNIST.download(split: .test, into: cache, checksums: fixtureChecksums, fetch: server.fetch)
        #expect(files.images == cache + "/t10k-images-idx3-ubyte.gz" && files.labels == cache + "/t10k-labels-idx1-ubyte.gz")
        #expect(server.requests == [BuiltInDataset.fashionMNIST.canonicalAddress + "t10k-images-idx3-ubyte.gz",
                                    BuiltInDataset.fashionMNIST.canonicalAddress + "t10k-labels-idx1-ubyte.gz"])
        #expect(try IDXFile.read(path: files.images).dimensions == [3, 4, 5])
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache).sorted() == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"])
        // Verified files already there are kept: no second request.
        let offline = FakeServer(failing: true)
        _ = try BuiltInDataset.fashionMNIST.download(split: .test, into: cache, checksums: fixtureChecksums, fetch: offline.fetch)
        #expect(offline.requests.isEmpty)
        // The files now sit in the cache, which the ordinary lookup finds.
        let dataset = try ImageDataset.fashionMNIST(split: .test, environment: ["HOME": root])
        #expect(dataset.count == 3)
    }

    @Test func checksumMismatchKeepsNothing() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = FakeServer()
        // The published checksums are those of the real files, not of the fixtures the fake server sends.
        #expect(throws: DataError.checksumMismatch(url: BuiltInDataset.mnist.canonicalAddress + "t10k-images-idx3-ubyte.gz",
                                                   expected: "9fb629c4189551a2d022fa330f9573f3",
                                                   actual: "79dd3b4a3d24223de13facfa753c6488")) {
            try BuiltInDataset.mnist.download(split: .test, into: root + "/cache", fetch: server.fetch)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/cache").isEmpty)
    }

    @Test func loadDownloadsOnlyWhenAskedAndNeverForAnExplicitDirectory() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let environment = ["HOME": root + "/home"]
        let server = FakeServer(failing: true)
        // Not asked: no request.
        #expect(throws: DataError.self) {
            try BuiltInDataset.mnist.load(split: .train, environment: environment, systemRoot: root + "/system", fetch: server.fetch)
        }
        #expect(server.requests.isEmpty)
        // Explicit directory: no request even when asked.
        #expect(throws: DataError.self) {
            try BuiltInDataset.mnist.load(split: .train, directory: root + "/explicit", environment: environment, download: true, fetch: server.fetch)
        }
        #expect(server.requests.isEmpty)
        // Asked, and the download fails: the message lists the places, the address and the failure.
        do {
            _ = try BuiltInDataset.mnist.load(split: .train, environment: environment, systemRoot: root + "/system", download: true, fetch: server.fetch)
            Issue.record("a failed download produced a dataset")
        } catch let error as DataError {
            guard case let .datasetNotFound(_, searched, hint) = error else { Issue.record("got \(error)"); return }
            #expect(searched.last == BuiltInDataset.mnist.canonicalAddress)
            #expect(hint.contains("no network in tests"))
            #expect(server.requests == [BuiltInDataset.mnist.canonicalAddress + "train-images-idx3-ubyte.gz"])
        }
    }
}
