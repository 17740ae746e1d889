// SeededGenerator and the random tensor initialisers: reproducibility and rough distribution.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct RandomTests {
    @Test func sameSeedSameSequence() {
        var a = SeededGenerator(seed: 2024), b = SeededGenerator(seed: 2024), c = SeededGenerator(seed: 2025)
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        #expect(first != (0..<100).map { _ in c.next() })
        #expect(Set(first).count == 100)
    }

    @Test func sameSeedSameTensors() throws {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        #expect(try Tensor.randomNormal([3, 4], using: &a) == (try Tensor.randomNormal([3, 4], using: &b)))
        #expect(try Tensor.randomUniform([5], using: &a) == (try Tensor.randomUniform([5], using: &b)))
    }

    @Test func randomNormalMomentsOverAHundredThousandSamples() throws {
        var generator = SeededGenerator(seed: 3)
        let samples = try Tensor.randomNormal([100_000], mean: 2, standardDeviation: 0.5, using: &generator).scalars.map(Double.init)
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count - 1)
        // Standard errors: 0.5 / √1e5 ≈ 0.0016 for the mean, ≈ 0.0011 for the standard deviation.
        #expect(Swift.abs(mean - 2) < 0.01, "mean \(mean)")
        #expect(Swift.abs(variance.squareRoot() - 0.5) < 0.01, "standard deviation \(variance.squareRoot())")
        // About 68.3 % within one standard deviation.
        let within = Double(samples.filter { Swift.abs($0 - 2) < 0.5 }.count) / Double(samples.count)
        #expect(Swift.abs(within - 0.6827) < 0.01, "fraction within 1σ \(within)")
    }

    @Test func randomUniformStaysInBounds() throws {
        var generator = SeededGenerator(seed: 4)
        let samples = try Tensor.randomUniform([100_000], lower: -3, upper: 5, using: &generator).scalars
        #expect(samples.allSatisfy { $0 >= -3 && $0 < 5 })
        let mean = samples.map(Double.init).reduce(0, +) / Double(samples.count)
        #expect(Swift.abs(mean - 1) < 0.05, "mean \(mean)")
        #expect(samples.min()! < -2.99 && samples.max()! > 4.99)
        #expect(generator.nextUnitFloat() < 1)
    }

    @Test func nextIndexCoversItsRange() {
        var generator = SeededGenerator(seed: 5)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<7_000 { counts[generator.nextIndex(below: 7)] += 1 }
        #expect(counts.allSatisfy { $0 > 850 && $0 < 1150 }, "\(counts)")
    }
}

@Suite struct ScopedSeedTests {
    @Test func withSeedIsIndependentOfTheGlobalGenerator() {
        let a = GlobalRandom.withSeed(5) { (0..<4).map { _ in GlobalRandom.nextSeed() } }
        GlobalRandom.seed(99)
        _ = GlobalRandom.nextSeed()
        let b = GlobalRandom.withSeed(5) { (0..<4).map { _ in GlobalRandom.nextSeed() } }
        #expect(a == b)
        #expect(a != GlobalRandom.withSeed(6) { (0..<4).map { _ in GlobalRandom.nextSeed() } })
    }
}
