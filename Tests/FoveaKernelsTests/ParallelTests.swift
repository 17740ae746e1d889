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
