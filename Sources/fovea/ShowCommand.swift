// `fovea show`: pictures of what a CNN does. `edges` is the course's edge-detection example:
// a two-pixel kernel [−1, 1] finds vertical edges, its transpose horizontal ones.

import ArgumentParser
import Foundation
import Fovea

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write pictures (PNG) of what convolutions do.",
                                                    subcommands: [Edges.self, Kernels.self, Features.self, ReceptiveField.self, Curves.self])
}

struct Edges: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Edge detection with the kernel [-1, 1]: writes the original, the response and the edge magnitude as PNG.")

    @Option(help: "A PNG image (grey or colour); otherwise a Fashion-MNIST test image.")
    var image: String?

    @Option(help: "Which Fashion-MNIST test image, when no --image is given.")
    var index: Int = 0

    @Option(help: "Directory holding Fashion-MNIST (see fovea train --help).")
    var data: String?

    @Option(help: "Directory to write original.png, response.png and magnitude.png into (created if needed).")
    var out: String = "edges"

    @Option(help: "Enlarge each pixel this many times in the pictures.")
    var scale: Int = 1

    func validate() throws {
        guard index >= 0 else { throw ValidationError("--index \(index): must be 0 or more") }
        guard (1...64).contains(scale) else { throw ValidationError("--scale \(scale): must be in 1...64") }
    }

    func run() throws {
        let picture = try loadPicture()
        let (h, w) = (picture.shape[2], picture.shape[3])
        guard w >= 2, h >= 2 else { throw ValidationError("the image is \(w)×\(h); edges need at least 2×2 pixels") }
        let horizontal = try Tensor(shape: [1, 1, 1, 2], scalars: [-1, 1]), vertical = try Tensor(shape: [1, 1, 2, 1], scalars: [-1, 1])
        // Same-size responses: pad one pixel on the right / bottom.
        let dx = try picture.conv2d(weight: horizontal, padding: .explicit(before: [0, 0], after: [0, 1]))
        let dy = try picture.conv2d(weight: vertical, padding: .explicit(before: [0, 0], after: [1, 0]))
        let magnitude = try (dx.squared() + dy.squared()).sqrt()
        let bound = max(dx.scalars.map(abs).max() ?? 1, 1e-6)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for (name, map, range) in [("original", picture, nil), ("response", dx, -bound...bound), ("magnitude", magnitude, nil)] as [(String, Tensor, ClosedRange<Float>?)] {
            let path = (out as NSString).appendingPathComponent("\(name).png")
            try Self.enlarged(PNGImage.grey(map, range: range), by: scale).write(to: path)
            print("wrote \(path)")
        }
        print("kernel [-1, 1]: \(w - 1)×\(h) outputs × 3 operations = \((w - 1) * h * 3) floating-point operations, 2 weights")
    }

    /// The picture as `[1, 1, H, W]` in 0…1.
    private func loadPicture() throws -> Tensor {
        if let image {
            let png = try PNGImage.read(path: image)
            let colour = min(png.channels, 3)  // alpha ignored
            var grey = [Float](repeating: 0, count: png.width * png.height)
            for i in grey.indices {
                var sum = 0
                for c in 0..<colour { sum += Int(png.pixels[i * png.channels + c]) }
                grey[i] = Float(sum) / Float(colour * 255)
            }
            return try Tensor(shape: [1, 1, png.height, png.width], scalars: grey)
        }
        let test = try ImageDataset.fashionMNIST(split: .test, directory: data)
        guard index < test.count else { throw ValidationError("--index \(index): the test set has \(test.count) images") }
        return try test.batch(indices: [index])
    }

    /// Nearest-neighbour enlargement (pictures of 28×28 images are otherwise tiny).
    static func enlarged(_ image: PNGImage, by factor: Int) throws -> PNGImage {
        guard factor > 1 else { return image }
        let (w, h, c) = (image.width * factor, image.height * factor, image.channels)
        var pixels = [UInt8](repeating: 0, count: w * h * c)
        for y in 0..<h { for x in 0..<w { for k in 0..<c {
            pixels[(y * w + x) * c + k] = image.pixels[((y / factor) * image.width + x / factor) * c + k]
        } } }
        return try PNGImage(width: w, height: h, channels: c, pixels: pixels)
    }
}
