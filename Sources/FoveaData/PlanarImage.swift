// PlanarImage: one 8-bit image as channel planes (CHW, the layout of ImageDataset and of tensors),
// and the steps between a PNG file and a network input: colour conversion, cropping, and scaling
// to floats with a per-channel normalisation. Resizing is in BilinearResize.swift.
// C channels, H×W pixels; pixels[c·H·W + y·W + x].

/// One image of `channels × height × width` bytes (0–255), channel after channel (CHW).
public struct PlanarImage: Equatable, Sendable {
    public let channels: Int, height: Int, width: Int
    /// `channels × height × width` bytes, CHW.
    public let pixels: [UInt8]

    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` when the sizes and the byte count disagree.
    public init(channels: Int, height: Int, width: Int, pixels: [UInt8]) throws {
        guard channels >= 1, height >= 1, width >= 1, pixels.count == channels * height * width else {
            throw DataError.invalidArgument(name: "planar image", value: "\(channels)×\(height)×\(width), \(pixels.count) bytes",
                                            reason: "needs positive sizes and channels·height·width bytes")
        }
        (self.channels, self.height, self.width, self.pixels) = (channels, height, width, pixels)
    }

    /// Internal: the caller guarantees that sizes and bytes agree.
    init(unchecked channels: Int, _ height: Int, _ width: Int, _ pixels: [UInt8]) {
        (self.channels, self.height, self.width, self.pixels) = (channels, height, width, pixels)
    }

    /// A PNG's pixels as planes, converted to `channels` (1 grey or 3 RGB) as Pillow's
    /// `Image.convert("L")` / `convert("RGB")` do: alpha is dropped (not composited), then
    /// ``converted(channels:)``.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for `channels` other than 1 or 3.
    public init(_ png: PNGImage, channels: Int) throws {
        let plane = png.width * png.height, own = png.channels >= 3 ? 3 : 1
        var out = [UInt8](repeating: 0, count: own * plane)
        for i in 0..<plane {
            for c in 0..<own { out[c * plane + i] = png.pixels[i * png.channels + c] }
        }
        self = try PlanarImage(unchecked: own, png.height, png.width, out).converted(channels: channels)
    }

    /// The image with `channels` channels: grey repeated into red, green and blue; colour to grey
    /// by ITU-R 601 luma, `(19595·R + 38470·G + 7471·B + 2¹⁵) >> 16` (0.299 R + 0.587 G + 0.114 B,
    /// rounded, as Pillow); itself when it has them already.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for any other conversion.
    public func converted(channels newChannels: Int) throws -> PlanarImage {
        if newChannels == channels { return self }
        let plane = height * width
        switch (channels, newChannels) {
        case (1, 3):
            return PlanarImage(unchecked: 3, height, width, pixels + pixels + pixels)
        case (3, 1):
            let grey = (0..<plane).map { i -> UInt8 in
                let r = UInt32(pixels[i]), g = UInt32(pixels[plane + i]), b = UInt32(pixels[2 * plane + i])
                let luma: UInt32 = 19595 * r + 38470 * g + 7471 * b + 0x8000
                return UInt8(luma >> 16)
            }
            return PlanarImage(unchecked: 1, height, width, grey)
        default:
            throw DataError.invalidArgument(name: "channels", value: "\(channels) → \(newChannels)", reason: "only grey ↔ RGB conversions exist")
        }
    }

    /// The `height × width` window whose top-left pixel is `(top, left)`.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` when the window leaves the image.
    public func cropped(top: Int, left: Int, height h: Int, width w: Int) throws -> PlanarImage {
        guard top >= 0, left >= 0, h >= 1, w >= 1, top + h <= height, left + w <= width else {
            throw DataError.invalidArgument(name: "crop", value: "\(h)×\(w) at (\(top), \(left))", reason: "outside the \(height)×\(width) image")
        }
        var out = [UInt8](); out.reserveCapacity(channels * h * w)
        for c in 0..<channels {
            for y in top..<(top + h) {
                let row = c * height * width + y * width
                out += pixels[(row + left)..<(row + left + w)]
            }
        }
        return PlanarImage(unchecked: channels, h, w, out)
    }

    /// The centre `size × size` window, its corner placed as torchvision's `CenterCrop` places it
    /// (`round((side − size) / 2)`, halves to even, as Python's `round`).
    /// - Throws: when the image is smaller than `size` in either direction.
    public func centreCropped(to size: Int) throws -> PlanarImage {
        let corner = { (side: Int) in Int((Double(side - size) / 2).rounded(.toNearestOrEven)) }
        return try cropped(top: corner(height), left: corner(width), height: size, width: size)
    }

    /// The image as a tensor `[1, channels, height, width]`: each byte `p` becomes
    /// `(p / 255 − mean[c]) / std[c]` (torchvision's `ToTensor` then `Normalize`).
    /// - Parameters:
    ///   - mean, std: one value per channel, or one for all; every `std` > 0.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for counts that fit neither or a `std` ≤ 0.
    public func tensor(mean: [Float], std: [Float]) throws -> Tensor {
        guard [1, channels].contains(mean.count), [1, channels].contains(std.count) else {
            throw DataError.invalidArgument(name: "normalization", value: "\(mean.count) means, \(std.count) deviations",
                                            reason: "give one per channel (\(channels)) or one for all")
        }
        guard std.allSatisfy({ $0 > 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
            throw DataError.invalidArgument(name: "normalization", value: "mean \(mean), std \(std)", reason: "must be finite, std > 0")
        }
        let plane = height * width
        let values = pixels.enumerated().map { i, p in
            let c = i / plane
            return (Float(p) / 255 - mean[mean.count == 1 ? 0 : c]) / std[std.count == 1 ? 0 : c]
        }
        return try Tensor(shape: [1, channels, height, width], scalars: values)
    }
}

extension ImageDataset {
    /// Image `index` as planes.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` when `index` is outside `0..<count`.
    public func planarImage(at index: Int) throws -> PlanarImage {
        PlanarImage(unchecked: channels, height, width, try image(at: index))
    }
}
