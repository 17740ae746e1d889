// The datasets `fovea train` and `fovea evaluate` know by name: where each split comes from,
// its class names and its published normalisation, and — for models that label pixels — the
// `shapes` segmentation masks. One enum for both commands, so a name means the same data in both.

import ArgumentParser
import Foundation
import Fovea

/// Datasets the command line knows by name.
enum DatasetName: String, ExpressibleByArgument, CaseIterable {
    case fashionMNIST = "fashion-mnist"
    case mnist
    case shapes
    case cifar10

    /// The sizes of the built-in `shapes` splits that `fovea train` generates (and evaluation regenerates).
    static let shapesTrainCount = 10_000, shapesTestCount = 2_000

    /// The dataset called `name`.
    /// - Throws: ``RunError`` listing the known names.
    static func named(_ name: String) throws -> DatasetName {
        guard let known = DatasetName(rawValue: name) else {
            throw RunError("unknown dataset '\(name)'; known: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return known
    }

    /// Channels and side of its images as stored (`shapes`: as drawn unless a side is asked for).
    var geometry: (channels: Int, side: Int) { self == .cifar10 ? (3, 32) : (1, 28) }

    /// The names of its classes, by label; with `pixelLabels`, of its pixel classes (`shapes`:
    /// background first).
    func classNames(pixelLabels: Bool = false) -> [String] {
        switch self {
        case .fashionMNIST: return BuiltInDataset.fashionMNIST.classNames
        case .mnist: return BuiltInDataset.mnist.classNames
        case .shapes: return pixelLabels ? ImageDataset.shapesPixelClassNames : ImageDataset.shapesClassNames
        case .cifar10: return CIFAR10.classNames
        }
    }

    /// A split as stored (`shapes` drawn `side` pixels square, 28 by default), with pixel labels
    /// when `pixelLabels` is set (only `shapes` has them).
    /// - Parameters:
    ///   - directory: `--data DIR`, the only place searched when given.
    ///   - download: fetch Fashion-MNIST or MNIST into the cache when they are nowhere.
    ///   - seed: the seed of the `shapes` generator.
    /// - Throws: `DataError` when the files are missing or damaged; ``RunError`` when pixel labels
    ///   are asked of a dataset that has none.
    func load(_ split: DatasetSplit, directory: String?, download: Bool = false, seed: UInt64, side: Int? = nil,
              pixelLabels: Bool = false) throws -> LabelledImages {
        guard !pixelLabels || self == .shapes else {
            throw RunError("only the shapes dataset has pixel labels (pass --dataset shapes); \(rawValue) has one class per image")
        }
        switch self {
        case .shapes:
            let count = split == .train ? Self.shapesTrainCount : Self.shapesTestCount, size = side ?? geometry.side
            if pixelLabels {
                let segmentation = ImageDataset.shapesSegmentation(split: split, count: count, seed: seed, size: size)
                return LabelledImages(images: segmentation.images, masks: segmentation)
            }
            return LabelledImages(images: ImageDataset.shapes(split: split, count: count, seed: seed, size: size))
        case .fashionMNIST:
            return LabelledImages(images: try BuiltInDataset.fashionMNIST.load(split: split, directory: directory, download: download))
        case .mnist:
            return LabelledImages(images: try BuiltInDataset.mnist.load(split: split, directory: directory, download: download))
        case .cifar10:
            return LabelledImages(images: try ImageDataset.cifar10(split: split, directory: directory, download: download))
        }
    }

    /// The training normalisation when config.json does not record it (folders from before it did):
    /// the published statistics, or for shapes those of the training split `fovea train` generates.
    func normalization(seed: UInt64) -> (mean: Float, std: Float) {
        switch self {
        case .fashionMNIST: return BuiltInDataset.fashionMNIST.normalization
        case .mnist: return BuiltInDataset.mnist.normalization
        case .shapes: return ImageDataset.shapes(split: .train, count: Self.shapesTrainCount, seed: seed).pixelStatistics()
        case .cifar10: return CIFAR10.normalization
        }
    }
}

/// Images with their class labels and, for pixel-labelling models, the label of every pixel.
struct LabelledImages {
    var images: ImageDataset
    /// The pixel labels of exactly these images (`masks.images` is `images`), or nil.
    var masks: SegmentationDataset?

    init(images: ImageDataset, masks: SegmentationDataset? = nil) {
        (self.images, self.masks) = (images, masks)
    }

    var count: Int { images.count }

    /// The first `n` images (all when `n` is nil or not smaller than the count).
    func prefix(_ n: Int?) throws -> LabelledImages {
        guard let n, n < count else { return self }
        let indices = Array(0..<max(n, 0))
        return LabelledImages(images: try images.subset(indices), masks: try masks?.subset(indices))
    }

    /// The images converted to `channels` and resized to `side × side` (see
    /// `ImageDataset.converted(channels:side:)`); pixel labels cannot be resized with them.
    /// - Throws: ``RunError`` when images with pixel labels would need converting.
    func converted(channels: Int, side: Int) throws -> LabelledImages {
        let same = channels == images.channels && side == images.height && side == images.width
        if same { return self }
        guard masks == nil else {
            throw RunError("images with pixel labels are used as they are (\(images.channels)×\(images.height)×\(images.width)); draw shapes at the side you want with --image-size")
        }
        return LabelledImages(images: try images.converted(channels: channels, side: side))
    }
}
