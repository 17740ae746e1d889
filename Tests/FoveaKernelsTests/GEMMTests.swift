// sgemm against its naive twin: shapes, all transpose combinations, strides, alpha/beta,
// thread counts and every micro-kernel this machine can run.

import FoveaKernels
import Testing

/// One random SGEMM problem with padded leading dimensions, checked against a Double reference.
private struct Problem {
    let transA: Bool, transB: Bool
    let m: Int, n: Int, k: Int
    let lda: Int, ldb: Int, ldc: Int
    var a: [Float], b: [Float], c: [Float]

    init(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, pad: Int, seed: UInt64) {
        self.transA = transA; self.transB = transB
        self.m = m; self.n = n; self.k = k
        lda = (transA ? m : k) + pad
        ldb = (transB ? k : n) + pad
        ldc = n + pad
        var rng = SplitMix(seed)
        a = (0..<((transA ? k : m) * lda)).map { _ in rng.uniform() }
        b = (0..<((transB ? n : k) * ldb)).map { _ in rng.uniform() }
        c = (0..<(m * ldc)).map { _ in rng.uniform() }
    }

    /// alpha·op(A)·op(B) + beta·C in Double (beta == 0 ignores C), at the m×n positions.
    func reference(alpha: Float, beta: Float) -> [Double] {
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let av = transA ? a[p * lda + i] : a[i * lda + p]
                    let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(av) * Double(bv)
                }
                let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
                out[i * n + j] = Double(alpha) * sum + old
            }
        }
        return out
    }

    /// Runs `gemm` on a copy of C (NaN-filled when beta == 0) and returns the worst
    /// |got − ref| / (1 + |ref|) over the m×n block; the padding columns must be untouched.
    func worstError(alpha: Float, beta: Float, gemm: GEMMFunction) -> Double {
        var out = beta == 0 ? [Float](repeating: .nan, count: c.count) : c
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    gemm(transA, transB, m, n, k, alpha, pa.baseAddress!, lda, pb.baseAddress!, ldb,
                         beta, pc.baseAddress!, ldc)
                }
            }
        }
        let ref = reference(alpha: alpha, beta: beta)
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                let got = Double(out[i * ldc + j])
                worst = max(worst, got.isNaN ? .infinity : abs(got - ref[i * n + j]) / (1 + abs(ref[i * n + j])))
            }
            for j in n..<ldc where !(beta == 0 ? out[i * ldc + j].isNaN : out[i * ldc + j] == c[i * ldc + j]) {
                worst = .infinity  // wrote outside the m×n block
            }
        }
        return worst
    }
}

private typealias GEMMFunction = @Sendable (Bool, Bool, Int, Int, Int, Float, UnsafePointer<Float>, Int,
                                  UnsafePointer<Float>, Int, Float, UnsafeMutablePointer<Float>, Int) -> Void

private let fast: GEMMFunction = {
    sgemm(transA: $0, transB: $1, m: $2, n: $3, k: $4, alpha: $5, a: $6, lda: $7, b: $8, ldb: $9,
          beta: $10, c: $11, ldc: $12)
}
private let naive: GEMMFunction = {
    sgemmNaive(transA: $0, transB: $1, m: $2, n: $3, k: $4, alpha: $5, a: $6, lda: $7, b: $8, ldb: $9,
               beta: $10, c: $11, ldc: $12)
}

/// Deterministic uniform numbers in [-1, 1).
private struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func uniform() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 23) - 1
    }
}

/// float32 sums of up to ~600 terms of size ≤ 1: a few ulps per term at worst.
private let tolerance = 1e-4

/// Runs `body` with the given thread count and micro-kernel, for this test only: other tests
/// running beside it keep the process-wide settings.
private func with(threads: Int, kernel: GEMMKernel = .automatic, _ body: () -> Void) {
    Parallel.withThreadCount(threads) { GEMMKernel.withOverride(kernel, body) }
}

@Suite struct GEMMTests {
    static let transposes = [(false, false), (false, true), (true, false), (true, true)]
    static let scalings: [(alpha: Float, beta: Float)] = [(1, 0), (1, 1), (-0.75, 0.5), (2, 0)]

    @Test(arguments: [1, 2])
    func matchesReferenceOnSmallAndOddShapes(threads: Int) {
        let sizes = [1, 3, 7, 33]
        var seed: UInt64 = 1
        with(threads: threads) {
            for (ta, tb) in Self.transposes {
                for m in sizes { for n in sizes { for k in sizes {
                    seed += 1
                    let problem = Problem(transA: ta, transB: tb, m: m, n: n, k: k, pad: Int(seed % 3), seed: seed)
                    let (alpha, beta) = Self.scalings[Int(seed) % Self.scalings.count]
                    let error = problem.worstError(alpha: alpha, beta: beta, gemm: fast)
                    #expect(error <= tolerance, "ta \(ta) tb \(tb) m \(m) n \(n) k \(k) α \(alpha) β \(beta)")
                }}}
            }
        }
    }

    @Test(arguments: [1, 2])
    func matchesReferenceOnBlockedShapes(threads: Int) {
        // Crosses every block boundary: MR/NR edges, several K blocks, two A blocks (m 4100),
        // shared-block and row-slice threading.
        expectMatches([(257, 257, 257), (130, 600, 33), (600, 45, 257), (29, 1000, 400), (257, 64, 900), (4100, 100, 9)],
                      threads: threads, pad: 5, firstSeed: 100)
    }

    @Test(arguments: [1, 2])
    func matchesReferenceWithOneOrTwoRows(threads: Int) {
        // The streamed matrix–vector path (a linear layer at batch 1): columns split over the
        // threads in blocks of 64 with a tail, depths with and without a 32-wide remainder; with B
        // transposed, the first two shapes take the unpacked A·Bᵀ path on AVX-512.
        expectMatches([(1, 1000, 300), (2, 130, 4097), (1, 64, 64), (2, 4100, 40)], threads: threads, pad: 3, firstSeed: 300)
    }

    @Test(arguments: [1, 2])
    func matchesReferenceWithFewRowsAndTransposedB(threads: Int) {
        // The unpacked A·Bᵀ path (a linear layer at batch 1–16 on AVX-512): row blocks of 4 with a
        // remainder, column blocks of 6 with a remainder, depth chunks of 256 with a 16-wide tail.
        expectMatches([(3, 1000, 300), (16, 130, 4097), (5, 64, 64), (13, 601, 257), (16, 4096, 1030)],
                      threads: threads, pad: 3, firstSeed: 500)
    }

    /// Every transpose combination of each (m, n, k) against the reference, with the scalings in
    /// turn; the tolerance grows with k beyond 600 terms.
    private func expectMatches(_ shapes: [(Int, Int, Int)], threads: Int, pad: Int, firstSeed: Int,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        with(threads: threads) {
            for (index, (m, n, k)) in shapes.enumerated() {
                for (t, (ta, tb)) in Self.transposes.enumerated() {
                    let problem = Problem(transA: ta, transB: tb, m: m, n: n, k: k, pad: pad, seed: UInt64(firstSeed + index * 4 + t))
                    let (alpha, beta) = Self.scalings[(index + t) % Self.scalings.count]
                    let error = problem.worstError(alpha: alpha, beta: beta, gemm: fast)
                    #expect(error <= tolerance * Double(max(1, k / 600)), "ta \(ta) tb \(tb) m \(m) n \(n) k \(k) α \(alpha) β \(beta)",
                            sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test(arguments: [GEMMKernel.portable, .avx2, .avx512])
    func everyMicroKernelMatches(kernel: GEMMKernel) {
        // Unsupported ISAs fall back to a supported kernel, so this is always safe to run.
        with(threads: 2, kernel: kernel) {
            if GEMMKernel.isSupported(kernel) {
                let prefix = kernel == .portable ? "portable" : kernel == .avx2 ? "avx2" : "avx512"
                #expect(GEMMKernel.activeName.hasPrefix(prefix), "\(GEMMKernel.activeName)")
            }
            for (t, (ta, tb)) in Self.transposes.enumerated() {
                for (m, n, k) in [(33, 257, 70), (257, 33, 129), (100, 100, 400)] {
                    let problem = Problem(transA: ta, transB: tb, m: m, n: n, k: k, pad: 3, seed: UInt64(7 + t + m))
                    let error = problem.worstError(alpha: 0.5, beta: t % 2 == 0 ? 0 : 0.5, gemm: fast)
                    #expect(error <= tolerance, "\(GEMMKernel.activeName) ta \(ta) tb \(tb) m \(m) n \(n) k \(k)")
                }
            }
        }
    }

    @Test func naiveTwinMatchesDoubleReference() {
        let problem = Problem(transA: true, transB: false, m: 7, n: 33, k: 257, pad: 2, seed: 99)
        #expect(problem.worstError(alpha: 1.5, beta: 0.5, gemm: naive) <= tolerance)
    }

    @Test func resultsDoNotDependOnThreadCount() {
        let problem = Problem(transA: false, transB: false, m: 300, n: 500, k: 700, pad: 0, seed: 5)
        var outputs: [[Float]] = []
        for threads in [1, 2] {
            var out = [Float](repeating: 0, count: problem.c.count)
            with(threads: threads) {
                problem.a.withUnsafeBufferPointer { pa in problem.b.withUnsafeBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { pc in
                        sgemm(transA: false, transB: false, m: 300, n: 500, k: 700, alpha: 1,
                              a: pa.baseAddress!, lda: problem.lda, b: pb.baseAddress!, ldb: problem.ldb,
                              beta: 0, c: pc.baseAddress!, ldc: problem.ldc)
                    }
                }}
            }
            outputs.append(out)
        }
        #expect(outputs[0] == outputs[1])
    }

    @Test func zeroDepthOrAlphaOnlyScalesC() {
        var c: [Float] = [1, 2, 3, .nan]
        let a: [Float] = [.nan], b: [Float] = [.nan]
        c.withUnsafeMutableBufferPointer { pc in
            sgemm(transA: false, transB: false, m: 1, n: 3, k: 0, alpha: 1, a: a, lda: 1, b: b, ldb: 3,
                  beta: 2, c: pc.baseAddress!, ldc: 4)
        }
        #expect(c[0] == 2 && c[1] == 4 && c[2] == 6 && c[3].isNaN)
        c.withUnsafeMutableBufferPointer { pc in
            sgemm(transA: false, transB: false, m: 1, n: 3, k: 1, alpha: 0, a: a, lda: 1, b: b, ldb: 3,
                  beta: 0, c: pc.baseAddress!, ldc: 4)
        }
        #expect(c[0] == 0 && c[1] == 0 && c[2] == 0)
    }

    @Test func reportsKernelAndPeak() {
        #expect(!ComputePeak.gemmKernelName.isEmpty)
        #expect(ComputePeak.measureGFLOPS(threads: 1, seconds: 0.01) > 0)
    }
}
