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
// Threads share the A block and split the columns (the jc loop), each with its own B block.
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
    /// Threads sharing the A block, each with its own B block.
    let parts: Int

    /// Blocks for an m×n×k problem whose columns are split over `parts` threads.
    init(kernel: MicroKernel, m: Int, n: Int, k: Int, parts: Int) {
        let columnPanels = (n + kernel.nr - 1) / kernel.nr
        let widest = (columnPanels + parts - 1) / parts * kernel.nr  // one thread's columns
        // Two threads may share one core's L2 (SMT): keep their two B blocks within it.
        let ncLimit = parts > 1 ? min(256, Self.ncLimit(nr: kernel.nr)) : Self.ncLimit(nr: kernel.nr)
        mc = balancedBlock(m, limit: kernel.mr * (Self.mcLimit / kernel.mr), unit: kernel.mr)
        nc = balancedBlock(widest, limit: kernel.nr * (ncLimit / kernel.nr), unit: kernel.nr)
        kc = balancedBlock(k, limit: Self.kcLimit, unit: 1)
        self.parts = parts
    }

    /// Floats of workspace the problem needs: the shared A block, then one B block per thread.
    var workspaceFloats: Int { mc * kc + parts * kc * nc }
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
/// With `blocking.parts > 1` the threads share the packed A block (each packs some of its panels,
/// then they meet) and split the columns: each packs its own B blocks and multiplies them against
/// the whole A block. So they meet once per A block and K block, not once per B block.
func sgemmPacked(
    kernel: MicroKernel, blocking: GEMMBlocking, transA: Bool, transB: Bool,
    rows: Range<Int>, cols: Range<Int>, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
    workspace: UnsafeMutablePointer<Float>, packedA prepacked: PackedOperandA? = nil
) {
    let mr = kernel.mr, nr = kernel.nr, parts = blocking.parts
    let mBlock = blocking.mc, kBlock = blocking.kc
    let columnPanels = (cols.count + nr - 1) / nr

    for ic in stride(from: rows.lowerBound, to: rows.upperBound, by: mBlock) {
        let mb = min(mBlock, rows.upperBound - ic)
        let aPanels = (mb + mr - 1) / mr
        for pc in stride(from: 0, to: k, by: kBlock) {
            let kb = min(kBlock, k - pc)
            let betaHere: Float = pc == 0 ? beta : 1
            // A packed in advance covers the single A block; its K blocks follow one another.
            let packedA = prepacked.map { UnsafeMutablePointer(mutating: $0.pointer) + pc * $0.paddedRows } ?? workspace
            if prepacked == nil {
                let aParts = min(parts, aPanels)
                Parallel.forEach(aParts) { part in
                    let panels = Parallel.range(of: part, parts: aParts, count: aPanels)
                    let first = panels.lowerBound * mr
                    packA(transA: transA, a: a, lda: lda, rows: ic + first, mb: min(panels.upperBound * mr, mb) - first,
                          depth: pc, kb: kb, mr: mr, into: packedA + first * kb)
                }
            }
            Parallel.forEach(parts) { part in
                let panels = Parallel.range(of: part, parts: parts, count: columnPanels)
                let mine = (cols.lowerBound + panels.lowerBound * nr)..<min(cols.upperBound, cols.lowerBound + panels.upperBound * nr)
                guard !mine.isEmpty else { return }
                let packedB = workspace + mBlock * kBlock + part * kBlock * blocking.nc
                let nBlock = balancedBlock(mine.count, limit: blocking.nc, unit: nr)
                for jc in stride(from: mine.lowerBound, to: mine.upperBound, by: nBlock) {
                    let nb = min(nBlock, mine.upperBound - jc)
                    packB(transB: transB, b: b, ldb: ldb, depth: pc, kb: kb, cols: jc, nb: nb, nr: nr, into: packedB)
                    for ir in stride(from: 0, to: mb, by: mr) {
                        let aPanel = packedA + ir * kb
                        let cRow = c + (ic + ir) * ldc + jc
                        let mTile = min(mr, mb - ir)
                        for jr in stride(from: 0, to: nb, by: nr) {
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
                let out = panel + p * mr
                copyFloats(out, a + (depth + p) * lda + rows + i0, live)
                if live < mr { (out + live).update(repeating: 0, count: mr - live) }
            }
        } else if implicitGEMMAvailable && (mr <= 16 || mr % 16 == 0) {
            // AVX-512: 16 × 16 blocks transposed in registers (C), 16 rows of the panel at a time.
            for r0 in stride(from: 0, to: mr, by: 16) {
                fovea_pack_transposed_avx512(panel + r0, mr, min(16, mr - r0), a + (rows + i0 + r0) * lda + depth, lda,
                                             max(0, min(16, live - r0)), kb)
            }
        } else {
            // Four rows at a time: load 4×4 blocks and store them transposed, 4 floats per store.
            var i = 0
            while i + 4 <= live {
                let r0 = a + (rows + i0 + i) * lda + depth
                let r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda
                var p = 0
                while p + 4 <= kb {
                    let v0 = UnsafeRawPointer(r0 + p).loadUnaligned(as: SIMD4<Float>.self)
                    let v1 = UnsafeRawPointer(r1 + p).loadUnaligned(as: SIMD4<Float>.self)
                    let v2 = UnsafeRawPointer(r2 + p).loadUnaligned(as: SIMD4<Float>.self)
                    let v3 = UnsafeRawPointer(r3 + p).loadUnaligned(as: SIMD4<Float>.self)
                    let out = UnsafeMutableRawPointer(panel + p * mr + i)
                    let stride = mr * MemoryLayout<Float>.stride
                    out.storeBytes(of: SIMD4(v0[0], v1[0], v2[0], v3[0]), as: SIMD4<Float>.self)
                    out.storeBytes(of: SIMD4(v0[1], v1[1], v2[1], v3[1]), toByteOffset: stride, as: SIMD4<Float>.self)
                    out.storeBytes(of: SIMD4(v0[2], v1[2], v2[2], v3[2]), toByteOffset: 2 * stride, as: SIMD4<Float>.self)
                    out.storeBytes(of: SIMD4(v0[3], v1[3], v2[3], v3[3]), toByteOffset: 3 * stride, as: SIMD4<Float>.self)
                    p += 4
                }
                for q in p..<kb {
                    let out = panel + q * mr + i
                    out[0] = r0[q]; out[1] = r1[q]; out[2] = r2[q]; out[3] = r3[q]
                }
                i += 4
            }
            // Leftover rows one at a time (read contiguously, stored with stride mr), then zeros.
            for i in i..<mr {
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
    if transB {
        // B is stored N×K: its panels are A's panels of Bᵀ (nr rows of a row-major matrix, each
        // stored column by column), so packA's 4×4-transposing loop does the work.
        packA(transA: false, a: b, lda: ldb, rows: cols, mb: nb, depth: depth, kb: kb, mr: nr, into: dst)
        return
    }
    // B is stored K×N: read each row of the block once, front to back (so the hardware prefetcher
    // sees one stream, not nb/nr strided ones), and deal it out to the panels.
    for p in 0..<kb {
        let src = b + (depth + p) * ldb + cols
        for j0 in stride(from: 0, to: nb, by: nr) {
            let out = dst + j0 * kb + p * nr
            let live = min(nr, nb - j0)
            copyFloats(out, src + j0, live)
            if live < nr { (out + live).update(repeating: 0, count: nr - live) }
        }
    }
}

/// Copies `count` floats with 8- and 4-wide moves: for the short runs of packing, a memmove call
/// per run costs more than the copy.
@inline(__always)
func copyFloats(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ count: Int) {
    let to = UnsafeMutableRawPointer(dst), from = UnsafeRawPointer(src)
    var j = 0
    while j + 8 <= count {
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self),
                      toByteOffset: j * 4, as: SIMD8<Float>.self)
        j += 8
    }
    if j + 4 <= count {
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: j * 4, as: SIMD4<Float>.self),
                      toByteOffset: j * 4, as: SIMD4<Float>.self)
        j += 4
    }
    while j < count { dst[j] = src[j]; j += 1 }
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
