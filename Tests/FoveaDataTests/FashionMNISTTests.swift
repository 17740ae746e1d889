// The real Fashion-MNIST from Debian's dataset-fashion-mnist, when installed; skipped otherwise.

import FoveaData
import Foundation
import Testing

private let systemCopy = "/usr/share/datasets/fashion-mnist"

@Suite struct FashionMNISTTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: systemCopy + "/t10k-images-idx3-ubyte.gz")))
    func testSplitLoads() throws {
        let clock = ContinuousClock()
        var test: ImageDataset?
        // Through the whole lookup (no $FOVEA_DATA, an empty home): it ends at /usr/share/datasets.
        let elapsed = try clock.measure { test = try ImageDataset.fashionMNIST(split: .test, environment: ["HOME": "/nonexistent"]) }
        let dataset = try #require(test)
        print("Fashion-MNIST test split loaded in \(elapsed)")
        #expect(dataset.count == 10_000 && dataset.channels == 1 && dataset.height == 28 && dataset.width == 28)
        #expect(dataset.classCounts == Array(repeating: 1_000, count: 10))
        #expect(dataset.classNames == ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"])
        let first = try dataset.image(at: 0)
        #expect(first.contains { $0 > 200 } && first.contains { $0 == 0 })
        #expect(try dataset.label(at: 0) == 9)  // the first test image is an ankle boot
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: systemCopy + "/train-images-idx3-ubyte.gz")))
    func trainSplitLoadsQuickly() throws {
        let clock = ContinuousClock()
        var train: ImageDataset?
        let elapsed = try clock.measure { train = try ImageDataset.fashionMNIST(split: .train, directory: systemCopy) }
        print("Fashion-MNIST train split (60,000 images, 26 MB gzip) loaded in \(elapsed)")
        let dataset = try #require(train)
        #expect(dataset.count == 60_000 && dataset.classCounts == Array(repeating: 6_000, count: 10))
        #expect(elapsed < .seconds(2))
        let statistics = dataset.pixelStatistics()
        #expect(close(statistics.mean, BuiltInDataset.fashionMNIST.normalization.mean, tolerance: 1e-3))
        #expect(close(statistics.std, BuiltInDataset.fashionMNIST.normalization.std, tolerance: 1e-3))
    }
}
