// The reference SGEMM: the specification every fast GEMM path is tested against.
// M×N output C, K the reduction length; row-major storage with leading dimensions.

/// `C = alpha · op(A) · op(B) + beta · C`, row-major, by the definition (triple loop, Double sums
/// are *not* used: this is the float32 specification, accumulated in k order).
///
/// - Parameters:
///   - transA: `op(A) = Aᵀ` when true; `A` is then stored K×M with leading dimension `lda`.
///   - transB: `op(B) = Bᵀ` when true; `B` is then stored N×K with leading dimension `ldb`.
///   - m, n, k: `op(A)` is m×k, `op(B)` is k×n, `C` is m×n.
///   - beta: 0 means C is overwritten (its old contents, even NaN, are ignored).
public func sgemmNaive(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = 0
            for p in 0..<k {
                let av = transA ? a[p * lda + i] : a[i * lda + p]
                let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                sum += av * bv
            }
            let old = beta == 0 ? 0 : beta * c[i * ldc + j]
            c[i * ldc + j] = alpha * sum + old
        }
    }
}
