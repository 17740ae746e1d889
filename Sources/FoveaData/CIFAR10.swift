// CIFAR-10 in its binary form (`cifar-10-batches-bin`): 50,000 + 10,000 colour 32×32 images, 10 classes.
//
// Each file is a run of 3,073-byte records: one label byte (0–9), then 1,024 red, 1,024 green and
// 1,024 blue bytes, each plane row-major — already CHW, so records copy straight into NCHW pixels.
// Training images are `data_batch_1.bin` … `data_batch_5.bin`, test images `test_batch.bin`.
//
// Lookup order as for Fashion-MNIST (BuiltInDataset.swift): `--data DIR` (only that), `$FOVEA_DATA/cifar10`,
// `$FOVEA_DATA`, `~/.cache/fovea/cifar10`, `/usr/share/datasets/cifar10` (Debian has no CIFAR-10 package,
// but a local one may put it there); in each place the files may sit directly or inside a
// `cifar-10-batches-bin` folder (as the archive unpacks). Then, only when asked, the official archive is
// downloaded into the cache (CIFAR10Download.swift).

import Foundation

/// The CIFAR-10 binary dataset: where it is looked for and how its files are read.
public enum CIFAR10 {
    /// The directory name under every search root.
    public static let name = "cifar10"
    /// The folder the official archive (`cifar-10-binary.tar.gz`) unpacks into.
    public static let archiveFolder = "cifar-10-batches-bin"
    /// Bytes per record: 1 label + 3 × 32 × 32 pixels.
    public static let recordSize = 1 + 3 * 32 * 32
    /// The class names, indexed by label (as `batches.meta.txt` lists them).
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    /// Mean and standard deviation of all training pixels scaled to [0, 1] (all channels together),
    /// for `DataLoader(normalization:)`.
    public static let normalization: (mean: Float, std: Float) = (0.4734, 0.2516)

    /// The file names of a split.
    public static func fileNames(split: DatasetSplit) -> [String] {
        split == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
    }

    /// The directories searched, in order (see the file header).
    public static func searchDirectories(directory: String? = nil,
                                         environment: [String: String] = ProcessInfo.processInfo.environment,
                                         systemRoot: String = BuiltInDataset.systemDirectory) -> [String] {
        let roots = datasetSearchRoots(name: name, directory: directory, environment: environment, systemRoot: systemRoot)
        return roots.flatMap { [$0, joinPath($0, archiveFolder)] }
    }

    /// The paths of `split`'s files in the first directory that holds all of them.
    /// - Throws: ``DataError/datasetNotFound(name:searched:hint:)`` listing every place searched.
    public static func locate(split: DatasetSplit, directory: String? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              systemRoot: String = BuiltInDataset.systemDirectory) throws -> [String] {
        let places = searchDirectories(directory: directory, environment: environment, systemRoot: systemRoot)
        let files = fileNames(split: split)
        for place in places {
            let paths = files.map { joinPath(place, $0) }
            if paths.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) { return paths }
        }
        throw DataError.datasetNotFound(
            name: "\(name) (\(split.rawValue) split)", searched: places,
            hint: "download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html and unpack it into ~/.cache/fovea/cifar10, or pass --data DIR")
    }

    /// Finds and reads `split`, downloading the official archive into the cache when asked.
    ///
    /// Parameters as for ``locate(split:directory:environment:systemRoot:)``, and:
    ///   - download: when no place holds the files and no explicit `directory` was given, fetch and unpack
    ///     the archive into ``cacheDirectory(environment:)`` with ``download(into:checksum:fetch:)``. Off by default.
    ///   - fetch: how the download gets a URL's bytes (tests substitute their own).
    /// - Throws: ``DataError/datasetNotFound(name:searched:hint:)`` (naming the failed download, if one was
    ///   tried), or any error of ``read(paths:)``.
    public static func load(split: DatasetSplit, directory: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            systemRoot: String = BuiltInDataset.systemDirectory,
                            download: Bool = false, fetch: BuiltInDataset.Fetch = BuiltInDataset.httpGet) throws -> ImageDataset {
        let paths = try locateOrDownload(
            download: download && directory == nil, address: archiveAddress,
            locate: { try locate(split: split, directory: directory, environment: environment, systemRoot: systemRoot) },
            fetch: {  // then the folder the download made is checked like any other place
                try locate(split: split, directory: self.download(into: cacheDirectory(environment: environment), fetch: fetch))
            })
        return try read(paths: paths)
    }

    /// Reads CIFAR-10 binary files into one dataset, records in file order.
    /// - Throws: ``DataError/fileNotFound(path:)``, ``DataError/wrongFileSize(path:size:reason:)`` for a file
    ///   that is empty or not a whole number of records, ``DataError/labelOutOfRange(path:index:label:classCount:)``.
    public static func read(paths: [String]) throws -> ImageDataset {
        var pixels: [UInt8] = [], labels: [Int32] = []
        for path in paths {
            guard FileManager.default.fileExists(atPath: path) else { throw DataError.fileNotFound(path: path) }
            let bytes: [UInt8]
            do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
                throw DataError.unreadable(path: path, reason: error.localizedDescription)
            }
            guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
                throw DataError.wrongFileSize(path: path, size: bytes.count,
                                              reason: "a CIFAR-10 binary file holds whole records of \(recordSize) bytes (1 label + 3072 pixels)")
            }
            let records = bytes.count / recordSize
            pixels.reserveCapacity(pixels.count + records * (recordSize - 1))
            for r in 0..<records {
                let label = bytes[r * recordSize]
                guard label < 10 else {
                    throw DataError.labelOutOfRange(path: path, index: r, label: Int(label), classCount: 10)
                }
                labels.append(Int32(label))
                pixels += bytes[(r * recordSize + 1) ..< ((r + 1) * recordSize)]
            }
        }
        return try ImageDataset(pixels: pixels, labels: labels, channels: 3, height: 32, width: 32, classNames: classNames)
    }
}

extension ImageDataset {
    /// CIFAR-10 (3×32×32 colour, 10 classes), found in the standard places (see ``CIFAR10``).
    /// - Parameters:
    ///   - split: `.train` (50,000 images in five files) or `.test` (10,000).
    ///   - directory: an explicit directory (`--data DIR`); if given, only it (and its `cifar-10-batches-bin`) is searched.
    ///   - environment: the process environment, injectable for tests.
    ///   - download: fetch `cifar-10-binary.tar.gz` (MD5-verified) and unpack it into
    ///     `~/.cache/fovea/cifar10/cifar-10-batches-bin` when no place holds the files and no `directory` was given.
    /// - Throws: ``DataError/datasetNotFound(name:searched:hint:)`` or any error of ``CIFAR10/read(paths:)``.
    public static func cifar10(split: DatasetSplit, directory: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               download: Bool = false) throws -> ImageDataset {
        try CIFAR10.load(split: split, directory: directory, environment: environment, download: download)
    }
}
