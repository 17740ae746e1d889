// Dataset lookup: explicit directory, $FOVEA_DATA (injected, never the real environment), the cache,
// the system directory, file-name variants, and the not-found message.

import FoveaData
import Foundation
import Testing

@Suite struct DatasetLookupTests {
    /// A scratch tree with `home`, `data` (for $FOVEA_DATA) and `system` roots.
    struct Tree {
        let root: String
        var home: String { root + "/home" }
        var data: String { root + "/data" }
        var system: String { root + "/system" }
        var environment: [String: String] { ["HOME": home, "FOVEA_DATA": data] }

        init() throws { root = try makeTemporaryDirectory() }
        func remove() { try? FileManager.default.removeItem(atPath: root) }

        /// Puts the fixture test split (3 images, labels 2 0 1) into `directory`.
        func installTestSplit(in directory: String, compressed: Bool = true) throws {
            let suffix = compressed ? ".gz" : ""
            try copyFixture("images.idx3-ubyte" + suffix, to: directory, as: "t10k-images-idx3-ubyte" + suffix)
            try copyFixture("labels.idx1-ubyte" + suffix, to: directory, as: "t10k-labels-idx1-ubyte" + suffix)
        }
    }

    @Test func searchOrderFollowsTheDesign() throws {
        let places = BuiltInDataset.fashionMNIST.searchDirectories(
            environment: ["HOME": "/h", "FOVEA_DATA": "/d"], systemRoot: "/usr/share/datasets")
        #expect(places == ["/d/fashion-mnist", "/d", "/h/.cache/fovea/fashion-mnist", "/usr/share/datasets/fashion-mnist"])
        #expect(BuiltInDataset.mnist.searchDirectories(directory: "/x", environment: ["FOVEA_DATA": "/d"]) == ["/x"])
        #expect(BuiltInDataset.mnist.searchDirectories(environment: ["HOME": "/h", "FOVEA_DATA": ""], systemRoot: "/s")
                == ["/h/.cache/fovea/mnist", "/s/mnist"])
    }

    @Test func explicitDirectoryWinsAndNeverFallsBack() throws {
        let tree = try Tree()
        defer { tree.remove() }
        let explicit = tree.root + "/explicit"
        try tree.installTestSplit(in: tree.data)
        try tree.installTestSplit(in: explicit, compressed: false)
        let found = try BuiltInDataset.fashionMNIST.locate(split: .test, directory: explicit, environment: tree.environment, systemRoot: tree.system)
        #expect(found.images == explicit + "/t10k-images-idx3-ubyte")

        let empty = tree.root + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        do {
            _ = try BuiltInDataset.fashionMNIST.locate(split: .test, directory: empty, environment: tree.environment, systemRoot: tree.system)
            Issue.record("an explicit directory without the files fell back to another place")
        } catch let DataError.datasetNotFound(_, searched, hint) {
            #expect(searched == [empty])
            #expect(hint.contains("apt-get install dataset-fashion-mnist") && hint.contains("--data DIR"))
        }
    }

    @Test func environmentThenCacheThenSystem() throws {
        let tree = try Tree()
        defer { tree.remove() }
        let dataset = BuiltInDataset.fashionMNIST
        func located() throws -> String {
            try dataset.locate(split: .test, environment: tree.environment, systemRoot: tree.system).images
        }
        try tree.installTestSplit(in: tree.system + "/fashion-mnist")
        #expect(try located() == tree.system + "/fashion-mnist/t10k-images-idx3-ubyte.gz")
        try tree.installTestSplit(in: tree.home + "/.cache/fovea/fashion-mnist")
        #expect(try located() == tree.home + "/.cache/fovea/fashion-mnist/t10k-images-idx3-ubyte.gz")
        try tree.installTestSplit(in: tree.data)  // $FOVEA_DATA itself
        #expect(try located() == tree.data + "/t10k-images-idx3-ubyte.gz")
        try tree.installTestSplit(in: tree.data + "/fashion-mnist", compressed: false)  // $FOVEA_DATA/<name>
        #expect(try located() == tree.data + "/fashion-mnist/t10k-images-idx3-ubyte")
        try tree.installTestSplit(in: tree.data + "/fashion-mnist")  // .gz preferred over raw in one place
        #expect(try located() == tree.data + "/fashion-mnist/t10k-images-idx3-ubyte.gz")

        let loaded = try ImageDataset.fashionMNIST(split: .test, directory: tree.data)
        #expect(loaded.count == 3 && loaded.labels == [2, 0, 1] && loaded.classNames[2] == "Pullover")
    }

    @Test func notFoundListsEveryPlaceAndHowToInstall() throws {
        let tree = try Tree()
        defer { tree.remove() }
        // Only the train split present: the test split is still missing.
        try copyFixture("images.idx3-ubyte", to: tree.data, as: "train-images-idx3-ubyte")
        do {
            _ = try BuiltInDataset.mnist.load(split: .test, environment: tree.environment, systemRoot: tree.system)
            Issue.record("a missing dataset was found")
        } catch let error as DataError {
            guard case let .datasetNotFound(name, searched, _) = error else { Issue.record("got \(error)"); return }
            #expect(name.contains("mnist"))
            #expect(searched == [tree.data + "/mnist", tree.data, tree.home + "/.cache/fovea/mnist", tree.system + "/mnist"])
            let line = error.description
            #expect(!line.contains("\n") && line.contains(tree.system + "/mnist") && line.contains("FOVEA_DATA"))
        }
    }

    @Test func alternativeMNISTSpellingIsAccepted() throws {
        let tree = try Tree()
        defer { tree.remove() }
        try copyFixture("images.idx3-ubyte", to: tree.data, as: "t10k-images.idx3-ubyte")
        try copyFixture("labels.idx1-ubyte", to: tree.data, as: "t10k-labels.idx1-ubyte")
        let dataset = try ImageDataset.mnist(split: .test, directory: tree.data)
        #expect(dataset.count == 3 && dataset.classNames == (0..<10).map(String.init))
    }
}
