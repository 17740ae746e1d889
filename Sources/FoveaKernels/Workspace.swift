// Reusable scratch memory for kernels (im2col columns, per-thread partial gradients).
//
// Large buffers from the system allocator are fresh pages every time (mmap, page faults), which
// in a training loop costs as much as the copy that fills them. Kernels therefore borrow float
// buffers from a small process-wide pool and hand them back: after the first batch a training
// step allocates nothing. The pool keeps a few buffers (enough for every thread of a couple of
// concurrent kernels) and frees the smallest when it holds more.

import Foundation

/// A process-wide pool of float scratch buffers, safe to use from any thread.
enum Workspace {
    private final class Pool: @unchecked Sendable {
        let lock = NSLock()
        var free: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
    }
    private static let pool = Pool()

    /// Most buffers kept between calls.
    static var maximumKept: Int { 2 * max(1, Parallel.threadCount) + 2 }

    /// Runs `body` with a buffer of at least `capacity` floats (contents undefined), then returns
    /// the buffer to the pool. `body` must not keep the pointer.
    static func withBuffer<Result>(capacity: Int, _ body: (UnsafeMutablePointer<Float>) -> Result) -> Result {
        let buffer = take(capacity: max(1, capacity))
        defer { give(buffer) }
        return body(buffer.pointer)
    }

    private static func take(capacity: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let reused: (pointer: UnsafeMutablePointer<Float>, capacity: Int)? = pool.lock.withLock {
            // Best fit: the smallest free buffer that is large enough.
            var best: Int? = nil
            for (i, buffer) in pool.free.enumerated() where buffer.capacity >= capacity {
                if best == nil || buffer.capacity < pool.free[best!].capacity { best = i }
            }
            return best.map { pool.free.remove(at: $0) }
        }
        return reused ?? (UnsafeMutablePointer<Float>.allocate(capacity: capacity), capacity)
    }

    private static func give(_ buffer: (pointer: UnsafeMutablePointer<Float>, capacity: Int)) {
        let limit = maximumKept
        let evicted: UnsafeMutablePointer<Float>? = pool.lock.withLock {
            pool.free.append(buffer)
            guard pool.free.count > limit else { return nil }
            let smallest = pool.free.indices.min { pool.free[$0].capacity < pool.free[$1].capacity }!
            return pool.free.remove(at: smallest).pointer
        }
        evicted?.deallocate()
    }
}
