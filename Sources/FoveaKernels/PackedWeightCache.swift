// Weights repacked for a kernel, kept with the weights between calls.
//
// Every convolution repacks its weights into the layout its micro-kernel reads (SGEMM panels, or
// Winograd's G g Gᵀ per frequency). In training the weights change every step and packing once
// per call is all one can do; in inference they never change, and at batch 1 the repacking was a
// tenth of GoogLeNet's time (the products on a 7×7 map are short, the weights are not). A cache
// belongs to one weight buffer and holds one packed copy per layout; whoever owns the buffer
// (FoveaTensor's storage) empties it whenever the values are written.

import Foundation

/// Packed copies of one weight buffer, one per layout a kernel asked for. Safe from any thread.
///
/// Pass the same cache with the same weights to ``conv2dForward(output:input:weight:bias:geometry:scale:relu:weightCache:)``
/// and the packing happens once; call ``removeAll()`` whenever the weights change (a stale cache
/// computes with the old weights).
public final class PackedWeightCache: @unchecked Sendable {  // every access to `entries` holds `lock`
    private let lock = NSLock()
    private var entries: [PackedWeightLayout: PackedWeightBuffer] = [:]

    public init() {}

    /// Forgets every packed copy (the weights changed).
    public func removeAll() {
        lock.withLock { entries.removeAll() }
    }

    /// Floats held by the packed copies.
    public var floatCount: Int {
        lock.withLock { entries.values.reduce(0) { $0 + $1.count } }
    }

    /// Runs `body` with the copy for `layout`, which `pack` writes into `count` floats the first
    /// time. Two threads missing at once both pack; the first copy stored is kept.
    fileprivate func withPacked<R>(_ layout: PackedWeightLayout, count: Int, pack: (UnsafeMutablePointer<Float>) -> Void,
                                   _ body: (UnsafePointer<Float>) -> R) -> R {
        let found = lock.withLock { entries[layout] }
        let buffer: PackedWeightBuffer
        if let found {
            buffer = found
        } else {
            // Packing runs outside the lock: it may use the threads, and other layers may look up meanwhile.
            let packed = PackedWeightBuffer(count: count)
            pack(packed.pointer)
            buffer = lock.withLock {
                if let first = entries[layout] { return first }
                entries[layout] = packed
                return packed
            }
        }
        // `buffer` keeps the floats alive through `body` even if the cache is emptied meanwhile.
        return withExtendedLifetime(buffer) { body(UnsafePointer(buffer.pointer)) }
    }
}

/// Which packing of which weights: the kernel that reads it, the packing's kind and the sizes it
/// depends on (a test that switches micro-kernels gets a separate copy).
struct PackedWeightLayout: Hashable {
    enum Kind: Hashable {
        /// op(W) as SGEMM A panels (``withPackedA(transA:m:k:a:lda:cache:_:)``).
        case gemmA(transposed: Bool)
        /// Wᵀ as B panels of output channels (the implicit GEMM's weights).
        case implicitB
        /// G g Gᵀ per frequency as A panels (Winograd), for r × r kernels (a reshaped tensor may
        /// serve as 3 × 3 and 5 × 5 weights of the same size).
        case winograd(kernelSize: Int)
    }

    let kind: Kind
    let mr: Int, nr: Int, isa: Int32
    /// Sizes of the packed operand: its rows (op(W)'s rows; output channels for the other kinds),
    /// its depth (op(W)'s columns; C·R·S for the implicit GEMM, C for Winograd) and the depth
    /// block it is cut into.
    let rows: Int, depth: Int, block: Int

    init(_ kind: Kind, kernel: MicroKernel, rows: Int, depth: Int, block: Int) {
        self.kind = kind
        mr = kernel.mr
        nr = kernel.nr
        isa = kernel.isa
        self.rows = rows
        self.depth = depth
        self.block = block
    }
}

/// One packed copy, freed with its last reference.
private final class PackedWeightBuffer: @unchecked Sendable {  // written once by its packer, then only read
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
    }

    deinit { pointer.deallocate() }
}

/// Runs `body` with weights packed by `pack` into `count` floats: from `cache` (packing only on
/// the first call for `layout`) or, without a cache, into a workspace packed on every call.
func withPackedCopy<R>(_ cache: PackedWeightCache?, layout: PackedWeightLayout, count: Int,
                          pack: (UnsafeMutablePointer<Float>) -> Void, _ body: (UnsafePointer<Float>) -> R) -> R {
    if let cache { return cache.withPacked(layout, count: count, pack: pack, body) }
    return Workspace.withBuffer(capacity: count) { buffer in
        pack(buffer)
        return body(UnsafePointer(buffer))
    }
}
