// The one thread pool of Fovea: static partitioning of work over a fixed number of threads.
//
// Work is split by the thread count alone (never by timing), so a computation run twice with the
// same thread count adds its numbers in the same order and gives bit-identical results.
// A chunk that itself asks for parallel work runs it serially: nested fan-out would only
// oversubscribe two cores.
// Regions run on Fovea's own workers (thread_pool.c), which spin for a moment between regions:
// with Dispatch's workers, which sleep at once, the wake-up of the second core was a fifth of a
// small layer's time. A region started while another caller's region holds those workers (tests
// run side by side) goes to Dispatch instead.

import CFoveaKernels
import Dispatch
import Foundation

/// Fovea's thread pool. Every kernel that runs on several cores goes through here.
public enum Parallel {
    private final class Settings: @unchecked Sendable {
        let lock = NSLock()
        var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
    private static let settings = Settings()

    /// Number of threads kernels may use (default: the number of active processors).
    /// Values below 1 are clamped to 1; the command line validates user input before setting it.
    /// Setting it changes the process-wide count; inside `withThreadCount` the scoped count wins.
    public static var threadCount: Int {
        get { scopedThreadCount ?? settings.lock.withLock { settings.threads } }
        set { settings.lock.withLock { settings.threads = max(1, newValue) } }
    }

    /// Runs `body` with `threads` threads for the kernels it calls from this task, leaving the
    /// process-wide count and other tasks alone (tests running side by side each keep their own).
    public static func withThreadCount<Result>(_ threads: Int, _ body: () throws -> Result) rethrows -> Result {
        try $scopedThreadCount.withValue(max(1, threads), operation: body)
    }

    @TaskLocal private static var scopedThreadCount: Int?

    /// True while the current thread runs a chunk of a parallel region.
    public static var isInsideParallelRegion: Bool {
        fovea_thread_flag_get(Int32(FOVEA_SLOT_IN_PARALLEL.rawValue)) != 0
    }

    /// The number of threads a region started now would use.
    public static var availableThreads: Int {
        isInsideParallelRegion ? 1 : threadCount
    }

    /// Runs `body(i)` for every `i` in `0..<chunks`, at most `threadCount` at a time.
    /// Serial when `chunks < 2`, when one thread is configured, or inside another region.
    public static func forEach(_ chunks: Int, _ body: (Int) -> Void) {
        guard chunks > 0 else { return }
        if chunks == 1 || availableThreads == 1 {
            for i in 0..<chunks { body(i) }
            return
        }
        let slot = Int32(FOVEA_SLOT_IN_PARALLEL.rawValue)
        // Dispatch's workers do not see the caller's task-locals; a scoped micro-kernel choice
        // must reach the chunks, or a chunk could pack for one kernel and multiply with another.
        let kernel = GEMMKernel.scopedChoice
        let threads = availableThreads
        withoutActuallyEscaping(body) { body in
            let chunk = ParallelChunk { i in
                let previous = fovea_thread_flag_get(slot)
                fovea_thread_flag_set(slot, 1)
                if let kernel { GEMMKernel.withOverride(kernel) { body(i) } } else { body(i) }
                fovea_thread_flag_set(slot, previous)
            }
            let ranOnPool = withExtendedLifetime(chunk) {
                fovea_pool_run(chunks, Int32(min(threads, chunks)), { context, i in
                    Unmanaged<ParallelChunk>.fromOpaque(context!).takeUnretainedValue().run(i)
                }, Unmanaged.passUnretained(chunk).toOpaque()) != 0
            }
            if !ranOnPool {
                // The chunks touch disjoint memory by contract; the box only tells the compiler so.
                let shared = UncheckedSendable(chunk)
                DispatchQueue.concurrentPerform(iterations: chunks) { i in shared.value.run(i) }
            }
        }
    }

    /// Splits `0..<count` into at most `availableThreads` contiguous ranges of at least `grain`
    /// elements and runs `body` on each, in parallel. The split depends only on `count`, `grain`
    /// and the thread count.
    public static func forRanges(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let parts = partitionCount(count, grain: grain)
        forEach(parts) { p in body(range(of: p, parts: parts, count: count)) }
    }

    /// How many contiguous parts `forRanges` splits `count` items into.
    public static func partitionCount(_ count: Int, grain: Int = 1) -> Int {
        max(1, min(availableThreads, count / max(1, grain)))
    }

    /// Part `p` of `parts` near-equal contiguous parts of `0..<count`.
    public static func range(of p: Int, parts: Int, count: Int) -> Range<Int> {
        let base = count / parts, extra = count % parts
        let start = p * base + min(p, extra)
        return start..<(start + base + (p < extra ? 1 : 0))
    }
}

/// One parallel region's chunk body, handed to the C workers by pointer.
private final class ParallelChunk {
    let run: (Int) -> Void
    init(_ run: @escaping (Int) -> Void) { self.run = run }
}

/// Carries a value across a concurrency boundary the compiler cannot check (raw pointers and the
/// closures that capture them). Safe only where the parallel chunks write disjoint memory.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
