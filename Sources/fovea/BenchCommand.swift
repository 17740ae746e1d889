// `fovea bench`: measures the FMA peak, then times kernels against it; `--memory` instead measures
// a training run's peak memory and allocations (BenchMemory.swift).

import ArgumentParser
import Foundation
import Fovea

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the FP32 FMA peak, then time kernels as GFLOP/s and % of that peak."
    )

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "Threads for kernels and for the multi-thread peak (default: all processors).")
    var threads: Int?

    @Option(parsing: .upToNextOption, help: "Run only these cases (\(BenchCase.names.joined(separator: ", "))).")
    var only: [String] = []

    @Option(help: "Timed runs per case, after two warm-up runs.")
    var repeats = 5

    @Flag(help: "Instead of timing cases, train the small CNN at batch 64 on random data and report peak resident memory and heap allocations per step.")
    var memory = false

    @Option(help: "With --memory: counted training steps, after three warm-up steps.")
    var memorySteps = 20

    @Option(help: "SGEMM micro-kernel: auto, portable, avx2 or avx512 (unsupported ones fall back).")
    var kernel = "auto"

    static let kernels: [String: GEMMKernel] = ["auto": .automatic, "portable": .portable, "avx2": .avx2, "avx512": .avx512]

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads).") }
        if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats).") }
        if memorySteps < 1 { throw ValidationError("--memory-steps must be at least 1, got \(memorySteps).") }
        if Self.kernels[kernel] == nil {
            throw ValidationError("Unknown kernel '\(kernel)'; known: auto, portable, avx2, avx512.")
        }
        let unknown = only.filter { !BenchCase.names.contains($0) }
        if !unknown.isEmpty {
            throw ValidationError("Unknown case(s) \(unknown.joined(separator: ", ")); known: \(BenchCase.names.joined(separator: ", ")).")
        }
    }

    func run() throws {
        if let threads { Parallel.threadCount = threads }
        GEMMKernel.override = Self.kernels[kernel] ?? .automatic
        let n = Parallel.threadCount
        if memory { return try runMemory(threads: n) }
        let peak1 = ComputePeak.measureGFLOPS(threads: 1)
        let peakN = n == 1 ? peak1 : ComputePeak.measureGFLOPS(threads: n)
        let machine = Machine(cpu: Self.cpuModel(), threads: n, peak1ThreadGFLOPS: peak1,
                              peakGFLOPS: peakN, kernel: ComputePeak.gemmKernelName)
        if !json {
            print("cpu \(machine.cpu), \(n) thread(s), kernel \(machine.kernel)")
            print("FMA peak: \(Self.fixed(peak1)) GFLOP/s on 1 thread, \(Self.fixed(peakN)) on \(n)")
            print("case                    median ms     min ms     max ms    GFLOP/s  peak GF/s     % peak")
        }
        var results: [CaseResult] = []
        for bench in BenchCase.all(only: Set(only)) {
            // Shared or throttled cloud cores drift: re-measure the peak next to each case.
            let localPeak = ComputePeak.measureGFLOPS(threads: n, seconds: 0.05)
            let t = try bench.time(repeats: repeats)
            let gflops = bench.flops / t.median * 1e-9
            let result = CaseResult(name: bench.name, flops: bench.flops, medianMs: t.median * 1e3,
                                    minMs: t.min * 1e3, maxMs: t.max * 1e3, gflops: gflops,
                                    peakGFLOPS: localPeak, percentOfPeak: 100 * gflops / localPeak,
                                    imagesPerSecond: bench.images > 0 ? Double(bench.images) / t.median : nil)
            results.append(result)
            if !json {
                let cells = [result.medianMs, result.minMs, result.maxMs, gflops, localPeak, result.percentOfPeak]
                    .map { Self.fixed($0).leftPadded(to: 10) }
                let rate = result.imagesPerSecond.map { "  \(Self.fixed($0)) img/s" } ?? ""
                print(bench.name.padding(toLength: 22, withPad: " ", startingAt: 0) + cells.joined(separator: " ") + rate)
            }
        }
        if json { try Self.printJSON(Report(machine: machine, cases: results, memory: nil)) }
    }

    /// `--memory`: no peak and no cases, so that the process's high-water mark is the training run's.
    func runMemory(threads: Int) throws {
        let result = try MemoryProbe.measure(steps: memorySteps)
        guard !json else {
            let machine = Machine(cpu: Self.cpuModel(), threads: threads, peak1ThreadGFLOPS: nil, peakGFLOPS: nil,
                                  kernel: ComputePeak.gemmKernelName)
            return try Self.printJSON(Report(machine: machine, cases: [], memory: result))
        }
        print("\(result.name), \(threads) thread(s): peak resident \(Self.fixed(result.peakResidentMiB)) MiB "
              + "(\(Self.fixed(result.startResidentMiB)) MiB before the model)")
        if let calls = result.allocationsPerStep, let bytes = result.bytesPerStep {
            print("heap allocations per step: \(Self.fixed(calls)) calls, \(Self.fixed(bytes / 1_048_576)) MiB "
                  + "(mean of \(result.countedSteps) steps after \(result.warmupSteps) warm-up steps)")
        } else {
            print("heap allocations: not counted (malloc is not replaced on this platform)")
        }
    }

    static func printJSON(_ report: Report) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    /// The "model name" line of /proc/cpuinfo, or "unknown".
    static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    static func fixed(_ x: Double) -> String { String(format: "%.1f", x) }
}

// MARK: - JSON report

struct Machine: Encodable {
    let cpu: String
    let threads: Int
    /// The measured FMA peaks; nil in a `--memory` report, which measures none.
    let peak1ThreadGFLOPS: Double?
    let peakGFLOPS: Double?
    let kernel: String
}

struct CaseResult: Encodable {
    let name: String
    let flops: Double
    let medianMs: Double
    let minMs: Double
    let maxMs: Double
    let gflops: Double
    /// The N-thread FMA peak measured just before this case; `percentOfPeak` is relative to it.
    let peakGFLOPS: Double
    let percentOfPeak: Double
    /// Images per second, for training and inference cases.
    let imagesPerSecond: Double?
}

struct Report: Encodable {
    let machine: Machine
    let cases: [CaseResult]
    /// Only with `--memory`.
    let memory: MemoryResult?
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
