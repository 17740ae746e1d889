// Seeded random numbers: xoshiro256** seeded by SplitMix64, the same stream on every platform,
// so that a seed fixes initial weights, shuffling and data generation everywhere.

/// A fast, seedable generator (xoshiro256**). Same seed → same sequence, on every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    private var spareNormal: Float?

    /// A generator whose whole future is fixed by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The generator's whole state as words (four state words, then a flag and the bits of a cached
    /// normal sample), for checkpoints: ``init(state:)`` continues exactly where this one is.
    public var state: [UInt64] {
        [s.0, s.1, s.2, s.3, spareNormal == nil ? 0 : 1, UInt64(spareNormal?.bitPattern ?? 0)]
    }

    /// A generator continuing from words that ``state`` returned; nil when they are not six words
    /// or the state is all zeros (which no seeded generator reaches).
    public init?(state words: [UInt64]) {
        guard words.count == 6, words[0] | words[1] | words[2] | words[3] != 0, words[4] <= 1,
              words[5] <= UInt64(UInt32.max) else { return nil }
        s = (words[0], words[1], words[2], words[3])
        spareNormal = words[4] == 1 ? Float(bitPattern: UInt32(words[5])) : nil
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Standard normal (Box–Muller in Double, pairs cached).
    public mutating func nextNormal() -> Float {
        if let spare = spareNormal { spareNormal = nil; return spare }
        var u1 = Double(next() >> 11) * 0x1p-53
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = Double(next() >> 11) * 0x1p-53
        let radius = (-2 * _log(u1)).squareRoot()
        spareNormal = Float(radius * _sin(2 * .pi * u2))
        return Float(radius * _cos(2 * .pi * u2))
    }

    /// Uniform integer in `0..<bound` (bound > 0), without modulo bias.
    public mutating func nextIndex(below bound: Int) -> Int {
        Int(next(upperBound: UInt64(bound)))
    }
}

#if canImport(Glibc)
import Glibc
private func _log(_ x: Double) -> Double { Glibc.log(x) }
private func _sin(_ x: Double) -> Double { Glibc.sin(x) }
private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
private func _log(_ x: Double) -> Double { Darwin.log(x) }
private func _sin(_ x: Double) -> Double { Darwin.sin(x) }
private func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif

extension Tensor {
    /// Normal samples with the given mean and standard deviation.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, using generator: inout SeededGenerator) throws -> Tensor {
        _ = try elementCount(of: shape)
        let t = Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.storage.pointer[i] = mean + standardDeviation * generator.nextNormal() }
        return t
    }

    /// Uniform samples in `[lower, upper)`.
    public static func randomUniform(_ shape: [Int], lower: Float = 0, upper: Float = 1, using generator: inout SeededGenerator) throws -> Tensor {
        _ = try elementCount(of: shape)
        guard lower <= upper, lower.isFinite, upper.isFinite else {
            throw TensorError.invalidArgument(operation: "randomUniform", reason: "bounds [\(lower), \(upper)) are not a finite interval")
        }
        let t = Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.storage.pointer[i] = lower + (upper - lower) * generator.nextUnitFloat() }
        return t
    }
}
