// SGEMM with one or two rows of C: matrix–vector products, as a linear layer at batch 1 computes
// (AlexNet's fc6 reads 151 MB of weights for 9,216 × 4,096 multiply-adds). Packing would copy all of
// op(B) for a handful of multiply-adds per element, so B is streamed once instead, the columns of C
// split over the threads. Such a product is bound by memory bandwidth, not by FMAs: what counts is
// reading B once, front to back, on every core. Each element of C is summed by one thread in a
// fixed order, so results do not depend on the thread count. On AVX-512 machines a product with B
// transposed and at least 64 × 1024 elements of B goes to the unpacked A·Bᵀ kernel instead
// (GEMMTransposedB.swift): six rows of B streamed at once with 512-bit loads (AlexNet at batch 1:
// 24–26 → 19–21 ms, alternating A/B), so a linear layer's forward rarely comes here.

/// `C = alpha · op(A) · op(B) + beta · C` for `m` ≤ a few rows (same contract as ``sgemm``).
func sgemmFewRows(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    // op(A)'s rows made contiguous (they are strided when A is transposed).
    Workspace.withBuffer(capacity: m * k) { rowsOfA in
        for i in 0..<m {
            let dst = rowsOfA + i * k
            if transA { for p in 0..<k { dst[p] = a[p * lda + i] } } else { dst.update(from: a + i * lda, count: k) }
        }
        let aRows = UnsafePointer(rowsOfA)
        // Column blocks of 64 (a whole number of cache lines of B's rows when B is not transposed).
        let blocks = (n + 63) / 64
        let grain = max(1, parallelGEMMWork / max(1, 64 * k * m))
        Parallel.forRanges(blocks, grain: grain) { range in
            let columns = (range.lowerBound * 64)..<min(n, range.upperBound * 64)
            for i in 0..<m {
                let row = c + i * ldc, x = aRows + i * k
                if transB {
                    for j in columns {
                        let total = dot(x, b + j * ldb, count: k)
                        row[j] = beta == 0 ? alpha * total : alpha * total + beta * row[j]
                    }
                } else {
                    scaleRows(m: 1, n: columns.count, beta: beta, c: row + columns.lowerBound, ldc: ldc)
                    for p in 0..<k {
                        axpy(alpha * x[p], b + p * ldb + columns.lowerBound, into: row + columns.lowerBound, count: columns.count)
                    }
                }
            }
        }
    }
}

/// Σ x[p]·y[p] with 32 independent partial sums (four 8-wide), in a fixed order.
@inline(__always)
private func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
    let xs = UnsafeRawPointer(x), ys = UnsafeRawPointer(y)
    var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
    var p = 0
    while p + 32 <= count {
        let o = p * 4
        s0 += xs.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * ys.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
        s1 += xs.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self) * ys.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
        s2 += xs.loadUnaligned(fromByteOffset: o + 64, as: SIMD8<Float>.self) * ys.loadUnaligned(fromByteOffset: o + 64, as: SIMD8<Float>.self)
        s3 += xs.loadUnaligned(fromByteOffset: o + 96, as: SIMD8<Float>.self) * ys.loadUnaligned(fromByteOffset: o + 96, as: SIMD8<Float>.self)
        p += 32
    }
    var total = ((s0 + s1) + (s2 + s3)).sum()
    while p < count { total += x[p] * y[p]; p += 1 }
    return total
}

/// y[j] += a·x[j] for j < count.
@inline(__always)
private func axpy(_ a: Float, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    let xs = UnsafeRawPointer(x), ys = UnsafeMutableRawPointer(y)
    let scale = SIMD8<Float>(repeating: a)
    var j = 0
    while j + 8 <= count {
        let o = j * 4
        ys.storeBytes(of: ys.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) + scale * xs.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self),
                      toByteOffset: o, as: SIMD8<Float>.self)
        j += 8
    }
    while j < count { y[j] += a * x[j]; j += 1 }
}
