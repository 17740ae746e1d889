// Adaptive pooling kernels: fast against naive for 1/2/3-D sizes that divide, do not divide,
// shrink and grow (overlapping windows), on one and two threads; PyTorch's window rule by hand.

import FoveaKernels
import Testing

@Suite struct AdaptivePoolingKernelTests {
    static let geometries = [
        AdaptivePoolGeometry(planes: 3, input: [10], output: [4]),
        AdaptivePoolGeometry(planes: 2, input: [3], output: [5]),
        AdaptivePoolGeometry(planes: 4, input: [7, 9], output: [3, 2]),
        AdaptivePoolGeometry(planes: 2, input: [8, 8], output: [1, 1]),
        AdaptivePoolGeometry(planes: 2, input: [5, 6, 7], output: [2, 3, 4]),
        AdaptivePoolGeometry(planes: 1, input: [2, 2, 3], output: [3, 4, 3]),
    ]

    @Test(arguments: [1, 2]) func fastMatchesNaive(threads: Int) {
        var rng = TestRandom(seed: 31)
        for g in Self.geometries {
            #expect(g.validationFailure == nil)
            let inCount = g.planes * g.input.reduce(1, *), outCount = g.planes * g.output.reduce(1, *)
            let x = rng.floats(inCount), dy = rng.floats(outCount), dx0 = rng.floats(inCount)
            var y = [Float](repeating: .nan, count: outCount), y2 = y, y3 = y, y4 = y
            var argmax = [Int32](repeating: -7, count: outCount), argmax2 = argmax
            var dx = dx0, dx2 = dx0
            withThreads(threads) {
                adaptiveAvgPoolForward(output: &y, input: x, geometry: g)
                adaptiveMaxPoolForward(output: &y3, argmax: &argmax, input: x, geometry: g)
                adaptiveAvgPoolBackward(dInput: &dx, dOutput: dy, geometry: g)
            }
            adaptiveAvgPoolForwardNaive(output: &y2, input: x, geometry: g)
            adaptiveMaxPoolForwardNaive(output: &y4, argmax: &argmax2, input: x, geometry: g)
            adaptiveAvgPoolBackwardNaive(dInput: &dx2, dOutput: dy, geometry: g)
            expectClose(y, y2, tolerance: 1e-6, "avg \(g)")
            #expect(y3 == y4 && argmax == argmax2, "max \(g)")
            expectClose(dx, dx2, tolerance: 1e-6, "avg backward \(g)")
        }
    }

    @Test func windowRuleByHand() {
        // in 5 → out 3: [0, 2), [1, 4), [3, 5) — overlapping windows.
        #expect((0..<3).map { adaptiveStart($0, 3, 5)..<adaptiveEnd($0, 3, 5) } == [0..<2, 1..<4, 3..<5])
        var y = [Float](repeating: 0, count: 3), argmax = [Int32](repeating: 0, count: 3)
        let x: [Float] = [1, 5, 2, 4, 3]
        adaptiveAvgPoolForward(output: &y, input: x, geometry: AdaptivePoolGeometry(planes: 1, input: [5], output: [3]))
        #expect(close(y, [3, 11.0 / 3, 3.5], tolerance: 1e-6))
        adaptiveMaxPoolForward(output: &y, argmax: &argmax, input: x, geometry: AdaptivePoolGeometry(planes: 1, input: [5], output: [3]))
        #expect(y == [5, 5, 4] && argmax == [1, 1, 3])
    }

    @Test func invalidGeometries() {
        #expect(AdaptivePoolGeometry(planes: 1, input: [4], output: [0]).validationFailure != nil)
        #expect(AdaptivePoolGeometry(planes: 1, input: [4, 4], output: [2]).validationFailure != nil)
        #expect(AdaptivePoolGeometry(planes: 1, input: [1, 1, 1, 1], output: [1, 1, 1, 1]).validationFailure != nil)
    }
}
