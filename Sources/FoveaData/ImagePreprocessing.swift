// How an image file becomes the input of a classifier: convert the colours, resize the shorter
// side, crop the centre square, scale to 0…1 and normalise per channel — torchvision's evaluation
// transform (`Resize(s)`, `CenterCrop(c)`, `ToTensor()`, `Normalize(mean, std)`) on a PIL image.

/// The steps from a PNG to a `[1, channels, cropSize, cropSize]` tensor.
public struct ImagePreprocessing: Sendable, Equatable {
    /// 1 (grey) or 3 (RGB): what the network takes.
    public var channels: Int
    /// The side the shorter side is resized to (aspect ratio kept).
    public var resizeShorterSide: Int
    /// The side of the centre square cropped after resizing (at most `resizeShorterSide`).
    public var cropSize: Int
    /// Per-channel (or one shared) mean and standard deviation of pixels scaled to 0…1.
    public var mean: [Float], std: [Float]

    public init(channels: Int, resizeShorterSide: Int, cropSize: Int, mean: [Float], std: [Float]) {
        (self.channels, self.resizeShorterSide, self.cropSize, self.mean, self.std) = (channels, resizeShorterSide, cropSize, mean, std)
    }

    /// torchvision's ImageNet evaluation transform for its AlexNet and GoogLeNet weights: RGB,
    /// shorter side 256, centre crop 224, ImageNet's channel means and deviations.
    public static let imageNet = ImagePreprocessing(channels: 3, resizeShorterSide: 256, cropSize: 224,
                                                    mean: ImageNet.mean, std: ImageNet.standardDeviation)

    /// The network input for `png`: `[1, channels, cropSize, cropSize]`.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for settings that do not fit
    ///   (a crop larger than the resized side, bad channel counts or deviations).
    public func tensor(for png: PNGImage) throws -> Tensor {
        guard cropSize >= 1, cropSize <= resizeShorterSide else {
            throw DataError.invalidArgument(name: "crop size", value: "\(cropSize)", reason: "must be between 1 and the resized side \(resizeShorterSide)")
        }
        let image = try PlanarImage(png, channels: channels).resized(shorterSide: resizeShorterSide).centreCropped(to: cropSize)
        return try image.tensor(mean: mean, std: std)
    }
}
