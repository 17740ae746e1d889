// `fovea evaluate`: a trained model on its dataset's test split — accuracy, per-class precision,
// recall and support, the confusion matrix as a table, and `confusion.png`.

import ArgumentParser
import Foundation
import Fovea

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Test a trained model: accuracy, per-class precision/recall, confusion matrix and confusion.png.",
        discussion: "Give a run folder (RUN/config.json + RUN/model.safetensors), or --model NAME --weights FILE [--dataset NAME].")

    @OptionGroup var source: ModelSource

    @Option(help: "Directory for confusion.png (default: the run folder, else the current directory).")
    var out: String?

    @Option(help: "Images per forward pass.")
    var batchSize: Int = 500

    @Option(help: "Evaluate only the first N test images (quick checks).")
    var limit: Int?

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size \(batchSize): must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit \(limit): must be at least 1") }
    }

    func run() throws {
        let run = try source.load()
        var test = try run.testSet()
        if let limit, limit < test.count { test = try test.subset(Array(0..<limit)) }
        guard [test.channels, test.height, test.width] == run.input else {
            throw RunError("the test images are \(test.channels)×\(test.height)×\(test.width) but \(run.zoo.rawValue) takes \(run.input.map(String.init).joined(separator: "×"))")
        }
        let loader = try DataLoader(dataset: test, batchSize: batchSize, shuffle: false, seed: 0, normalization: run.normalization())
        var matrix = try ConfusionMatrix(classCount: test.classNames.count)
        run.model.eval()
        try GradientRecording.withoutGradients {
            for batch in loader.batches(epoch: 0) {
                try matrix.add(logits: run.model(batch.images), labels: batch.labels)
            }
        }
        print(String(format: "%@ on %@ (%d test images): accuracy %.2f%%", run.zoo.rawValue, (run.dataset ?? .fashionMNIST).rawValue,
                     matrix.total, 100 * matrix.accuracy))
        print("")
        print(Self.report(matrix, classNames: test.classNames))
        print("")
        print("confusion matrix (rows: true class, columns: predicted class)")
        print(matrix.table(classNames: test.classNames))
        let directory = try outputDirectory(out, run: run, fallback: ".")
        let path = joinPath(directory, "confusion.png")
        let rowFractions = matrix.counts.map { row -> [Double] in
            let n = row.reduce(0, +)
            return row.map { n > 0 ? Double($0) / Double(n) : 0 }
        }
        try PNGImage.heatMap(rowFractions).write(to: path)
        print("wrote \(path) (cell shade: fraction of the true class's images; diagonal framed)")
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
