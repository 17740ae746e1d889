// Helpers shared by the kernel tests: seeded random buffers and float comparisons with tolerance.

import FoveaKernels
import Testing

/// A small deterministic generator (SplitMix64) so every test sees the same numbers.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
    mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in float() } }
}

/// Largest |a − b| / (1 + |b|) over the two arrays (∞ when the counts differ).
func maxRelativeError(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    var worst: Float = 0
    for i in a.indices {
        if a[i].isNaN != b[i].isNaN { return .infinity }
        if a[i].isNaN { continue }
        if a[i] == b[i] { continue }  // also equal infinities
        worst = max(worst, abs(a[i] - b[i]) / (1 + abs(b[i])))
    }
    return worst
}

/// True when the arrays agree to `tolerance` (relative to 1 + |expected|).
func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-4) -> Bool {
    maxRelativeError(a, b) <= tolerance
}

/// Runs `body` with `threads` kernel threads, for this test only (tests run side by side).
func withThreads<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
    try Parallel.withThreadCount(threads, body)
}

/// Expects the arrays to agree to `tolerance`; on failure reports the error, not the arrays.
func expectClose(
    _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-4, _ comment: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let error = maxRelativeError(actual, expected)
    #expect(error <= tolerance, "\(comment): relative error \(error)", sourceLocation: sourceLocation)
}
