// DatasetDownload: the last step of the dataset lookup — fetching the canonical files into
// ~/.cache/fovea/<name>, each verified against its publisher's MD5 before it is kept.
//
// Opt-in (`download: true`), so that an offline machine never waits on the network unasked; the
// command line turns it on. The HTTP fetch is injectable: tests serve files without a network.

import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension BuiltInDataset {
    /// A function that returns the body of a URL or throws ``DataError/downloadFailed(url:reason:)``.
    public typealias Fetch = @Sendable (URL) throws -> Data

    /// The MD5 digests the publishers give for the canonical `.gz` files, by file name.
    public var publishedMD5: [String: String] {
        switch self {
        case .fashionMNIST:
            return ["train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
                    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
                    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310"]
        case .mnist:
            return ["train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
                    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
                    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c"]
        }
    }

    /// The per-user cache directory, `~/.cache/fovea/<name>` (`HOME` read from `environment`).
    public func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        userCacheDirectory(name: name, environment: environment)
    }

    /// Downloads the `.gz` files of `split` from ``canonicalAddress`` into `directory`, verifying each.
    ///
    /// A file already present with the right digest is kept. Each file is written under a temporary
    /// name and renamed only after its digest matched, so an interrupted download leaves nothing half-made.
    /// - Parameters:
    ///   - split: which files.
    ///   - directory: where to put them (created if needed), normally ``cacheDirectory(environment:)``.
    ///   - checksums: expected MD5 by file name; ``publishedMD5`` unless a test substitutes its own.
    ///   - fetch: how to get a URL's bytes; ``httpGet(_:)`` by default.
    /// - Returns: the paths of the image and label files.
    /// - Throws: ``DataError/downloadFailed(url:reason:)``, ``DataError/checksumMismatch(url:expected:actual:)``,
    ///   or ``DataError/unreadable(path:reason:)`` when the directory cannot be written.
    public func download(split: DatasetSplit, into directory: String, checksums: [String: String]? = nil,
                         fetch: Fetch = BuiltInDataset.httpGet) throws -> (images: String, labels: String) {
        let digests = checksums ?? publishedMD5
        let names = fileNames(split: split)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DataError.unreadable(path: directory, reason: "cannot create the directory: \(error.localizedDescription)")
        }
        var paths: [String] = []
        for base in [names.images, names.labels] {
            let fileName = base + ".gz"
            let path = joinPath(directory, fileName)
            let url = canonicalAddress + fileName
            guard let expected = digests[fileName] else {
                throw DataError.invalidArgument(name: "checksums", value: "\(digests.keys.sorted())", reason: "no MD5 given for \(fileName)")
            }
            if let existing = FileManager.default.contents(atPath: path), md5Hex(existing) == expected {
                paths.append(path)
                continue
            }
            guard let source = URL(string: url) else {
                throw DataError.downloadFailed(url: url, reason: "not a valid URL")
            }
            let body = try fetch(source)
            let actual = md5Hex(body)
            guard actual == expected else { throw DataError.checksumMismatch(url: url, expected: expected, actual: actual) }
            let partial = path + ".partial"
            do {
                try body.write(to: URL(fileURLWithPath: partial))
                if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
                try FileManager.default.moveItem(atPath: partial, toPath: path)
            } catch {
                try? FileManager.default.removeItem(atPath: partial)
                throw DataError.unreadable(path: path, reason: "cannot write the download: \(error.localizedDescription)")
            }
            paths.append(path)
        }
        return (paths[0], paths[1])
    }

    /// Fetches a URL over HTTP(S) with `URLSession`, waiting for the whole body (60 s without progress fails).
    /// - Throws: ``DataError/downloadFailed(url:reason:)`` for a network error or an HTTP status outside 200–299.
    @Sendable public static func httpGet(_ url: URL) throws -> Data {
        final class Outcome: @unchecked Sendable {  // written by the session's thread before `done` signals
            var result: Result<Data, DataError> = .failure(.downloadFailed(url: "", reason: "no response"))
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 60)
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            if let error {
                outcome.result = .failure(.downloadFailed(url: url.absoluteString, reason: error.localizedDescription))
            } else if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
                outcome.result = .failure(.downloadFailed(url: url.absoluteString, reason: "HTTP status \(http.statusCode)"))
            } else {
                outcome.result = .success(data ?? Data())
            }
            done.signal()
        }
        task.resume()
        done.wait()
        return try outcome.result.get()
    }
}
