// op(A) of an SGEMM packed once and reused: a convolution multiplies the same weights with every
// image's columns, and repacking them per image cost LeNet-5's training step 9 % of its time.

/// op(A) packed as `sgemm`'s shared-A path packs it — MR-row panels for each K block, the blocks
/// one after another — valid while the buffer lent by ``withPackedA(transA:m:k:a:lda:cache:_:)`` lives.
struct PackedOperandA {
    let pointer: UnsafePointer<Float>
    let transA: Bool
    let m: Int, k: Int
    /// Rows rounded up to whole panels: the floats of one K block are `paddedRows · kb`.
    let paddedRows: Int
    let mr: Int, kc: Int

    /// True when a product of these dimensions, on this kernel and blocking, reads A in this
    /// packing: the same shape, one A block, the same panel height and K blocks.
    func fits(transA: Bool, m: Int, k: Int, kernel: MicroKernel, blocking: GEMMBlocking) -> Bool {
        transA == self.transA && m == self.m && k == self.k && kernel.mr == mr && blocking.kc == kc && blocking.mc >= m
    }
}

/// Packs op(A) (m × k) for the active micro-kernel and runs `body` with it; with a `cache` (A is
/// a layer's weights), only the first call for these dimensions and kernel packs.
func withPackedA<R>(transA: Bool, m: Int, k: Int, a: UnsafePointer<Float>, lda: Int, cache: PackedWeightCache? = nil,
                    _ body: (PackedOperandA) -> R) -> R {
    let kernel = GEMMKernel.active
    let kc = balancedBlock(k, limit: GEMMBlocking.kcLimit, unit: 1)
    let paddedRows = (m + kernel.mr - 1) / kernel.mr * kernel.mr
    let layout = PackedWeightLayout(.gemmA(transposed: transA), kernel: kernel, rows: m, depth: k, block: kc)
    return withPackedCopy(cache, layout: layout, count: paddedRows * k, pack: { buffer in
        // Row panels over the threads: at batch 1 a serial copy left the other core idle.
        forPanelRanges(paddedRows / kernel.mr, floatsPerPanel: kernel.mr * k) { panels in
            let first = panels.lowerBound * kernel.mr, rows = min(m, panels.upperBound * kernel.mr) - first
            for pc in stride(from: 0, to: k, by: kc) {
                let kb = min(kc, k - pc)
                packA(transA: transA, a: a, lda: lda, rows: first, mb: rows, depth: pc, kb: kb, mr: kernel.mr,
                      into: buffer + pc * paddedRows + first * kb)
            }
        }
    }) { packed in
        body(PackedOperandA(pointer: packed, transA: transA, m: m, k: k, paddedRows: paddedRows, mr: kernel.mr, kc: kc))
    }
}

/// Runs `body` over ranges of `count` panels, split over the threads when each part gets at least
/// 32 Ki floats to copy (below that the wake-up costs more than the copy).
func forPanelRanges(_ count: Int, floatsPerPanel: Int, _ body: (Range<Int>) -> Void) {
    Parallel.forRanges(count, grain: max(1, 32_768 / max(1, floatsPerPanel)), body)
}
