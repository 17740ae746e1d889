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
}
