// The CIFAR-10 download step with an injected fetch serving archives built here (no network):
// the happy path through the reader, and every refusal leaving the cache untouched.

import FoveaData
import Foundation
import Testing

/// Serves one body for every URL and records the URLs asked for; `nil` fails like a machine offline.
private final class ArchiveServer: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [String] = []
    let body: [UInt8]?

    init(_ body: [UInt8]?) { self.body = body }

    var requests: [String] { lock.lock(); defer { lock.unlock() }; return log }

    var fetch: BuiltInDataset.Fetch {
        { [self] url in
            lock.lock(); log.append(url.absoluteString); lock.unlock()
            guard let body else { throw DataError.downloadFailed(url: url.absoluteString, reason: "no network in tests") }
            return Data(body)
        }
    }
}

/// The members of a small stand-in for `cifar-10-binary.tar.gz`: five training files of 2 records,
/// a test file of 3, and the archive's other files, all under `cifar-10-batches-bin/`.
private func cifarMembers() -> [TarMember] {
    let folder = CIFAR10.archiveFolder
    var members = [TarMember(name: folder + "/", type: "5")]
    for b in 1...5 { members.append(TarMember(name: "\(folder)/data_batch_\(b).bin", contents: cifarRecords(2, first: 2 * (b - 1)))) }
    members.append(TarMember(name: "\(folder)/test_batch.bin", contents: cifarRecords(3)))
    members.append(TarMember(name: "\(folder)/batches.meta.txt", contents: Array(CIFAR10.classNames.joined(separator: "\n").utf8)))
    members.append(TarMember(name: "\(folder)/readme.html", contents: Array("<html></html>".utf8)))
    return members
}

/// Downloads `archive` (its own MD5 given as the checksum) into a fresh cache and checks that the refusal
/// names the archive, says `problem`, and leaves the cache directory empty.
private func expectRefused(_ archive: [UInt8], saying problem: String) throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let cache = root + "/cache"
    #expect { try CIFAR10.download(into: cache, checksum: md5Hex(archive), fetch: ArchiveServer(archive).fetch) } throws: { error in
        "\(error)".hasPrefix(CIFAR10.archiveAddress) && "\(error)".contains(problem)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: cache).isEmpty)
    #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["cache"])
}

@Suite struct CIFAR10DownloadTests {
    @Test func downloadsUnpacksAndLoadsThroughTheReader() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let environment = ["HOME": root + "/home"]
        let archive = try gzip(makeTar(cifarMembers()))
        let server = ArchiveServer(archive)
        let cache = CIFAR10.cacheDirectory(environment: environment)
        #expect(cache == root + "/home/.cache/fovea/cifar10")
        // The real address is asked for; only the checksum is the stand-in's.
        let folder = try CIFAR10.download(into: cache, checksum: md5Hex(archive), fetch: server.fetch)
        #expect(folder == cache + "/" + CIFAR10.archiveFolder && server.requests == [CIFAR10.archiveAddress])
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache) == [CIFAR10.archiveFolder])  // no staging folder left
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
                == (1...5).map { "data_batch_\($0).bin" } + ["test_batch.bin"])
        let test = try CIFAR10.load(split: .test, environment: environment, systemRoot: root + "/system")
        #expect(test.shape == [3, 3, 32, 32] && test.labels == [0, 1, 2])
        #expect(try test.image(at: 2)[1024] == 102)
        // Once in the cache, the files are found before any download: no second request.
        let offline = ArchiveServer(nil)
        let train = try ImageDataset.cifar10(split: .train, environment: environment)
        #expect(train.count == 10 && train.labels == (0..<10).map { Int32($0) })
        _ = try CIFAR10.load(split: .test, environment: environment, download: true, fetch: offline.fetch)
        #expect(server.requests.count == 1 && offline.requests.isEmpty)
    }

    @Test func aWrongChecksumKeepsNothing() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let archive = try gzip(makeTar(cifarMembers()))
        // The published checksum is the real archive's, not the stand-in's.
        #expect(throws: DataError.checksumMismatch(url: CIFAR10.archiveAddress, expected: CIFAR10.archiveMD5, actual: md5Hex(archive))) {
            try CIFAR10.download(into: root + "/cache", fetch: ArchiveServer(archive).fetch)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/cache").isEmpty)
    }

    @Test func badArchivesAreRefusedAndLeaveNothing() throws {
        let good = makeTar(cifarMembers())
        // An entry climbing out of the cache, even alongside every real file.
        try expectRefused(gzip(makeTar(cifarMembers() + [TarMember(name: "../../evil.bin", contents: cifarRecords(1))])),
                          saying: "climbs out of the archive")
        try expectRefused(gzip(makeTar([TarMember(name: "/tmp/evil.bin", contents: cifarRecords(1))] + cifarMembers())),
                          saying: "absolute path")
        // Truncated: the tar cut inside a batch file (the gzip around it intact), or the gzip itself cut.
        try expectRefused(gzip(Array(good.prefix(good.count / 2))), saying: "truncated")
        let packed = try gzip(good)
        try expectRefused(Array(packed.prefix(packed.count / 2)), saying: "ends early")
        // A missing batch file, and one that is not whole records.
        try expectRefused(gzip(makeTar(cifarMembers().filter { !$0.name.hasSuffix("test_batch.bin") })),
                          saying: "holds no cifar-10-batches-bin/test_batch.bin")
        var short = cifarMembers()
        short[1].contents.removeLast()
        try expectRefused(gzip(makeTar(short)), saying: "data_batch_1.bin is 6145 bytes")
    }

    @Test func replacesAnIncompleteFolderWhole() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = root + "/" + CIFAR10.archiveFolder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: folder + "/data_batch_1.bin"))
        let archive = try gzip(makeTar(cifarMembers()))
        #expect(try CIFAR10.download(into: root, checksum: md5Hex(archive), fetch: ArchiveServer(archive).fetch) == folder)
        #expect(try fileBytes(folder + "/data_batch_1.bin") == cifarRecords(2))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == [CIFAR10.archiveFolder])
    }

    @Test func downloadsOnlyWhenAskedAndNeverForAnExplicitDirectory() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let environment = ["HOME": root + "/home"]
        let offline = ArchiveServer(nil)
        #expect(throws: DataError.self) {
            try CIFAR10.load(split: .test, environment: environment, systemRoot: root + "/system", fetch: offline.fetch)
        }
        #expect(throws: DataError.self) {
            try CIFAR10.load(split: .test, directory: root + "/explicit", environment: environment, download: true, fetch: offline.fetch)
        }
        #expect(offline.requests.isEmpty)
        #expect { try CIFAR10.load(split: .test, environment: environment, systemRoot: root + "/system", download: true, fetch: offline.fetch) } throws: { error in
            guard case let DataError.datasetNotFound(_, searched, hint) = error else { return false }
            return searched.last == CIFAR10.archiveAddress && hint.contains("no network in tests")
        }
        #expect(offline.requests == [CIFAR10.archiveAddress])
        #expect(!FileManager.default.fileExists(atPath: CIFAR10.cacheDirectory(environment: environment) + "/" + CIFAR10.archiveFolder))
    }
}
