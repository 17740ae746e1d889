// A fixed-seed training run of the default small CNN on the built-in `shapes` data: its loss
// must fall, and a second run with the same seed and threads must give bit-identical losses.

import FoveaData
import FoveaKernels
import FoveaModels
import FoveaNN
import Testing

@Suite(.serialized) struct TrainingRegressionTests {
    /// The per-step losses of `steps` SGD steps from seed `seed`.
    private func losses(seed: UInt64, steps: Int, threads: Int) throws -> [Float] {
        try Parallel.withThreadCount(threads) { try lossesOnCurrentThreads(seed: seed, steps: steps) }
    }

    private func lossesOnCurrentThreads(seed: UInt64, steps: Int) throws -> [Float] {
        let data = ImageDataset.shapes(count: steps * 32, seed: seed)
        // Its own generator: tests running in parallel may reseed or draw from the global one.
        let model = try GlobalRandom.withSeed(seed) { try Models.smallCNN() }
        let optimizer = try SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)
        let loader = try DataLoader(dataset: data, batchSize: 32, shuffle: true, seed: seed, normalization: data.pixelStatistics())
        var result: [Float] = []
        for batch in loader.batches(epoch: 0) {
            optimizer.zeroGradients()
            let loss = try crossEntropy(logits: model(batch.images), labels: batch.labels)
            try loss.backward()
            optimizer.step()
            result.append(try loss.item())
        }
        return result
    }

    @Test func lossFallsOnShapes() throws {
        let l = try losses(seed: 5, steps: 60, threads: 2)
        let first = l.prefix(10).reduce(0, +) / 10, last = l.suffix(10).reduce(0, +) / 10
        #expect(l.allSatisfy { $0.isFinite })
        #expect(first > 2.0, "an untrained 10-class net starts near ln 10 ≈ 2.3: \(first)")
        #expect(last < 0.6 * first, "losses \(l)")
    }

    @Test func sameSeedAndThreadsGiveBitIdenticalLosses() throws {
        for threads in [1, 2] {
            let a = try losses(seed: 9, steps: 8, threads: threads)
            let b = try losses(seed: 9, steps: 8, threads: threads)
            #expect(a == b, "threads \(threads): \(a) vs \(b)")
        }
    }
}
