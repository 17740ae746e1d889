// `fovea bench --memory`: issue 5's memory figures for training the default model — the peak
// resident memory of the process and the heap allocations of one steady-state training step.
//
// It runs the `train_small_cnn_b64` step (the default `fovea train` model, batch 64, random data)
// in this process and nothing else, so the kernel's high-water mark (VmHWM in /proc/self/status)
// afterwards is that of a training run: binary, runtime, model, optimizer state, activations,
// workspaces. No data set is loaded; `fovea train` itself adds its images (BENCHMARKS.md has its
// `/usr/bin/time -v` figure). Allocations are counted by CAllocationCounter, which replaces
// malloc & co. in this executable, over the steps after a few warm-up ones (by then workspaces and
// caches have grown to size), and divided by the number of steps.

import CAllocationCounter
import Foundation

/// The memory report of a training run (`memory` in `fovea bench --memory --json`).
struct MemoryResult: Encodable {
    /// The training case that was run.
    let name: String
    /// Untimed steps before counting, then counted steps.
    let warmupSteps: Int, countedSteps: Int
    /// Resident memory before the model is built (VmRSS) and the process's peak after all steps
    /// (VmHWM), in MiB.
    let startResidentMiB: Double, peakResidentMiB: Double
    /// Heap allocation calls and requested bytes per counted step; nil when the counter is not
    /// in effect (malloc not replaced, e.g. on a platform other than glibc).
    let allocationsPerStep: Double?, bytesPerStep: Double?
}

enum MemoryProbe {
    /// The training case the memory figures are for.
    static let caseName = "train_small_cnn_b64"

    /// Runs `warmup` + `steps` training steps and reports peak memory and allocations per step.
    static func measure(steps: Int, warmup: Int = 3) throws -> MemoryResult {
        let start = statusMiB("VmRSS") ?? 0
        guard let entry = BenchCase.catalog.first(where: { $0.name == caseName }) else {
            preconditionFailure("\(caseName) is not in the catalog")
        }
        let step = entry.make()
        for _ in 0..<warmup { try step.run() }
        let counting = counterIsInEffect()
        fovea_allocation_counting_start()
        for _ in 0..<steps { try step.run() }
        let counts = fovea_allocation_counting_stop()
        return MemoryResult(name: caseName, warmupSteps: warmup, countedSteps: steps,
                            startResidentMiB: start, peakResidentMiB: statusMiB("VmHWM") ?? 0,
                            allocationsPerStep: counting ? Double(counts.calls) / Double(steps) : nil,
                            bytesPerStep: counting ? Double(counts.bytes) / Double(steps) : nil)
    }

    /// A field of /proc/self/status given in kB ("VmHWM:   123456 kB"), in MiB; nil if absent.
    static func statusMiB(_ field: String) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let number = line.dropFirst(field.count + 1).split(whereSeparator: \.isWhitespace).first
            return number.flatMap { Double($0) }.map { $0 / 1024 }
        }
        return nil
    }

    /// Escapes the probe allocation below, so that the optimiser cannot drop or stack-allocate it.
    nonisolated(unsafe) static var sink: [Int] = []

    /// Whether allocations made by the Swift runtime reach the counter: zero counted steps must mean
    /// zero allocations, not a malloc that was never replaced.
    static func counterIsInEffect() -> Bool {
        fovea_allocation_counting_start()
        sink = Array(repeating: 1, count: 1000 + CommandLine.arguments.count)
        let counts = fovea_allocation_counting_stop()
        sink = []
        return counts.calls > 0
    }
}
