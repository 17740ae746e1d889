// `fovea evaluate`: a trained model on its dataset's test split — accuracy, per-class precision,
// recall and support, the confusion matrix as a table, and `confusion.png` (for the recurrent
// network: over pixels, with the accuracy after each step T) — or on one image: its top-5 classes.

import ArgumentParser
import Foundation
import Fovea

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Test a trained model (accuracy, per-class precision/recall, confusion matrix, confusion.png) or classify one image (top 5).",
        discussion: """
            Give a run folder (RUN/config.json + RUN/model.safetensors), or --model NAME --weights FILE [--dataset NAME].
            With an image (`--image FILE.png`, or after --model/--weights simply `IMAGE.png`) it prints the five most \
            probable classes instead. AlexNet and GoogLeNet weights without a dataset are taken to be torchvision's \
            ImageNet weights: the image is prepared as torchvision prepares it (shorter side resized to 256, centre \
            224×224 crop, ImageNet's channel means and deviations) and the classes are ImageNet's 1000. A run's model \
            gets its training images' channels, side and normalisation, and its dataset's class names.
            """)

    @OptionGroup var source: ModelSource

    @Option(help: "A PNG image to classify (prints the top-5 classes) instead of testing on the dataset.")
    var image: String?

    @Option(help: "Directory for confusion.png (default: the run folder, else the current directory).")
    var out: String?

    @Option(help: "Images per forward pass.")
    var batchSize: Int = 500

    @Option(help: "Evaluate only the first N test images (quick checks).")
    var limit: Int?

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size \(batchSize): must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit \(limit): must be at least 1") }
        if image != nil, let positional = source.positionalImage {
            throw ValidationError("two images given (\(positional) and --image \(image!)); classify one at a time")
        }
    }

    func run() throws {
        let run = try source.load(imageArgument: true)
        if let path = image ?? source.positionalImage { return try classify(path, with: run) }
        let test = try run.testSet(limit: limit)
        let loader = try DataLoader(dataset: test.images, batchSize: batchSize, shuffle: false, seed: 0, normalization: run.normalization())
        // Only the test half of a task is used here (no training batches).
        let task: any TrainingTask = test.masks.map { PixelLabelling(train: $0, test: $0) } ?? ImageClassification(classCount: run.classNames.count)
        run.model.eval()
        let metrics = try task.test(run.model, on: loader)
        let matrix = metrics.confusion
        let counted = test.masks == nil ? "\(test.count) test images" : "\(test.count) test images, \(matrix.total) pixels"
        print(String(format: "%@ on %@ (%@): accuracy %.2f%%", run.zoo.rawValue, (run.dataset ?? .fashionMNIST).rawValue, counted,
                     100 * matrix.accuracy))
        if !metrics.text.isEmpty { print(metrics.text) }
        print("")
        print(Self.report(matrix, classNames: run.classNames))
        print("")
        print("confusion matrix (rows: true class, columns: predicted class)")
        print(matrix.table(classNames: run.classNames))
        let directory = try outputDirectory(out, run: run, fallback: ".")
        let path = joinPath(directory, "confusion.png")
        let rowFractions = matrix.counts.map { row -> [Double] in
            let n = row.reduce(0, +)
            return row.map { n > 0 ? Double($0) / Double(n) : 0 }
        }
        try PNGImage.heatMap(rowFractions).write(to: path)
        print("wrote \(path) (cell shade: fraction of the true class's \(test.masks == nil ? "images" : "pixels"); diagonal framed)")
    }

    /// Prints the five most probable classes of the image at `path` (fewer when the model has fewer).
    private func classify(_ path: String, with run: LoadedRun) throws {
        guard !run.zoo.labelsPixels else {
            throw RunError("\(run.zoo.rawValue) labels every pixel rather than the image; evaluate it on its test set (fovea evaluate RUN)")
        }
        let png = try PNGImage.read(path: path)
        let preprocessing = run.imagePreprocessing()
        let input = try preprocessing.tensor(for: png)
        run.model.eval()
        let logits = try GradientRecording.withoutGradients { try run.model(input) }
        let probabilities = try logits.softmax(alongAxis: 1).scalars
        let top = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] || probabilities[$0] == probabilities[$1] && $0 < $1 }
            .prefix(5)
        let crop = "\(preprocessing.cropSize)×\(preprocessing.cropSize)"
        let how = run.dataset.map { "as trained: \(preprocessing.channels)×\(crop), \($0.rawValue) normalisation" }
            ?? "ImageNet preprocessing: shorter side \(preprocessing.resizeShorterSide), centre \(crop), ImageNet mean/std"
        print("\(path) (\(png.width)×\(png.height)) → \(run.zoo.rawValue), top \(top.count) of \(run.classNames.count) classes (\(how)):")
        for (rank, index) in top.enumerated() {
            print(String(format: "%2d. %6.2f%%  %@ (class %d)", rank + 1, 100 * probabilities[index], run.classNames[index], index))
        }
    }

    /// The per-class table: precision, recall, F1 and support.
    static func report(_ matrix: ConfusionMatrix, classNames: [String]) -> String {
        let width = max(classNames.map(\.count).max() ?? 0, 5)
        func percent(_ value: Double?) -> String { value.map { String(format: "%9.2f%%", 100 * $0) } ?? "       n/a" }
        var lines = ["class".padding(toLength: width, withPad: " ", startingAt: 0) + "   precision      recall          F1  support"]
        for (c, name) in classNames.enumerated() {
            lines.append(name.padding(toLength: width, withPad: " ", startingAt: 0) + " "
                         + [percent(matrix.precision(of: c)), percent(matrix.recall(of: c)), percent(matrix.f1(of: c))].joined(separator: " ")
                         + String(format: " %8d", matrix.support(of: c)))
        }
        return lines.joined(separator: "\n")
    }
}
