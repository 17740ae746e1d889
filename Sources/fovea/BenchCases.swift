// The benchmark cases of `fovea bench` and the timing helper they share.
//
// A case is a name, its FLOP count and a closure that runs it once; buffers are set up when the
// case is made, so only the kernel is timed. Add cases by appending to `BenchCase.catalog`;
// convolution, pooling, training and inference cases live in BenchConvolutionCases.swift,
// BenchPoolingCases.swift, BenchTrainingCases.swift and BenchInferenceCases.swift.

import Dispatch
import Fovea

/// One benchmark: `run` performs `flops` floating-point operations on pre-allocated buffers
/// (and processes `images` images, for cases measured in img/s).
struct BenchCase {
    let name: String
    let flops: Double
    var images = 0
    let run: () throws -> Void
}

/// Timings of one case, in seconds.
struct BenchTiming {
    let median: Double
    let min: Double
    let max: Double
}

extension BenchCase {
    /// A case's name and its maker.
    typealias CatalogEntry = (name: String, make: @Sendable () -> BenchCase)

    /// Every known case, in report order, as a name and a maker: buffers are allocated only for
    /// the cases asked for. New cases go here.
    static let catalog: [CatalogEntry] = {
        let gemm: [CatalogEntry] = [
            ("sgemm_256", { sgemm(size: 256) }),
            ("sgemm_1024", { sgemm(size: 1024) }),
            ("sgemm_2048", { sgemm(size: 2048) }),
        ]
        let convolutions: [CatalogEntry] = ConvBenchShape.all.flatMap(\.catalogEntries)
        return gemm + convolutions + poolingEntries + trainingEntries + inferenceEntries
    }()

    /// Names of every known case (for `--only` validation and help).
    static var names: [String] { catalog.map(\.name) }

    /// The cases named in `only` (all of them when it is empty), in catalog order.
    static func all(only: Set<String>) -> [BenchCase] {
        catalog.filter { only.isEmpty || only.contains($0.name) }.map { $0.make() }
    }

    /// Square NN SGEMM `C = A·B`, size×size×size, on deterministic pseudo-random data.
    static func sgemm(size: Int) -> BenchCase {
        let count = size * size
        let a = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: count)
        var state: UInt32 = 12345
        for i in 0..<count {
            state = state &* 1_664_525 &+ 1_013_904_223
            a[i] = Float(state >> 8) / Float(1 << 24) - 0.5
            b[i] = Float((state >> 4) & 0xFFFF) / 65536 - 0.5
        }
        c.initialize(repeating: 0, count: count)
        // The buffers live as long as the process: a bench run makes each case once.
        return BenchCase(name: "sgemm_\(size)", flops: 2 * Double(size * size * size)) {
            Fovea.sgemm(transA: false, transB: false, m: size, n: size, k: size, alpha: 1,
                        a: a, lda: size, b: b, ldb: size, beta: 0, c: c, ldc: size)
        }
    }

    /// Runs the case `warmup` times untimed, then `repeats` times timed.
    func time(repeats: Int, warmup: Int = 2) throws -> BenchTiming {
        for _ in 0..<warmup { try run() }
        var seconds: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            try run()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        seconds.sort()
        let mid = seconds.count / 2
        let median = seconds.count % 2 == 1 ? seconds[mid] : (seconds[mid - 1] + seconds[mid]) / 2
        return BenchTiming(median: median, min: seconds[0], max: seconds[seconds.count - 1])
    }
}
