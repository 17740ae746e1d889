// `fovea show kernels|features|receptive-field`: pictures of a trained model — its first-layer
// kernels, the feature maps each conv/pool layer makes of one input, and the input region one unit sees.

import ArgumentParser
import Foundation
import Fovea

struct Kernels: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grid of the first convolution's kernels (kernels.png): one cell per output channel, colour for 3 input channels, grey otherwise.")

    @OptionGroup var source: ModelSource

    @Option(help: "Directory for kernels.png (default: the run folder, else ./pictures).")
    var out: String?

    @Option(help: "Enlarge each kernel pixel this many times (default: cells about 40 pixels wide).")
    var scale: Int?

    @Option(help: "Kernels per row of the grid.")
    var columns: Int = 8

    func validate() throws {
        if let scale, !(1...64).contains(scale) { throw ValidationError("--scale \(scale): must be in 1...64") }
        guard columns >= 1 else { throw ValidationError("--columns \(columns): must be at least 1") }
    }

    func run() throws {
        let run = try source.load()
        guard let (name, weight) = run.model.namedParameters.first(where: { $0.parameter.shape.count == 4 }).map({ ($0.name, $0.parameter.value) }) else {
            throw RunError("\(run.zoo.rawValue) has no 2-D convolution weight [out, in, kh, kw]")
        }
        let (k, c, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let factor = scale ?? max(1, 40 / max(kh, kw))
        let picture: PNGImage
        if c == 3 {
            picture = try PNGImage.colourGrid(weight, columns: columns, scale: factor)
        } else {
            // Grey: the kernel itself for one input channel, the mean over input channels otherwise.
            let mean = try weight.mean(alongAxes: [1])
            picture = try PNGImage.grid(mean.reshaped(to: [k, kh, kw]), columns: columns, scale: factor)
        }
        let path = joinPath(try outputDirectory(out, run: run, fallback: "pictures"), "kernels.png")
        try picture.write(to: path)
        print("wrote \(path): \(k) kernels of '\(name)' [\(k), \(c), \(kh), \(kw)], \(c == 3 ? "colour (RGB)" : c == 1 ? "grey" : "grey, mean over \(c) input channels")")
    }
}

/// The input picture of `features` and `receptive-field`: a PNG file or a test-set image.
struct InputChoice: ParsableArguments {
    @Option(help: "A PNG image the model's input size (grey or colour; converted to the model's channels, colour to grey by ITU-R 601 luma).")
    var image: String?

    @Option(help: "Use test-set image N instead of --image.")
    var index: Int?

    /// The image `[1, C, H, W]` in 0…1, and its label's class name when it comes from the test set.
    func load(for run: LoadedRun) throws -> (pixels: Tensor, caption: String) {
        let (c, h, w) = (run.input[0], run.input[1], run.input[2])
        if let image {
            let png = try PNGImage.read(path: image)
            guard png.width == w, png.height == h else {
                throw RunError("\(image): the image is \(png.width)×\(png.height), \(run.zoo.rawValue) takes \(w)×\(h)")
            }
            return (try PlanarImage(png, channels: c).tensor(mean: [0], std: [1]), image)
        }
        let n = index ?? 0
        guard n >= 0 else { throw RunError("--index \(n): must be 0 or more") }
        let test = try run.testSet(limit: n + 1).images
        guard n < test.count else { throw RunError("--index \(n): the test set has \(test.count) images (0..<\(test.count))") }
        return (try test.batch(indices: [n]), "test image \(n) (\(test.classNames[Int(test.labels[n])]))")
    }
}

/// `[1, C, H, W]` in 0…1 as a grey or colour picture, enlarged.
func inputPicture(_ pixels: Tensor, scale: Int) throws -> PNGImage {
    let (c, h, w) = (pixels.shape[1], pixels.shape[2], pixels.shape[3])
    let values = pixels.scalars, plane = h * w
    var bytes = [UInt8](repeating: 0, count: plane * 3)
    for i in 0..<plane { for k in 0..<3 {
        bytes[i * 3 + k] = UInt8(max(0, min(255, (values[(c == 3 ? k : 0) * plane + i] * 255).rounded())))
    } }
    return try Edges.enlarged(PNGImage(width: w, height: h, channels: 3, pixels: bytes), by: scale)
}

struct Features: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Feature maps of one input after each convolution and pooling layer: features-<k>-<layer>.png, one grid per layer.")

    @OptionGroup var source: ModelSource
    @OptionGroup var input: InputChoice

    @Option(help: "Directory for the pictures (default: RUN/features, else ./features).")
    var out: String?

    @Option(help: "Enlarge each pixel this many times.")
    var scale: Int = 2

    @Option(help: "At most this many channels per layer are drawn.")
    var maxMaps: Int = 64

    func validate() throws {
        guard (1...64).contains(scale) else { throw ValidationError("--scale \(scale): must be in 1...64") }
        guard maxMaps >= 1 else { throw ValidationError("--max-maps \(maxMaps): must be at least 1") }
    }

    func run() throws {
        let run = try source.load()
        let (pixels, caption) = try input.load(for: run)
        let n = run.normalization()
        run.model.eval()
        let stages = try run.model.stageOutputs((pixels - n.mean) / n.std)
        let directory = try outputDirectory(out ?? run.folder.map { joinPath($0, "features") }, run: nil, fallback: "features")
        let inputPath = joinPath(directory, "input.png")
        try inputPicture(pixels, scale: scale * 2).write(to: inputPath)
        print("input: \(caption); wrote \(inputPath)")
        var written = 0
        for stage in stages where stage.output.rank == 4 && (stage.type.contains("Conv") || stage.type.contains("Pool")) {
            let (c, h, w) = (stage.output.shape[1], stage.output.shape[2], stage.output.shape[3])
            let shown = min(c, maxMaps)
            let maps = try stage.output.reshaped(to: [c, h, w]).narrowed(axis: 0, range: 0..<shown)
            written += 1
            let path = joinPath(directory, "features-\(written)-\(stage.name.replacingOccurrences(of: ".", with: "-")).png")
            try PNGImage.grid(maps, columns: 8, scale: scale).write(to: path)
            print("wrote \(path): \(stage.name) (\(stage.type)) \(c)×\(h)×\(w)\(shown < c ? ", first \(shown) channels" : "")")
        }
        if written == 0 { throw RunError("\(run.zoo.rawValue) has no convolution or pooling layer with a spatial output") }
    }
}

struct ReceptiveField: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receptive-field",
        abstract: "The input region one unit of a layer sees, drawn as a red rectangle on the input (receptive-field.png).",
        discussion: "The region is the analytic receptive field of `fovea summary`: along each axis the unit u covers start + u·jump … start + u·jump + RF − 1.")

    @OptionGroup var source: ModelSource
    @OptionGroup var input: InputChoice

    @Option(help: "The layer, named as in `fovea summary` (for example 3 or features.0).")
    var layer: String

    @Option(help: "The unit's position Y,X in the layer's output (default: its centre).")
    var unit: String?

    @Option(help: "Directory for receptive-field.png (default: the run folder, else ./pictures).")
    var out: String?

    @Option(help: "Enlarge each pixel this many times.")
    var scale: Int = 8

    func validate() throws {
        guard (1...64).contains(scale) else { throw ValidationError("--scale \(scale): must be in 1...64") }
        if let unit, Self.parseUnit(unit) == nil { throw ValidationError("--unit \(unit): expected Y,X (two whole numbers)") }
    }

    static func parseUnit(_ text: String) -> [Int]? {
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return parts.count == 2 && parts.allSatisfy { $0 != nil } ? parts.map { $0! } : nil
    }

    func run() throws {
        let run = try source.load()
        let summary = try run.model.summary(input: [1] + run.input)
        guard let row = summary.rows.first(where: { $0.name == layer }) else {
            throw RunError("no layer '\(layer)' in \(run.zoo.rawValue); layers: \(summary.rows.map(\.name).joined(separator: ", "))")
        }
        guard row.outputShape.count == 4 else { throw RunError("layer '\(layer)' (\(row.type)) has output \(row.outputShape), not [N, C, H, W]") }
        let position = unit.flatMap(Self.parseUnit) ?? [row.outputShape[2] / 2, row.outputShape[3] / 2]
        let region = try row.inputRegion(unit: position)
        let (pixels, caption) = try input.load(for: run)
        let picture = try Self.overlay(inputPicture(pixels, scale: scale), rows: region[0], columns: region[1], scale: scale)
        let path = joinPath(try outputDirectory(out, run: run, fallback: "pictures"), "receptive-field.png")
        try picture.write(to: path)
        let (h, w) = (run.input[1], run.input[2])
        let clipped = region[0].clamped(to: 0...(h - 1)) != region[0] || region[1].clamped(to: 0...(w - 1)) != region[1]
        print("unit (\(position[0]), \(position[1])) of layer '\(layer)' (\(row.type), output \(row.outputShape)) sees input rows \(region[0].lowerBound)…\(region[0].upperBound), columns \(region[1].lowerBound)…\(region[1].upperBound) (\(region[0].count)×\(region[1].count))\(clipped ? ", partly padding outside the \(w)×\(h) image" : "")")
        print("input: \(caption); wrote \(path)")
    }

    /// Draws the outline of input rows × columns (clipped to the picture) in red, 1 pixel wide, on a picture enlarged `scale` times.
    static func overlay(_ picture: PNGImage, rows: ClosedRange<Int>, columns: ClosedRange<Int>, scale: Int) throws -> PNGImage {
        var pixels = picture.pixels
        let (w, h) = (picture.width, picture.height)
        let top = max(rows.lowerBound * scale, 0), bottom = min((rows.upperBound + 1) * scale - 1, h - 1)
        let left = max(columns.lowerBound * scale, 0), right = min((columns.upperBound + 1) * scale - 1, w - 1)
        guard top <= bottom, left <= right else { return picture }
        func red(_ x: Int, _ y: Int) { let o = (y * w + x) * 3; (pixels[o], pixels[o + 1], pixels[o + 2]) = (255, 0, 0) }
        for x in left...right { red(x, top); red(x, bottom) }
        for y in top...bottom { red(left, y); red(right, y) }
        return try PNGImage(width: w, height: h, channels: 3, pixels: pixels)
    }
}
