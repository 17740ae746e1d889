// The fast SGEMM entry point. (Placeholder body forwarding to the naive twin until the packed,
// register-blocked implementation lands; the signature is final.)

/// `C = alpha · op(A) · op(B) + beta · C`, row-major. Same contract as ``sgemmNaive``.
/// Uses up to `Parallel.availableThreads` threads.
public func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    sgemmNaive(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
               b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
}
