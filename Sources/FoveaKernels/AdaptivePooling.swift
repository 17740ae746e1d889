// Adaptive average and max pooling for 1, 2 or 3 spatial dimensions: the output size is given,
// and output i of an axis of size `in` → `out` covers inputs
//   start = ⌊i·in/out⌋ ..< end = ⌈(i + 1)·in/out⌉      (PyTorch's rule; windows may overlap)
// planes = N·C independent images; I = D·H·W input and O = D'·H'·W' output positions per plane.
// Fewer than 3 spatial dimensions are treated as leading axes of size 1.
// The fast kernels precompute each axis's windows once and split planes across threads; the naive
// twins recompute the window bounds for every output.

/// Sizes of an adaptive pooling: `planes` (N·C) images of `input` → `output`, 1 to 3 axes each.
public struct AdaptivePoolGeometry: Hashable, Sendable {
    public var planes: Int
    public var input: [Int]
    public var output: [Int]

    public init(planes: Int, input: [Int], output: [Int]) {
        self.planes = planes
        self.input = input
        self.output = output
    }

    /// `nil` when usable; otherwise one sentence naming the first bad value.
    public var validationFailure: String? {
        guard (1...3).contains(input.count), input.count == output.count else {
            return "input sizes \(input) and output sizes \(output) must both have 1 to 3 entries, one per spatial axis."
        }
        if planes < 0 { return "planes must not be negative, got \(planes)." }
        if let bad = input.first(where: { $0 < 1 }) { return "input size \(bad) must be positive." }
        if let bad = output.first(where: { $0 < 1 }) { return "output size \(bad) must be positive." }
        return nil
    }

    /// `(D, H, W)` of the input, with missing leading axes as 1.
    var input3: [Int] { [Int](repeating: 1, count: 3 - input.count) + input }
    /// `(D', H', W')` of the output, with missing leading axes as 1.
    var output3: [Int] { [Int](repeating: 1, count: 3 - output.count) + output }
    var inputPlaneSize: Int { input.reduce(1, *) }
    var outputPlaneSize: Int { output.reduce(1, *) }
}

/// The first input index of adaptive window `i` of `outputs` over `inputs`: ⌊i·in/out⌋.
@inline(__always)
public func adaptiveStart(_ i: Int, _ outputs: Int, _ inputs: Int) -> Int { (i * inputs) / outputs }

/// One past the last input index of adaptive window `i`: ⌈(i + 1)·in/out⌉.
@inline(__always)
public func adaptiveEnd(_ i: Int, _ outputs: Int, _ inputs: Int) -> Int { ((i + 1) * inputs + outputs - 1) / outputs }

/// Adaptive average pooling: each output is the mean of its window.
/// - Parameters: output `[planes, O]` (overwritten), input `[planes, I]`.
public func adaptiveAvgPoolForward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                                   geometry g: AdaptivePoolGeometry) {
    let windows = AdaptiveWindows(g)
    forEachAdaptivePlane(g) { plane in
        let x = input + plane * g.inputPlaneSize, y = output + plane * g.outputPlaneSize
        windows.forEachOutput { o, taps in
            var sum: Float = 0
            taps.forEach { sum += x[$0] }
            y[o] = sum / Float(taps.count)
        }
    }
}

/// Gradient of adaptive average pooling: each output gradient, divided by its window size, is
/// added to every tap of the window. Accumulates (`+=`).
public func adaptiveAvgPoolBackward(dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>,
                                    geometry g: AdaptivePoolGeometry) {
    let windows = AdaptiveWindows(g)
    forEachAdaptivePlane(g) { plane in
        let dx = dInput + plane * g.inputPlaneSize, dy = dOutput + plane * g.outputPlaneSize
        windows.forEachOutput { o, taps in
            let share = dy[o] / Float(taps.count)
            taps.forEach { dx[$0] += share }
        }
    }
}

/// Adaptive max pooling: each output is the largest tap of its window (NaN wins, as in PyTorch);
/// `argmax` (optional, `[planes, O]`) receives the winner's flat index inside its plane, ties going
/// to the first tap in row-major order.
public func adaptiveMaxPoolForward(output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?,
                                   input: UnsafePointer<Float>, geometry g: AdaptivePoolGeometry) {
    let windows = AdaptiveWindows(g)
    forEachAdaptivePlane(g) { plane in
        let x = input + plane * g.inputPlaneSize, y = output + plane * g.outputPlaneSize
        windows.forEachOutput { o, taps in
            var best = -Float.infinity, bestIndex = -1
            taps.forEach { index in
                let v = x[index]
                if bestIndex < 0 || (!best.isNaN && (v > best || v.isNaN)) { best = v; bestIndex = index }
            }
            y[o] = best
            argmax?[plane * g.outputPlaneSize + o] = Int32(truncatingIfNeeded: bestIndex)
        }
    }
}

/// Gradient of adaptive max pooling: `dInput[plane][argmax[o]] += dOutput[o]`. Accumulates.
public func adaptiveMaxPoolBackward(dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>,
                                    argmax: UnsafePointer<Int32>, geometry g: AdaptivePoolGeometry) {
    let inSize = g.inputPlaneSize, outSize = g.outputPlaneSize
    forEachAdaptivePlane(g) { plane in
        for o in 0..<outSize { dInput[plane * inSize + Int(argmax[plane * outSize + o])] += dOutput[plane * outSize + o] }
    }
}

// MARK: - Naive twins

/// Reference twin of ``adaptiveAvgPoolForward(output:input:geometry:)``: window bounds from the
/// formula for every output, one plane after another.
public func adaptiveAvgPoolForwardNaive(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                                        geometry g: AdaptivePoolGeometry) {
    naiveAdaptiveWindows(g) { plane, o, taps in
        var sum: Float = 0
        for index in taps { sum += input[plane * g.inputPlaneSize + index] }
        output[plane * g.outputPlaneSize + o] = sum / Float(taps.count)
    }
}

/// Reference twin of ``adaptiveAvgPoolBackward(dInput:dOutput:geometry:)``. Accumulates.
public func adaptiveAvgPoolBackwardNaive(dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>,
                                         geometry g: AdaptivePoolGeometry) {
    naiveAdaptiveWindows(g) { plane, o, taps in
        for index in taps { dInput[plane * g.inputPlaneSize + index] += dOutput[plane * g.outputPlaneSize + o] / Float(taps.count) }
    }
}

/// Reference twin of ``adaptiveMaxPoolForward(output:argmax:input:geometry:)``.
public func adaptiveMaxPoolForwardNaive(output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?,
                                        input: UnsafePointer<Float>, geometry g: AdaptivePoolGeometry) {
    naiveAdaptiveWindows(g) { plane, o, taps in
        var best = -Float.infinity, bestIndex = -1
        for index in taps {
            let v = input[plane * g.inputPlaneSize + index]
            if bestIndex < 0 || (!best.isNaN && (v > best || v.isNaN)) { best = v; bestIndex = index }
        }
        output[plane * g.outputPlaneSize + o] = best
        argmax?[plane * g.outputPlaneSize + o] = Int32(truncatingIfNeeded: bestIndex)
    }
}

/// Calls `body(plane, o, taps)` for every output of every plane with its window's flat input indices.
private func naiveAdaptiveWindows(_ g: AdaptivePoolGeometry, _ body: (Int, Int, [Int]) -> Void) {
    let i3 = g.input3, o3 = g.output3
    for plane in 0..<g.planes {
        for od in 0..<o3[0] { for oh in 0..<o3[1] { for ow in 0..<o3[2] {
            var taps: [Int] = []
            for d in adaptiveStart(od, o3[0], i3[0])..<adaptiveEnd(od, o3[0], i3[0]) {
                for h in adaptiveStart(oh, o3[1], i3[1])..<adaptiveEnd(oh, o3[1], i3[1]) {
                    for w in adaptiveStart(ow, o3[2], i3[2])..<adaptiveEnd(ow, o3[2], i3[2]) {
                        taps.append((d * i3[1] + h) * i3[2] + w)
                    }
                }
            }
            body(plane, (od * o3[1] + oh) * o3[2] + ow, taps)
        } } }
    }
}

// MARK: - Helpers

/// Each axis's window bounds, computed once per call.
private struct AdaptiveWindows {
    let ranges: [[Range<Int>]]
    let i3: [Int], o3: [Int]

    init(_ g: AdaptivePoolGeometry) {
        i3 = g.input3
        o3 = g.output3
        ranges = (0..<3).map { [i3, o3] axis in
            (0..<o3[axis]).map { adaptiveStart($0, o3[axis], i3[axis])..<adaptiveEnd($0, o3[axis], i3[axis]) }
        }
    }

    /// Calls `body(o, taps)` for every output of a plane, in output order.
    @inline(__always)
    func forEachOutput(_ body: (Int, AdaptiveTaps) -> Void) {
        var o = 0
        for depth in ranges[0] { for rows in ranges[1] { for columns in ranges[2] {
            body(o, AdaptiveTaps(depth: depth, rows: rows, columns: columns, height: i3[1], width: i3[2]))
            o += 1
        } } }
    }
}

/// The flat input indices of one adaptive window, visited in row-major order by plain loops.
private struct AdaptiveTaps {
    let depth: Range<Int>, rows: Range<Int>, columns: Range<Int>, height: Int, width: Int
    var count: Int { depth.count * rows.count * columns.count }

    @inline(__always)
    func forEach(_ body: (Int) -> Void) {
        for d in depth {
            for h in rows {
                let row = (d * height + h) * width
                for w in columns { body(row + w) }
            }
        }
    }
}

/// Runs `body(plane)` for every plane, planes split across threads.
private func forEachAdaptivePlane(_ g: AdaptivePoolGeometry, _ body: (Int) -> Void) {
    Parallel.forRanges(g.planes, grain: Swift.max(1, (1 << 15) / Swift.max(1, g.inputPlaneSize))) { range in
        for plane in range { body(plane) }
    }
}
