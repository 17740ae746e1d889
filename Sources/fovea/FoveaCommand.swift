// The `fovea` command line: one root command with a subcommand per job.
import ArgumentParser
import Fovea

@main
struct FoveaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fovea",
        abstract: "Convolutional neural networks in Swift: train, evaluate and benchmark CNNs on the CPU.",
        subcommands: [Train.self, Evaluate.self, Summary.self, Show.self, Bench.self]
    )
}
