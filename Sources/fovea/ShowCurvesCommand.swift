// `fovea show curves RUN`: learning curves from a run folder's metrics.jsonl (see CurvePlot.swift).

import ArgumentParser
import Foundation
import Fovea

struct Curves: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Learning curves of a run (loss and accuracy per epoch, train and test) from RUN/metrics.jsonl: curves.svg and curves.png.")

    @Argument(help: "A run folder holding metrics.jsonl.")
    var runFolder: String

    @Option(help: "Directory for the pictures (default: the run folder).")
    var out: String?

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runFolder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunError("\(runFolder): no such run folder")
        }
        let records = try EpochRecord.read(path: joinPath(runFolder, "metrics.jsonl"))
        let directory = out ?? runFolder
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for path in try CurvePlot.write(records, directory: directory) { print("wrote \(path)") }
        print("\(records.count) epochs")
    }
}
