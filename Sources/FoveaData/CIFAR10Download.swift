// CIFAR10Download: the last step of the CIFAR-10 lookup — fetching the official binary archive,
// checking it against the MD5 its page publishes, and unpacking the six batch files into
// ~/.cache/fovea/cifar10/cifar-10-batches-bin, where the ordinary lookup finds them.
//
// All or nothing: the archive is verified and read in memory (~170 MB, ~185 MB decompressed) before
// anything is written; the files then go, flushed to disk, into a hidden folder next to the destination,
// which is renamed into place only when all are complete. A failed download, a wrong checksum or a
// bad archive leaves the cache as it was. (A process killed mid-write can leave a hidden
// `.cifar-10-batches-bin.partial-*` folder, which the lookup never reads.)

import Foundation

extension CIFAR10 {
    /// The official binary archive, from https://www.cs.toronto.edu/~kriz/cifar.html.
    public static let archiveAddress = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
    /// The MD5 that page gives for ``archiveAddress`` (a 170,052,171-byte file).
    public static let archiveMD5 = "c32a1d4ab5d03f1284b67883e8d87530"

    /// The per-user cache directory, `~/.cache/fovea/cifar10` (`HOME` read from `environment`).
    public static func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        userCacheDirectory(name: name, environment: environment)
    }

    /// Downloads ``archiveAddress``, verifies its MD5 and unpacks the training and test files into
    /// `directory/cifar-10-batches-bin`, replacing that folder as a whole.
    ///
    /// - Parameters:
    ///   - directory: where to unpack (created if needed), normally ``cacheDirectory(environment:)``.
    ///   - checksum: the expected MD5 of the archive; ``archiveMD5`` unless a test substitutes its own.
    ///   - fetch: how to get the archive's bytes; `BuiltInDataset.httpGet` by default.
    /// - Returns: the folder holding `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`.
    /// - Throws: ``DataError/downloadFailed(url:reason:)``, ``DataError/checksumMismatch(url:expected:actual:)``,
    ///   the gzip and tar errors (``DataError/truncatedArchive(path:reason:)``, ``DataError/invalidArchive(path:reason:)``,
    ///   also for an archive lacking a batch file or holding one that is not whole records), or
    ///   ``DataError/unreadable(path:reason:)`` when the directory cannot be written. Nothing is left behind.
    public static func download(into directory: String, checksum: String = archiveMD5,
                                fetch: BuiltInDataset.Fetch = BuiltInDataset.httpGet) throws -> String {
        do {  // fail before a long download when the cache cannot be made
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DataError.unreadable(path: directory, reason: "cannot create the directory: \(error.localizedDescription)")
        }
        let tar = try verifiedArchive(checksum: checksum, fetch: fetch)
        let files = try batchFiles(in: tar)
        let folder = joinPath(directory, archiveFolder)
        try install(files, as: folder, staging: joinPath(directory, ".\(archiveFolder).partial-\(UUID().uuidString)"))
        return folder
    }

    /// The decompressed archive, fetched and checked against `checksum` (the compressed bytes are freed on return).
    private static func verifiedArchive(checksum: String, fetch: BuiltInDataset.Fetch) throws -> [UInt8] {
        guard let url = URL(string: archiveAddress) else {
            throw DataError.downloadFailed(url: archiveAddress, reason: "not a valid URL")
        }
        let body = try fetch(url)
        let actual = md5Hex(body)
        guard actual == checksum else { throw DataError.checksumMismatch(url: archiveAddress, expected: checksum, actual: actual) }
        return try gunzip(body, path: archiveAddress)
    }

    /// Every batch file of both splits, taken from `cifar-10-batches-bin/` (or the archive's top level).
    private static func batchFiles(in tar: [UInt8]) throws -> [(name: String, bytes: ArraySlice<UInt8>)] {
        let entries = try tarEntries(tar, path: archiveAddress)
        return try (fileNames(split: .train) + fileNames(split: .test)).map { name in
            // A name stored twice is the later copy, as tar itself would extract it.
            guard let entry = entries.last(where: { $0.path == name || $0.path == archiveFolder + "/" + name }) else {
                throw DataError.invalidArchive(path: archiveAddress, reason: "it holds no \(archiveFolder)/\(name)")
            }
            guard !entry.contents.isEmpty, entry.contents.count % recordSize == 0 else {
                throw DataError.invalidArchive(path: archiveAddress, reason: "\(entry.path) is \(entry.contents.count) bytes, not whole \(recordSize)-byte records")
            }
            return (name, entry.contents)
        }
    }

    /// Writes `files` into `staging`, flushes them, and renames `staging` to `folder` (moving an old
    /// `folder` aside first: a directory cannot be renamed over a non-empty one). On error `staging` is removed.
    private static func install(_ files: [(name: String, bytes: ArraySlice<UInt8>)], as folder: String, staging: String) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: false)
            for file in files {
                let path = joinPath(staging, file.name)
                guard manager.createFile(atPath: path, contents: nil) else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                defer { try? handle.close() }
                try handle.write(contentsOf: file.bytes)
                try handle.synchronize()  // on disk before the rename makes it visible
            }
            if manager.fileExists(atPath: folder) {
                let old = staging.replacingOccurrences(of: ".partial-", with: ".old-")
                try manager.moveItem(atPath: folder, toPath: old)
                do { try manager.moveItem(atPath: staging, toPath: folder) } catch {
                    try? manager.moveItem(atPath: old, toPath: folder)
                    throw error
                }
                try? manager.removeItem(atPath: old)
            } else {
                try manager.moveItem(atPath: staging, toPath: folder)
            }
        } catch {
            try? manager.removeItem(atPath: staging)
            throw DataError.unreadable(path: folder, reason: "cannot write the unpacked files: \(error.localizedDescription)")
        }
    }
}
