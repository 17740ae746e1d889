// BuiltInDataset: the IDX datasets Fovea knows by name (Fashion-MNIST, MNIST), where it looks for
// them, and how it loads them.
//
// Lookup order (DESIGN.md): an explicit directory (`--data DIR`; if given, nothing else is tried),
// `$FOVEA_DATA/<name>` then `$FOVEA_DATA` itself, `~/.cache/fovea/<name>`, `/usr/share/datasets/<name>`
// (Debian's `dataset-fashion-mnist`), then — only when asked (`download: true`) and no explicit
// directory was given — a download from the canonical address into the cache (DatasetDownload.swift).
// When everything misses, loading ends with `DataError.datasetNotFound`, listing every place.

import Foundation

/// Which part of a dataset: the training images or the held-out test images.
public enum DatasetSplit: String, Sendable, CaseIterable {
    case train
    case test
}

/// A dataset Fovea can find and load by name.
public enum BuiltInDataset: String, Sendable, CaseIterable {
    /// Zalando's Fashion-MNIST: 60,000 + 10,000 grey 28×28 images of clothing, 10 classes.
    case fashionMNIST = "fashion-mnist"
    /// LeCun's MNIST handwritten digits: 60,000 + 10,000 grey 28×28 images, 10 classes.
    case mnist = "mnist"

    /// The environment variable naming a data directory.
    public static let environmentVariable = "FOVEA_DATA"
    /// Where Debian packages install datasets.
    public static let systemDirectory = "/usr/share/datasets"

    /// The directory name used under every search root (`fashion-mnist`, `mnist`).
    public var name: String { rawValue }

    /// The name of each class, indexed by label.
    public var classNames: [String] {
        switch self {
        case .fashionMNIST:
            return ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        case .mnist:
            return (0..<10).map(String.init)
        }
    }

    /// The mean and standard deviation of the training pixels scaled to [0, 1], for `DataLoader(normalization:)`.
    public var normalization: (mean: Float, std: Float) {
        switch self {
        case .fashionMNIST: return (0.2860, 0.3530)
        case .mnist: return (0.1307, 0.3081)
        }
    }

    /// The canonical file names of a split, without `.gz` (both datasets use the same names).
    public func fileNames(split: DatasetSplit) -> (images: String, labels: String) {
        let prefix = split == .train ? "train" : "t10k"
        return ("\(prefix)-images-idx3-ubyte", "\(prefix)-labels-idx1-ubyte")
    }

    /// Where the files can be downloaded by hand.
    public var canonicalAddress: String {
        switch self {
        case .fashionMNIST: return "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
        case .mnist: return "https://ossci-datasets.s3.amazonaws.com/mnist/"
        }
    }

    /// One sentence saying how to make the dataset available.
    public func installHint(split: DatasetSplit) -> String {
        let files = fileNames(split: split)
        let place = "put \(files.images)[.gz] and \(files.labels)[.gz] in a directory and pass --data DIR or set $\(BuiltInDataset.environmentVariable)"
        switch self {
        case .fashionMNIST:
            return "install it with `apt-get install dataset-fashion-mnist`, or \(place)"
        case .mnist:
            return "download it from \(canonicalAddress), then \(place)"
        }
    }

    // MARK: Lookup

    /// The directories searched, in order, for this dataset.
    ///
    /// - Parameters:
    ///   - directory: an explicit directory (`--data DIR`); when given it is the only place searched.
    ///   - environment: the process environment (injectable for tests); `FOVEA_DATA` and `HOME` are read.
    ///   - systemRoot: the system-wide dataset root, `/usr/share/datasets` unless a test overrides it.
    public func searchDirectories(
        directory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        systemRoot: String = BuiltInDataset.systemDirectory
    ) -> [String] {
        datasetSearchRoots(name: name, directory: directory, environment: environment, systemRoot: systemRoot)
    }

    /// The image and label files of `split` in the first directory that holds both.
    ///
    /// In each directory `<file>.gz` is preferred to the uncompressed `<file>`; MNIST's alternative
    /// spelling `train-images.idx3-ubyte` is accepted too.
    /// - Throws: ``DataError/datasetNotFound(name:searched:hint:)`` listing every directory searched.
    public func locate(
        split: DatasetSplit,
        directory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        systemRoot: String = BuiltInDataset.systemDirectory
    ) throws -> (images: String, labels: String) {
        let places = searchDirectories(directory: directory, environment: environment, systemRoot: systemRoot)
        let files = fileNames(split: split)
        for place in places {
            if let images = firstExisting(in: place, base: files.images),
               let labels = firstExisting(in: place, base: files.labels) {
                return (images, labels)
            }
        }
        throw DataError.datasetNotFound(name: "\(name) (\(split.rawValue) split)", searched: places, hint: installHint(split: split))
    }

    /// Finds and loads `split` as an ``ImageDataset``.
    ///
    /// Parameters as for ``locate(split:directory:environment:systemRoot:)``, and:
    ///   - download: when no place holds the files and no explicit `directory` was given, fetch them into
    ///     ``cacheDirectory(environment:)`` with ``download(split:into:checksums:fetch:)``. Off by default.
    ///   - fetch: how the download gets a URL's bytes (tests substitute their own).
    /// - Throws: ``DataError`` for a dataset not found (naming the failed download, if one was tried), or
    ///   any problem reading its files.
    public func load(
        split: DatasetSplit,
        directory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        systemRoot: String = BuiltInDataset.systemDirectory,
        download: Bool = false,
        fetch: Fetch = BuiltInDataset.httpGet
    ) throws -> ImageDataset {
        let files = try locateOrDownload(
            download: download && directory == nil, address: canonicalAddress,
            locate: { try locate(split: split, directory: directory, environment: environment, systemRoot: systemRoot) },
            fetch: { try self.download(split: split, into: cacheDirectory(environment: environment), fetch: fetch) })
        let images = try IDXFile.read(path: files.images)
        let labels = try IDXFile.read(path: files.labels)
        return try ImageDataset(images: images, labels: labels, classNames: classNames,
                                imagesPath: files.images, labelsPath: files.labels)
    }

    private func firstExisting(in directory: String, base: String) -> String? {
        var candidates = [base + ".gz", base]
        if let dash = base.range(of: "-idx") {  // train-images-idx3-ubyte → train-images.idx3-ubyte
            candidates.append(base.replacingCharacters(in: dash, with: ".idx"))
        }
        for candidate in candidates {
            let path = joinPath(directory, candidate)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return path
            }
        }
        return nil
    }
}

// MARK: Shared by every built-in dataset (here and CIFAR10.swift)

/// Where a dataset called `name` is looked for, in order: `directory` alone when given; else
/// `$FOVEA_DATA/<name>`, `$FOVEA_DATA`, `~/.cache/fovea/<name>`, `<systemRoot>/<name>`.
func datasetSearchRoots(name: String, directory: String?, environment: [String: String], systemRoot: String) -> [String] {
    if let directory { return [directory] }
    var places: [String] = []
    if let root = environment[BuiltInDataset.environmentVariable], !root.isEmpty {
        places += [joinPath(root, name), root]
    }
    places.append(userCacheDirectory(name: name, environment: environment))
    places.append(joinPath(systemRoot, name))
    return places
}

/// `directory/component`, without doubling a trailing slash.
func joinPath(_ directory: String, _ component: String) -> String {
    directory.hasSuffix("/") ? directory + component : directory + "/" + component
}

/// The per-user cache of a dataset, `~/.cache/fovea/<name>`; `HOME` is read from `environment`.
func userCacheDirectory(name: String, environment: [String: String]) -> String {
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return joinPath(home, ".cache/fovea/\(name)")
}

/// The lookup's last step: `locate`, and when it finds nothing and `download` is allowed, `fetch`.
/// A failed download becomes part of the not-found error, so the message lists every place tried
/// (the download `address` last) and says why the download failed.
func locateOrDownload<Files>(download: Bool, address: String, locate: () throws -> Files,
                             fetch: () throws -> Files) throws -> Files {
    do {
        return try locate()
    } catch let DataError.datasetNotFound(name, searched, hint) where download {
        do {
            return try fetch()
        } catch {
            throw DataError.datasetNotFound(name: name, searched: searched + [address],
                                            hint: "the download failed (\(error)); \(hint)")
        }
    }
}

extension ImageDataset {
    /// Fashion-MNIST (28×28 grey, 10 classes), found in the standard places.
    ///
    /// - Parameters:
    ///   - split: `.train` (60,000 images) or `.test` (10,000).
    ///   - directory: an explicit directory (`--data DIR`); if given and the files are missing there, this throws.
    ///   - environment: the process environment, injectable for tests.
    ///   - download: fetch the files into `~/.cache/fovea/fashion-mnist` when no place holds them (checksum-verified).
    /// - Throws: ``DataError/datasetNotFound(name:searched:hint:)`` or any file error.
    public static func fashionMNIST(
        split: DatasetSplit, directory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, download: Bool = false
    ) throws -> ImageDataset {
        try BuiltInDataset.fashionMNIST.load(split: split, directory: directory, environment: environment, download: download)
    }

    /// MNIST handwritten digits (28×28 grey, classes "0"…"9"), found in the standard places.
    /// Parameters and errors as for ``fashionMNIST(split:directory:environment:download:)``.
    public static func mnist(
        split: DatasetSplit, directory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, download: Bool = false
    ) throws -> ImageDataset {
        try BuiltInDataset.mnist.load(split: split, directory: directory, environment: environment, download: download)
    }
}
