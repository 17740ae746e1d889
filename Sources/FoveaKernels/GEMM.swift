// The fast SGEMM entry point: argument triage, the small-problem path, and the thread split.
//
// Design. Everything that decides *what* to compute — packing of op(A)/op(B) for all four
// transpose combinations, cache blocking, edge handling, the split across threads — is Swift
// (GEMMPacked.swift). Only the innermost register-blocked micro-kernels are C
// (CFoveaKernels/gemm_microkernels.c), for one reason: instruction selection. A plain
// `swift build -c release` targets baseline x86-64, where Swift SIMD lowers to SSE2 and a Swift
// micro-kernel reaches a quarter of the FMA peak. Raising the target needs `-target-cpu`-style
// `unsafeFlags`, which SwiftPM rejects in a package dependency, so Fovea could not be depended on.
// C instead lets each kernel carry `__attribute__((target("avx512f,fma")))` or
// `target("avx2,fma")`: the compiler emits those instructions for that function only, and
// `GEMMKernel` picks, once, the widest kernel that CPUID and XCR0 say the CPU and OS support.
// A portable C kernel is the fallback, and the only one compiled on arm64.
//
// A product with B transposed and at most 16 rows of C (a linear layer at small batch) skips
// packing altogether (GEMMTransposedB.swift).
//
// Threads: they share the packed A block and split the columns of C, each packing its own B
// blocks (so they meet only once per A and K block); a narrow C is instead cut into row slices,
// each with its own packing buffers. Buffers are pooled and reused across calls. Every element of C is summed in the same order whatever
// the thread count (K is blocked identically), so results are reproducible. Inside a parallel
// region (`Parallel.availableThreads == 1`) the call stays on the calling thread.

/// `C = alpha · op(A) · op(B) + beta · C`, row-major. Same contract as ``sgemmNaive``; like BLAS,
/// `alpha == 0` or `k == 0` only scales C and does not read A or B.
/// Uses up to `Parallel.availableThreads` threads.
///
/// - Parameters:
///   - transA: `op(A) = Aᵀ` when true; `A` is then stored K×M with leading dimension `lda`.
///   - transB: `op(B) = Bᵀ` when true; `B` is then stored N×K with leading dimension `ldb`.
///   - m, n, k: `op(A)` is m×k, `op(B)` is k×n, `C` is m×n.
///   - beta: 0 means C is overwritten (its old contents, even NaN, are ignored).
public func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
          beta: beta, c: c, ldc: ldc, packedA: nil)
}

/// ``sgemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` with op(A) possibly packed in
/// advance (``withPackedA(transA:m:k:a:lda:cache:_:)``); it is used when it matches the problem and
/// the path taken, and A is read as usual otherwise.
func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, packedA: PackedOperandA?
) {
    guard m > 0, n > 0 else { return }
    if k <= 0 || alpha == 0 {
        scaleRows(m: m, n: n, beta: beta, c: c, ldc: ldc)
        return
    }
    if prefersTransposedBFewRows(transA: transA, transB: transB, m: m, n: n, k: k) {
        sgemmTransposedBFewRows(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        return
    }
    if m <= smallGEMMRows && m * n * k > smallGEMMWork {
        sgemmFewRows(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                     b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        return
    }
    if m * n * k <= smallGEMMWork || m <= smallGEMMRows {
        sgemmSmall(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                   b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        return
    }
    let kernel = GEMMKernel.active

    let threads = m * n * k >= parallelGEMMWork ? Parallel.availableThreads : 1
    let columnPanels = (n + kernel.nr - 1) / kernel.nr
    if threads == 1 || columnPanels >= 2 * threads || n >= m {
        // Threads share the packed A block and split the columns.
        let blocking = GEMMBlocking(kernel: kernel, m: m, n: n, k: k, parts: min(threads, columnPanels))
        let usable = packedA.flatMap { $0.fits(transA: transA, m: m, k: k, kernel: kernel, blocking: blocking) ? $0 : nil }
        GEMMWorkspacePool.shared.withWorkspace(floats: blocking.workspaceFloats) { workspace in
            sgemmPacked(kernel: kernel, blocking: blocking, transA: transA, transB: transB,
                        rows: 0..<m, cols: 0..<n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                        beta: beta, c: c, ldc: ldc, workspace: workspace, packedA: usable)
        }
        return
    }
    // Narrow C (few column panels, many rows): independent row slices, one workspace each.
    let rowPanels = (m + kernel.mr - 1) / kernel.mr
    let parts = min(threads, rowPanels)
    Parallel.forEach(parts) { part in
        let panels = Parallel.range(of: part, parts: parts, count: rowPanels)
        let slice = (panels.lowerBound * kernel.mr)..<min(m, panels.upperBound * kernel.mr)
        let blocking = GEMMBlocking(kernel: kernel, m: slice.count, n: n, k: k, parts: 1)
        GEMMWorkspacePool.shared.withWorkspace(floats: blocking.workspaceFloats) { workspace in
            sgemmPacked(kernel: kernel, blocking: blocking, transA: transA, transB: transB,
                        rows: slice, cols: 0..<n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                        beta: beta, c: c, ldc: ldc, workspace: workspace)
        }
    }
}

/// Up to this many multiply-adds (m·n·k) packing costs more than it saves: use `sgemmSmall`.
/// Measured on Zen 4 (avx512 kernel): the small loop is 3–5× faster up to 4³, about even from
/// 8³ to 16³, and loses from 24³ on (15 vs 29 GFLOP/s).
let smallGEMMWork = 16 * 16 * 16

/// With this few rows of C, packing all of op(B) for them is wasted work (2×64×32: 21 GFLOP/s
/// unpacked vs 2–5 packed): B is streamed once instead (`sgemmFewRows`, GEMV.swift).
let smallGEMMRows = 2

/// Below this many multiply-adds a second thread costs more than it saves.
let parallelGEMMWork = 64 * 64 * 64

/// `C = beta · C` (beta == 0 writes zeros without reading C).
func scaleRows(m: Int, n: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard beta != 1 else { return }
    for i in 0..<m {
        let row = c + i * ldc
        if beta == 0 {
            row.update(repeating: 0, count: n)
        } else {
            for j in 0..<n { row[j] *= beta }
        }
    }
}

/// SGEMM for tiny problems, without packing: row updates (`C[i,:] += a·B[p,:]`) when rows of
/// op(B) are contiguous, dot products when its columns are.
func sgemmSmall(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    let rowStride = transA ? 1 : lda, depthStride = transA ? lda : 1
    for i in 0..<m {
        let row = c + i * ldc
        let aRow = a + i * rowStride
        if transB {
            for j in 0..<n {
                let bCol = b + j * ldb
                var sum: Float = 0
                for p in 0..<k { sum += aRow[p * depthStride] * bCol[p] }
                row[j] = beta == 0 ? alpha * sum : alpha * sum + beta * row[j]
            }
        } else {
            scaleRows(m: 1, n: n, beta: beta, c: row, ldc: ldc)
            for p in 0..<k {
                let scaled = alpha * aRow[p * depthStride]
                let bRow = b + p * ldb
                for j in 0..<n { row[j] += scaled * bRow[j] }
            }
        }
    }
}
