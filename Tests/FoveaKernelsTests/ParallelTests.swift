// The thread pool: every chunk exactly once (also with regions started side by side, which
// contend for the spinning workers), no more threads than configured, no nested fan-out.

import Foundation
import FoveaKernels
import Testing

@Suite struct ParallelTests {
    @Test func rangesCoverEveryIndexOnce() {
        for count in [1, 2, 3, 7, 33, 257] {
            for parts in 1...5 {
                var seen = [Int](repeating: 0, count: count)
                for p in 0..<parts { for i in Parallel.range(of: p, parts: parts, count: count) { seen[i] += 1 } }
                #expect(seen.allSatisfy { $0 == 1 }, "count \(count) parts \(parts)")
            }
        }
    }

    @Test func forEachRunsEveryChunk() {
        let chunks = 64
        let out = UnsafeMutablePointer<Int>.allocate(capacity: chunks)
        defer { out.deallocate() }
        out.initialize(repeating: 0, count: chunks)
        Parallel.forEach(chunks) { i in out[i] += i + 1 }
        #expect((0..<chunks).allSatisfy { out[$0] == $0 + 1 })
    }

    /// Tasks side by side each start regions of many sizes: the pool's workers serve one region
    /// at a time and the others go to Dispatch (as does a region of more than 65,535 chunks);
    /// either way every chunk runs once.
    @Test func regionsStartedSideBySideRunEveryChunkOnce() async {
        let sizes = [1, 2, 3, 5, 64, 1000, 70_000]
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<6 {
                group.addTask {
                    var failed = 0
                    for round in 0..<40 {
                        let chunks = sizes[(task + round) % sizes.count]
                        let counts = UnsafeMutablePointer<Int32>.allocate(capacity: chunks)
                        counts.initialize(repeating: 0, count: chunks)
                        Parallel.forEach(chunks) { i in counts[i] += 1 }
                        failed += (0..<chunks).filter { counts[$0] != 1 }.count
                        counts.deallocate()
                    }
                    return failed
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    /// However many workers an earlier region started, a region uses at most its thread count.
    @Test func regionsUseAtMostTheirThreadCount() {
        let lock = NSLock()
        for threads in [4, 2, 3] {
            var seen = Set<ObjectIdentifier>()
            Parallel.withThreadCount(threads) {
                Parallel.forEach(256) { _ in
                    // Long enough (≈ 20 ms a region) that the scheduler gives every spinning worker a turn.
                    var x = 0.0
                    for k in 0..<20_000 { x += Double(k).squareRoot() }
                    let me = ObjectIdentifier(Thread.current)
                    lock.withLock { _ = seen.insert(me) }
                    #expect(x > 0)
                }
            }
            #expect(seen.count <= threads, "\(threads) threads allowed, \(seen.count) ran chunks")
        }
    }

    @Test func nestedRegionsRunSerially() {
        let flags = UnsafeMutablePointer<Int>.allocate(capacity: 4)
        defer { flags.deallocate() }
        flags.initialize(repeating: 0, count: 4)
        Parallel.forEach(4) { i in flags[i] = Parallel.availableThreads }
        #expect((0..<4).allSatisfy { flags[$0] == 1 })
    }

    /// A scoped thread count or micro-kernel is seen by its own task (and the kernel choice by
    /// the parallel chunks it starts), never by a task running beside it: tests that pin a
    /// kernel or a thread count run alongside tests that expect the process-wide settings.
    @Test func scopedSettingsStayInTheirTask() async {
        let processThreads = Parallel.threadCount, processKernel = GEMMKernel.override
        let scoped = processThreads + 3
        let seenInChunks = UnsafeMutablePointer<Bool>.allocate(capacity: 4)
        defer { seenInChunks.deallocate() }
        seenInChunks.initialize(repeating: false, count: 4)
        async let inside: (Int, GEMMKernel) = Parallel.withThreadCount(scoped) {
            GEMMKernel.withOverride(.portable) {
                Parallel.forEach(4) { i in seenInChunks[i] = GEMMKernel.override == .portable }
                return (Parallel.threadCount, GEMMKernel.override)
            }
        }
        async let beside: (Int, GEMMKernel) = (Parallel.threadCount, GEMMKernel.override)
        let (a, b) = await (inside, beside)
        #expect(a.0 == scoped && a.1 == .portable)
        #expect(b.0 == processThreads && b.1 == processKernel)
        #expect((0..<4).allSatisfy { seenInChunks[$0] })
        #expect(Parallel.threadCount == processThreads && GEMMKernel.override == processKernel)
    }
}
