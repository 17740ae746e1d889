// Float comparison with a tolerance, shared by the test suites.

/// True when every |a − b| ≤ absolute + relative·|b|. Counts must match.
public func allClose(_ a: [Float], _ b: [Float], relative: Float = 1e-5, absolute: Float = 1e-6) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
        if x.isNaN || y.isNaN { return false }
        if abs(x - y) > absolute + relative * abs(y) { return false }
    }
    return true
}

/// The largest |a − b| over two equally long arrays (infinity when the counts differ).
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
