// DataLoader: coverage and determinism of epochs, batch sizes, normalisation, prefetch equivalence,
// and the measurement behind the prefetch default.

import FoveaData
import Foundation
import Testing

@Suite struct DataLoaderTests {
    let dataset = ImageDataset.shapes(count: 250, seed: 8)

    @Test func everyIndexOncePerEpoch() throws {
        let loader = try DataLoader(dataset: dataset, batchSize: 32, shuffle: true, seed: 1)
        #expect(loader.count == 8)
        for epoch in 0..<3 {
            let batches = Array(loader.batches(epoch: epoch))
            #expect(batches.count == 8)
            let seen = batches.flatMap(\.indices)
            #expect(seen.sorted() == Array(0..<250))
            for batch in batches {
                #expect(batch.labels == batch.indices.map { dataset.labels[$0] })
                #expect(batch.images.shape == [batch.indices.count, 1, 28, 28])
            }
            #expect(batches.last?.indices.count == 250 - 7 * 32)
        }
    }

    @Test func orderIsAFunctionOfSeedAndEpoch() throws {
        let a = try DataLoader(dataset: dataset, batchSize: 10, shuffle: true, seed: 5)
        let b = try DataLoader(dataset: dataset, batchSize: 64, shuffle: true, seed: 5)
        let c = try DataLoader(dataset: dataset, batchSize: 10, shuffle: true, seed: 6)
        #expect(a.order(epoch: 3) == b.order(epoch: 3))
        #expect(a.batches(epoch: 2).flatMap(\.indices) == a.order(epoch: 2))
        #expect(a.order(epoch: 0) != a.order(epoch: 1))
        #expect(a.order(epoch: 0) != c.order(epoch: 0))
        #expect(a.order(epoch: 0) != Array(0..<250))
        let plain = try DataLoader(dataset: dataset, batchSize: 10, shuffle: false, seed: 5)
        #expect(plain.order(epoch: 4) == Array(0..<250))
        // Iterating the loader itself walks epoch 0, then 1.
        #expect(a.flatMap(\.indices) == a.order(epoch: 0))
        #expect(a.flatMap(\.indices) == a.order(epoch: 1))
    }

    @Test func dropLastAndPartialBatches() throws {
        let dropping = try DataLoader(dataset: dataset, batchSize: 64, shuffle: true, seed: 2, dropLast: true)
        #expect(dropping.count == 3)
        let kept = Array(dropping.batches(epoch: 0))
        #expect(kept.count == 3 && kept.allSatisfy { $0.indices.count == 64 })
        let keeping = try DataLoader(dataset: dataset, batchSize: 64, shuffle: true, seed: 2)
        #expect(keeping.count == 4 && Array(keeping.batches(epoch: 0)).last?.images.shape == [58, 1, 28, 28])
        let exact = try DataLoader(dataset: dataset, batchSize: 50, shuffle: false, seed: 0, dropLast: true)
        #expect(exact.count == 5)
        let huge = try DataLoader(dataset: dataset, batchSize: 1_000, shuffle: false, seed: 0, dropLast: true)
        #expect(huge.count == 0 && Array(huge.batches(epoch: 0)).isEmpty)
    }

    @Test func invalidArgumentsThrow() {
        #expect(throws: DataError.invalidArgument(name: "batch size", value: "0", reason: "must be at least 1")) {
            try DataLoader(dataset: dataset, batchSize: 0, shuffle: false, seed: 0)
        }
        #expect(throws: DataError.self) { try DataLoader(dataset: dataset, batchSize: -3, shuffle: false, seed: 0) }
        #expect(throws: DataError.self) {
            try DataLoader(dataset: dataset, batchSize: 8, shuffle: false, seed: 0, normalization: (mean: 0.5, std: 0))
        }
    }

    @Test func pixelValuesAndNormalisation() throws {
        let plain = try DataLoader(dataset: dataset, batchSize: 4, shuffle: false, seed: 0)
        let normalised = try DataLoader(dataset: dataset, batchSize: 4, shuffle: false, seed: 0, normalization: (mean: 0.25, std: 0.5))
        let p = try #require(plain.batches(epoch: 0).first(where: { _ in true }))
        let n = try #require(normalised.batches(epoch: 0).first(where: { _ in true }))
        let bytes = dataset.pixels.prefix(4 * 784)
        for (i, byte) in bytes.enumerated() {
            let scaled = Float(byte) / 255
            #expect(close(p.images.scalars[i], scaled))
            #expect(close(n.images.scalars[i], (scaled - 0.25) / 0.5, tolerance: 1e-5))
        }
        #expect(p.images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func prefetchGivesTheSameBatches() throws {
        for (batchSize, dropLast) in [(32, false), (32, true), (1, false), (250, false), (300, false)] {
            let sync = try DataLoader(dataset: dataset, batchSize: batchSize, shuffle: true, seed: 9, dropLast: dropLast, normalization: (0.3, 0.4))
            let ahead = try DataLoader(dataset: dataset, batchSize: batchSize, shuffle: true, seed: 9, dropLast: dropLast, normalization: (0.3, 0.4), prefetch: true)
            for epoch in 0..<2 {
                let a = Array(sync.batches(epoch: epoch)), b = Array(ahead.batches(epoch: epoch))
                #expect(a.count == b.count)
                for (x, y) in zip(a, b) {
                    // Bit-identical by construction (one function builds both), so exact comparison is intended.
                    #expect(x.indices == y.indices && x.labels == y.labels && x.images.shape == y.images.shape)
                    #expect(x.images.scalars == y.images.scalars)
                }
            }
        }
        // Abandoning an iterator mid-epoch is fine.
        let ahead = try DataLoader(dataset: dataset, batchSize: 16, shuffle: true, seed: 9, prefetch: true)
        var iterator = ahead.batches(epoch: 0).makeIterator()
        #expect(iterator.next()?.indices.count == 16)
    }

    /// The measurement quoted in DataLoader's documentation: does prefetching pay for in-memory bytes?
    @Test func prefetchMeasurement() throws {
        let data = ImageDataset.shapes(count: 6_400, seed: 1)
        let clock = ContinuousClock()
        func run(prefetch: Bool, work: Duration) throws -> Duration {
            let loader = try DataLoader(dataset: data, batchSize: 64, shuffle: true, seed: 3, normalization: (0.2, 0.3), prefetch: prefetch)
            return clock.measure {
                for batch in loader.batches(epoch: 0) {
                    let start = clock.now
                    var sink = batch.images.count  // simulated training step: spin for `work`
                    while clock.now - start < work { sink &+= 1 }
                    _ = sink
                }
            }
        }
        for work in [Duration.zero, .microseconds(100), .milliseconds(1)] {
            _ = try run(prefetch: false, work: work)
            let sync = try run(prefetch: false, work: work), ahead = try run(prefetch: true, work: work)
            print("DataLoader 100 batches of 64×1×28×28, step \(work): synchronous \(sync), prefetch \(ahead)")
        }
    }
}
