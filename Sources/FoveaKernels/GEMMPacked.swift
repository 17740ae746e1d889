// The packed, cache-blocked SGEMM driver (GotoBLAS/BLIS loop nest) over a C micro-kernel.
// M×N output C, K the reduction length; op(A) is M×K, op(B) is K×N, row-major.
//
// Loop nest over a slice of C (rows `rows`, columns `cols`):
//   for ic in rows by MC          A block  MC×KC  packed into MR-row panels  (lives in L3)
//     for pc in 0..<K by KC       (beta applies on the first KC block only)
//       pack A[ic.., pc..]
//       for jc in cols by NC      B block  KC×NC  packed into NR-column panels (lives in L2)
//         pack B[pc.., jc..]
//           for ir by MR          one A micro-panel MR×KC stays in L1 ...
//             for jr by NR        ... while B micro-panels stream from L2: micro-kernel
// Threads split the B panels of each block (the jr loop) and share the packed blocks.
// With C row-major, the vector side of the micro-kernel is N (B), the broadcast side M (A), so
// the L1-resident panel is A's — the mirror image of BLIS's column-major nest.

import CFoveaKernels
import Foundation

/// Cache-block sizes (in elements) of one m×n×k problem for one micro-kernel. The limits are tuned
/// on AMD Zen 4 (32 KiB L1D, 1 MiB L2 per core, 32 MiB L3) and reasonable on other x86-64 and
/// arm64 cores; each dimension is then cut into near-equal blocks under its limit.
struct GEMMBlocking {
    /// Reduction depth limit: an A micro-panel MR×KC must fit in L1 (14·384·4 B = 21 KiB).
    static let kcLimit = 384
    /// Row limit of the packed A block, which lives in L3 (4032·384·4 B = 6 MiB). Large, so that
    /// B is repacked rarely (once per A block; twice at m = 2048 with a 2016 limit cost 2% more).
    static let mcLimit = 4032
    /// Column limit of the packed B block: KC×NC·4 B = 576 KiB, about half of L2. The portable
    /// kernel (NR 8, no FMA) reuses each loaded B value only MR = 4 times, so it gets a block
    /// small enough to stay near L1 (96 columns: 12 instead of 8 GFLOP/s at 1024³).
    static func ncLimit(nr: Int) -> Int { nr < 16 ? 96 : 384 }

    /// Rows of an A block (a multiple of MR), columns of a B block (a multiple of NR), depth.
    let mc: Int, nc: Int, kc: Int

    init(kernel: MicroKernel, m: Int, n: Int, k: Int) {
        mc = balancedBlock(m, limit: kernel.mr * (Self.mcLimit / kernel.mr), unit: kernel.mr)
        nc = balancedBlock(n, limit: kernel.nr * (Self.ncLimit(nr: kernel.nr) / kernel.nr), unit: kernel.nr)
        kc = balancedBlock(k, limit: Self.kcLimit, unit: 1)
    }

    /// Floats of workspace the problem needs: the packed A block, then the packed B block.
    var workspaceFloats: Int { mc * kc + kc * nc }
}

/// Splits `0..<count` into near-equal blocks of at most `limit`, each rounded up to a multiple of
/// `unit`, and returns that block size (so a 1040-row problem is not cut into 1008 + 32).
@inline(__always)
func balancedBlock(_ count: Int, limit: Int, unit: Int) -> Int {
    let blocks = (count + limit - 1) / limit
    let size = (count + blocks - 1) / blocks
    return min(limit, (size + unit - 1) / unit * unit)
}

/// Computes `C[rows, cols] = alpha · op(A)[rows, :] · op(B)[:, cols] + beta · C[rows, cols]`
/// using `workspace` (at least `blocking.workspaceFloats` floats, 64-byte aligned); `blocking` was
/// made for `rows.count`×`cols.count`×`k`.
///
/// With `parts > 1` the packed blocks are shared: the threads pack disjoint panels of the A block
/// (then meet), and each packs and multiplies its own range of B panels against the whole A block.
/// Threads sharing a core (SMT) thus share one B block in L2 and walk the A micro-panels in step.
func sgemmPacked(
    kernel: MicroKernel, blocking: GEMMBlocking, parts: Int, transA: Bool, transB: Bool,
    rows: Range<Int>, cols: Range<Int>, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
    workspace: UnsafeMutablePointer<Float>
) {
    let mr = kernel.mr, nr = kernel.nr
    let mBlock = blocking.mc, nBlock = blocking.nc, kBlock = blocking.kc
    let packedA = workspace, packedB = workspace + mBlock * kBlock

    for ic in stride(from: rows.lowerBound, to: rows.upperBound, by: mBlock) {
        let mb = min(mBlock, rows.upperBound - ic)
        let aPanels = (mb + mr - 1) / mr
        for pc in stride(from: 0, to: k, by: kBlock) {
            let kb = min(kBlock, k - pc)
            let betaHere: Float = pc == 0 ? beta : 1
            let aParts = min(parts, aPanels)
            Parallel.forEach(aParts) { part in
                let panels = Parallel.range(of: part, parts: aParts, count: aPanels)
                let first = panels.lowerBound * mr
                packA(transA: transA, a: a, lda: lda, rows: ic + first, mb: min(panels.upperBound * mr, mb) - first,
                      depth: pc, kb: kb, mr: mr, into: packedA + first * kb)
            }
            for jc in stride(from: cols.lowerBound, to: cols.upperBound, by: nBlock) {
                let nb = min(nBlock, cols.upperBound - jc)
                let bPanels = (nb + nr - 1) / nr
                let bParts = min(parts, bPanels)
                Parallel.forEach(bParts) { part in
                    let panels = Parallel.range(of: part, parts: bParts, count: bPanels)
                    let j0 = panels.lowerBound * nr, j1 = min(panels.upperBound * nr, nb)
                    packB(transB: transB, b: b, ldb: ldb, depth: pc, kb: kb, cols: jc + j0, nb: j1 - j0,
                          nr: nr, into: packedB + j0 * kb)
                    for ir in stride(from: 0, to: mb, by: mr) {
                        let aPanel = packedA + ir * kb
                        let cRow = c + (ic + ir) * ldc + jc
                        let mTile = min(mr, mb - ir)
                        for jr in stride(from: j0, to: j1, by: nr) {
                            kernel.call(kb, aPanel, packedB + jr * kb, cRow + jr, ldc,
                                        mTile, min(nr, nb - jr), alpha, betaHere)
                        }
                    }
                }
            }
        }
    }
}

/// Packs op(A)[rows..<rows+mb, depth..<depth+kb] into panels of `mr` rows, each stored column by
/// column (`panel[p·mr + i]`), zero-padding the last panel.
func packA(transA: Bool, a: UnsafePointer<Float>, lda: Int, rows: Int, mb: Int,
           depth: Int, kb: Int, mr: Int, into dst: UnsafeMutablePointer<Float>) {
    for i0 in stride(from: 0, to: mb, by: mr) {
        let panel = dst + i0 * kb
        let live = min(mr, mb - i0)
        if transA {
            // A is stored K×M: the mr values of one depth step are contiguous.
            for p in 0..<kb {
                let src = a + (depth + p) * lda + rows + i0
                let out = panel + p * mr
                out.update(from: src, count: live)
                if live < mr { (out + live).update(repeating: 0, count: mr - live) }
            }
        } else {
            // Row i of the panel is read contiguously and scattered with stride mr (the panel
            // stays in L1); running pointers keep the loop free of index arithmetic.
            for i in 0..<mr {
                var out = panel + i
                if i < live {
                    var src = a + (rows + i0 + i) * lda + depth
                    for _ in 0..<kb { out.pointee = src.pointee; src += 1; out += mr }
                } else {
                    for _ in 0..<kb { out.pointee = 0; out += mr }
                }
            }
        }
    }
}

/// Packs op(B)[depth..<depth+kb, cols..<cols+nb] into panels of `nr` columns, each stored row by
/// row (`panel[p·nr + j]`), zero-padding the last panel.
func packB(transB: Bool, b: UnsafePointer<Float>, ldb: Int, depth: Int, kb: Int,
           cols: Int, nb: Int, nr: Int, into dst: UnsafeMutablePointer<Float>) {
    for j0 in stride(from: 0, to: nb, by: nr) {
        let panel = dst + j0 * kb
        let live = min(nr, nb - j0)
        if transB {
            // B is stored N×K: walk each column of op(B) contiguously.
            for j in 0..<live {
                let src = b + (cols + j0 + j) * ldb + depth
                for p in 0..<kb { panel[p * nr + j] = src[p] }
            }
            for j in live..<nr {
                for p in 0..<kb { panel[p * nr + j] = 0 }
            }
        } else {
            if live == nr && nr % 8 == 0 {
                // Whole panel rows: 8-wide copies (a memmove call per 32 floats costs more).
                for p in 0..<kb {
                    let src = UnsafeRawPointer(b + (depth + p) * ldb + cols + j0)
                    let out = UnsafeMutableRawPointer(panel + p * nr)
                    for j in stride(from: 0, to: nr * 4, by: 32) {
                        out.storeBytes(of: src.loadUnaligned(fromByteOffset: j, as: SIMD8<Float>.self),
                                       toByteOffset: j, as: SIMD8<Float>.self)
                    }
                }
                continue
            }
            for p in 0..<kb {
                let src = b + (depth + p) * ldb + cols + j0
                let out = panel + p * nr
                out.update(from: src, count: live)
                if live < nr { (out + live).update(repeating: 0, count: nr - live) }
            }
        }
    }
}

/// Reusable, 64-byte-aligned packing buffers, one per concurrently running GEMM slice.
/// Buffers are never freed (their number is bounded by the number of threads that ever ran
/// a GEMM at the same time); every access to the free list holds `lock`.
final class GEMMWorkspacePool: @unchecked Sendable {
    static let shared = GEMMWorkspacePool()

    private let lock = NSLock()
    private var free: [(pointer: UnsafeMutablePointer<Float>, floats: Int)] = []

    private static func allocate(_ floats: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: floats * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: floats)
    }

    /// Lends a buffer of at least `floats` floats to `body`, then takes it back.
    func withWorkspace<R>(floats: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        var buffer = lock.withLock { free.popLast() }
        if let held = buffer, held.floats < floats {
            held.pointer.deallocate()
            buffer = nil
        }
        let lent = buffer ?? (Self.allocate(floats), floats)
        defer { lock.withLock { free.append(lent) } }
        return body(lent.pointer)
    }
}
