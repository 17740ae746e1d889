// The buffer behind a Tensor: 64-byte aligned float32 memory owned by a class, so that Tensor
// (a struct) can share it and copy it only on write.
//
// Large buffers are recycled through `StorageCache`: a training step frees and reallocates the
// same activation and gradient sizes every step, and fresh large allocations come from the
// system as new pages (mmap, then a page fault and a zeroed page per 4 KiB touched), which cost as
// much as the arithmetic of the elementwise layers. After the first step, a step reuses the
// previous step's buffers.
//
// A storage used as convolution weights outside training also keeps the weights packed for the
// kernels (`PackedWeightCache`), so that inference packs each layer once; every write to an
// existing storage goes through `Tensor.makeUnique()`, which empties it.

import Foundation
import FoveaKernels

/// Aligned float32 buffer. Internal to the tensor module; kernels see raw pointers.
final class TensorStorage: @unchecked Sendable {
    let count: Int
    let pointer: UnsafeMutablePointer<Float>

    /// Uninitialised storage for `count` floats (a zero-sized request still gets a valid pointer).
    init(uninitializedCount count: Int) {
        self.count = count
        let raw = StorageCache.shared.take(byteCount: Self.byteCount(count))
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// Created on first use: most storages are activations and never need one.
    private var packedWeightCache: PackedWeightCache?
    /// Guards `packedWeightCache` of every storage (taken once per weight use, not per element).
    private static let packedWeightLock = NSLock()

    /// The packed copies of these values as weights, created on first use.
    var packedWeights: PackedWeightCache {
        Self.packedWeightLock.withLock {
            if let packedWeightCache { return packedWeightCache }
            let cache = PackedWeightCache()
            packedWeightCache = cache
            return cache
        }
    }

    /// Drops the packed copies: the values are about to change.
    func valuesWillChange() {
        Self.packedWeightLock.withLock { packedWeightCache = nil }
    }

    func copy() -> TensorStorage {
        let new = TensorStorage(uninitializedCount: count)
        new.pointer.update(from: pointer, count: count)
        return new
    }

    deinit { StorageCache.shared.give(UnsafeMutableRawPointer(pointer), byteCount: Self.byteCount(count)) }

    private static func byteCount(_ count: Int) -> Int { max(count, 1) * MemoryLayout<Float>.stride }
}

/// Freed tensor buffers of at least `minimumBytes`, kept by exact size for reuse, up to
/// `capacityBytes` in all (beyond that they go back to the system). Safe from any thread.
final class StorageCache: @unchecked Sendable {  // every access to the lists holds `lock`
    static let shared = StorageCache()

    /// Smaller buffers come from malloc's own free lists, without page faults.
    let minimumBytes = 64 << 10
    /// Most bytes kept: GoogLeNet's activations at batch 16 (a 51 MiB first map, ≈ 200 MiB in
    /// all). With 64 MiB most of them came back as fresh pages on every pass, and the page faults
    /// cost a fifth of the pass (296 → 234 ms). A model never holds more than its own peak here:
    /// a small CNN keeps its ≈ 45 MiB of activations and gradients at batch 64, as before.
    let capacityBytes = 256 << 20

    private let lock = NSLock()
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var keptBytes = 0

    func take(byteCount: Int) -> UnsafeMutableRawPointer {
        if byteCount >= minimumBytes {
            let reused: UnsafeMutableRawPointer? = lock.withLock {
                guard let pointer = free[byteCount]?.popLast() else { return nil }
                keptBytes -= byteCount
                return pointer
            }
            if let reused { return reused }
        }
        return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
    }

    func give(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount >= minimumBytes {
            let kept: Bool = lock.withLock {
                guard keptBytes + byteCount <= capacityBytes else { return false }
                free[byteCount, default: []].append(pointer)
                keptBytes += byteCount
                return true
            }
            if kept { return }
        }
        pointer.deallocate()
    }
}
