// SGEMM with op(B) = Bᵀ and 1–16 rows of C, as a linear layer computes at small batch
// (`x · Wᵀ` with W stored [out, in]): no packing, B streamed once (CFoveaKernels/gemm_nt.c).
// The packed path would copy every weight into panels on each call — for AlexNet's fc6 at batch
// 16 that copy (151 MB) took as long as the multiplies — and fill 16 of the 28 rows of its
// two 14-row tiles. The columns of C are split over the threads in blocks of 6; each element is
// summed by one thread in a fixed order, so results do not depend on the thread count. At one or
// two rows the kernel's 4-row blocks repeat a row (the extra sums are dropped): the product is
// bound by reading B, which the kernel does six rows at a time with 512-bit loads.

import CFoveaKernels

/// Rows of C up to which `sgemm` sends `A · Bᵀ` products here (AVX-512 machines only).
let transposedBRows = 16

/// True when `sgemm` should compute this product with ``sgemmTransposedBFewRows``.
func prefersTransposedBFewRows(transA: Bool, transB: Bool, m: Int, n: Int, k: Int) -> Bool {
    transB && !transA && m <= transposedBRows && k >= 64 && n * k >= 1 << 16
        && GEMMKernel.active.isa == Int32(FOVEA_ISA_AVX512.rawValue)
}

/// `C = alpha · A · Bᵀ + beta · C` (A m × k, B n × k, both row-major) for a few rows of C.
func sgemmTransposedBFewRows(m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    let blocks = (n + 5) / 6
    let grain = max(1, parallelGEMMWork / max(1, 6 * k * m))
    Parallel.forRanges(blocks, grain: grain) { range in
        let first = range.lowerBound * 6, count = min(n, range.upperBound * 6) - first
        Workspace.withBuffer(capacity: (m + 3) / 4 * 24 * 16) { scratch in
            fovea_sgemm_nt_avx512(m, count, k, alpha, a, lda, b + first * ldb, ldb, beta, c + first, ldc, scratch)
        }
    }
}
