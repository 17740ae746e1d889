// Batch normalisation kernels: statistics, normalisation and backward, fast against naive twins
// over many layouts and thread counts, and the statistics of a hand-checkable channel.

import FoveaKernels
import Testing

@Suite struct BatchNormKernelTests {
    /// (N, C, S) layouts: one value per channel, odd sizes, a spatial size past the 256 block.
    static let layouts = [(2, 3, 1), (1, 1, 2), (3, 5, 7), (4, 2, 300), (2, 17, 33)]

    @Test(arguments: [1, 2]) func fastMatchesNaive(threads: Int) {
        var rng = TestRandom(seed: 11)
        for (n, c, s) in Self.layouts {
            // An offset makes the one-pass variance meet cancellation.
            let x = rng.floats(n * c * s).map { $0 * 2 + 30 }, dy = rng.floats(n * c * s)
            let w = rng.floats(c), b = rng.floats(c), dx0 = rng.floats(n * c * s), dw0 = rng.floats(c)
            var mean = [Float](repeating: 0, count: c), variance = mean, mean2 = mean, variance2 = mean
            withThreads(threads) {
                batchNormStatistics(mean: &mean, variance: &variance, input: x, batch: n, channels: c, spatial: s)
            }
            batchNormStatisticsNaive(mean: &mean2, variance: &variance2, input: x, batch: n, channels: c, spatial: s)
            expectClose(mean, mean2, tolerance: 1e-6, "mean \(n)×\(c)×\(s)")
            expectClose(variance, variance2, tolerance: 1e-5, "variance \(n)×\(c)×\(s)")
            let invStd = variance2.map { 1 / ($0 + 1e-5).squareRoot() }
            var y = [Float](repeating: .nan, count: x.count), y2 = y
            withThreads(threads) {
                batchNormNormalize(output: &y, input: x, mean: mean2, inverseStd: invStd, weight: w, bias: b,
                                   batch: n, channels: c, spatial: s)
            }
            batchNormNormalizeNaive(output: &y2, input: x, mean: mean2, inverseStd: invStd, weight: w, bias: b,
                                    batch: n, channels: c, spatial: s)
            expectClose(y, y2, tolerance: 1e-5, "normalize \(n)×\(c)×\(s)")
            for batchStatistics in [true, false] {
                var dx = dx0, dx2 = dx0, dw = dw0, dw2 = dw0, db = dw0, db2 = dw0
                withThreads(threads) {
                    batchNormBackward(dInput: &dx, dWeight: &dw, dBias: &db, dOutput: dy, input: x, mean: mean2,
                                      inverseStd: invStd, weight: w, batch: n, channels: c, spatial: s,
                                      batchStatistics: batchStatistics)
                }
                batchNormBackwardNaive(dInput: &dx2, dWeight: &dw2, dBias: &db2, dOutput: dy, input: x, mean: mean2,
                                       inverseStd: invStd, weight: w, batch: n, channels: c, spatial: s,
                                       batchStatistics: batchStatistics)
                expectClose(dx, dx2, tolerance: 1e-4, "dInput \(n)×\(c)×\(s) batch stats \(batchStatistics)")
                expectClose(dw, dw2, tolerance: 1e-4, "dWeight \(n)×\(c)×\(s)")
                expectClose(db, db2, tolerance: 1e-5, "dBias \(n)×\(c)×\(s)")
            }
        }
    }

    @Test func statisticsByHand() {
        // Channel 0 holds 1, 2, 3, 6 (two images × two positions): mean 3, biased variance 3.5.
        let x: [Float] = [1, 2, 10, 10, 3, 6, 10, 10]
        var mean = [Float](repeating: 0, count: 2), variance = mean
        batchNormStatistics(mean: &mean, variance: &variance, input: x, batch: 2, channels: 2, spatial: 2)
        #expect(close(mean, [3, 10], tolerance: 1e-6) && close(variance, [3.5, 0], tolerance: 1e-6))
    }
}
