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

/// conv2dForward, then conv2dBackward accumulating into `startX`, `startW` and a zero bias
/// gradient, against the naive kernels: whichever path a geometry is routed to, the routed
/// results must agree with the definition.
func expectRoutedConvolutionMatchesNaive(
    _ g: Conv2DGeometry, x: [Float], w: [Float], b: [Float], dy: [Float], startX: [Float], startW: [Float],
    tolerance: Float, sourceLocation: SourceLocation = #_sourceLocation
) {
    var y = [Float](repeating: 0, count: dy.count), yNaive = y
    y.withUnsafeMutableBufferPointer { conv2dForward(output: $0.baseAddress!, input: x, weight: w, bias: b, geometry: g) }
    yNaive.withUnsafeMutableBufferPointer { conv2dForwardNaive(output: $0.baseAddress!, input: x, weight: w, bias: b, geometry: g) }
    expectClose(y, yNaive, tolerance: tolerance, "forward \(g)", sourceLocation: sourceLocation)

    var dx = startX, dxNaive = startX, dw = startW, dwNaive = startW
    var db = [Float](repeating: 0, count: b.count), dbNaive = db
    conv2dBackward(dInput: &dx, dWeight: &dw, dBias: &db, dOutput: dy, input: x, weight: w, geometry: g)
    conv2dBackwardNaive(dInput: &dxNaive, dWeight: &dwNaive, dBias: &dbNaive, dOutput: dy, input: x, weight: w, geometry: g)
    expectClose(dx, dxNaive, tolerance: tolerance, "input gradient \(g)", sourceLocation: sourceLocation)
    expectClose(dw, dwNaive, tolerance: tolerance, "weight gradient \(g)", sourceLocation: sourceLocation)
    expectClose(db, dbNaive, tolerance: tolerance, "bias gradient \(g)", sourceLocation: sourceLocation)
}
