// Augmentation: random crops with zero padding and horizontal flips, applied to the bytes of each
// image as a DataLoader builds a batch. The choice for an image depends only on (seed, epoch,
// dataset index), so epoch 7 is augmented the same way whenever it is run (resume stays exact),
// whatever the batch size, shuffling or prefetching.

/// Random crop with zero padding and random horizontal flip, as torchvision's
/// `RandomCrop(size, padding=p)` + `RandomHorizontalFlip()`.
///
/// The crop pads the image with `cropPadding` zero pixels on every side and cuts out a window of the
/// original size at a random offset (each of `−p…p` in y and x equally likely): the image shifts by up
/// to `p` pixels, with zeros entering at the edges. The flip mirrors left–right with probability ½.
public struct Augmentation: Sendable, Equatable {
    /// Zero pixels added on every side before cropping back to the original size; 0 turns cropping off.
    public var cropPadding: Int
    /// Whether images are mirrored left–right with probability ½.
    public var horizontalFlip: Bool

    /// - Parameters:
    ///   - cropPadding: the padding of the random crop, ≥ 0 (4 is usual for 32×32 CIFAR images).
    ///   - horizontalFlip: mirror half the images.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for a negative padding.
    public init(cropPadding: Int = 0, horizontalFlip: Bool = false) throws {
        guard cropPadding >= 0 else {
            throw DataError.invalidArgument(name: "crop padding", value: "\(cropPadding)", reason: "must be 0 or more")
        }
        self.cropPadding = cropPadding
        self.horizontalFlip = horizontalFlip
    }

    /// The shift `(dy, dx)` and flip chosen for dataset image `index` in `epoch`.
    public func choice(seed: UInt64, epoch: Int, index: Int) -> (dy: Int, dx: Int, flip: Bool) {
        var mixed = seed ^ 0xA076_1D64_78BD_642F
        mixed = mixed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: epoch)
        mixed = mixed &* 0xBF58_476D_1CE4_E5B9 &+ UInt64(truncatingIfNeeded: index)
        var generator = SeededGenerator(seed: mixed)
        let p = cropPadding
        let dy = p > 0 ? generator.nextIndex(below: 2 * p + 1) - p : 0
        let dx = p > 0 ? generator.nextIndex(below: 2 * p + 1) - p : 0
        let flip = horizontalFlip && generator.nextIndex(below: 2) == 1
        return (dy, dx, flip)
    }

    /// Writes the augmented CHW image `source` into `destination` (same size):
    /// `out[c, y, x] = in[c, y + dy, x' + dx]` with `x' = W − 1 − x` when flipped, 0 outside the image.
    func apply(_ source: UnsafePointer<UInt8>, to destination: UnsafeMutablePointer<UInt8>,
               channels: Int, height: Int, width: Int, choice: (dy: Int, dx: Int, flip: Bool)) {
        for c in 0..<channels {
            let plane = c * height * width
            for y in 0..<height {
                let sy = y + choice.dy
                for x in 0..<width {
                    let sx = (choice.flip ? width - 1 - x : x) + choice.dx
                    destination[plane + y * width + x] = (0..<height).contains(sy) && (0..<width).contains(sx)
                        ? source[plane + sy * width + sx] : 0
                }
            }
        }
    }
}
