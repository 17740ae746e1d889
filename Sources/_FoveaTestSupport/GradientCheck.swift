// Finite-difference gradient checking, in the spirit of Caffe's GradientChecker.
//
// The function under test may return any shape. The checker reduces it to a scalar with a fixed,
// seeded random weighting r (L = Σ rᵢ·yᵢ), back-propagates r as the seed, and compares each
// input's analytic gradient with the central difference (L(x + h) − L(x − h)) / 2h. The function is
// evaluated in float32 (it is the code under test); L and the quotient are accumulated in Double.
//
// Kinks. A central difference straddling a point where the function is not differentiable (ReLU
// or |x| at 0, a tie in max / maxPool / maximum) measures an average of two slopes, not the
// derivative. Inputs to such ops must therefore stay at least a margin away from the kink —
// more than the step — and hold distinct values: build them with `kinkFreeTensors`, which
// gives |x| ≥ margin and pairwise distances well above the step. When that is impossible
// (the kink is inside the op, on an intermediate value), pass `skip` to leave elements out.

import FoveaTensor

/// Compares analytic gradients (from `backward`) with central finite differences.
public struct GradientChecker: Sendable {
    /// The finite-difference step h (float32 needs 1e-3…1e-2: smaller steps drown in rounding).
    public var step: Float
    /// Allowed error relative to max(|analytic|, |numeric|).
    public var relativeTolerance: Double
    /// Allowed absolute error, for gradients near zero.
    public var absoluteTolerance: Double
    /// Seed of the random weighting that reduces the output to a scalar.
    public var seed: UInt64
    /// Elements to leave out: `(inputIndex, elementIndex, value) -> true` skips that element
    /// (for kinks that cannot be kept away from, as Caffe's `kink`/`kink_range`).
    public var skip: (@Sendable (_ input: Int, _ element: Int, _ value: Float) -> Bool)?

    public init(step: Float = 1e-2, relativeTolerance: Double = 1e-2, absoluteTolerance: Double = 1e-3,
                seed: UInt64 = 1701,
                skip: (@Sendable (_ input: Int, _ element: Int, _ value: Float) -> Bool)? = nil) {
        self.step = step
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.seed = seed
        self.skip = skip
    }

    /// A `skip` rule for a kink at `kink`: leaves out elements within `range` of it.
    public static func kink(at kink: Float = 0, range: Float) -> @Sendable (Int, Int, Float) -> Bool {
        { _, _, value in Swift.abs(value - kink) < range }
    }

    /// Checks the gradients of `function` with respect to every input.
    ///
    /// - Parameters:
    ///   - inputs: the point at which to check (their own gradient state is not touched).
    ///   - function: the computation under test; it receives the inputs as gradient-requiring
    ///     leaves (for the analytic pass) or as plain tensors (for the finite differences).
    /// - Returns: one entry per input with the worst element found.
    /// - Throws: whatever `function` or `backward` throws.
    public func check(_ inputs: [Tensor], _ function: ([Tensor]) throws -> Tensor) throws -> GradientCheckReport {
        let leaves = inputs.map { $0.detached().requiringGradient() }
        let output = try function(leaves)
        var generator = SeededGenerator(seed: seed)
        let weights = try Tensor.randomUniform(output.shape, lower: -1, upper: 1, using: &generator)
        let weightValues = weights.scalars.map(Double.init)
        try output.backward(seed: weights)

        func objective(_ point: [Tensor]) throws -> Double {
            let y = try GradientRecording.withoutGradients { try function(point) }
            precondition(y.shape == output.shape, "the function returned \(y.shape), first \(output.shape)")
            return y.withUnsafeBufferPointer { values in
                var total = 0.0
                for (w, v) in zip(weightValues, values) { total += w * Double(v) }
                return total
            }
        }

        var reports: [GradientCheckReport.Input] = []
        var point = inputs.map { $0.detached() }
        for (index, input) in inputs.enumerated() {
            let analytic = leaves[index].gradient?.scalars ?? [Float](repeating: 0, count: input.count)
            var entry = GradientCheckReport.Input(index: index, shape: input.shape,
                                                  gradientShape: leaves[index].gradient?.shape ?? input.shape)
            let original = input.scalars
            for element in 0..<input.count {
                let x = original[element]
                if let skip, skip(index, element, x) { entry.skipped += 1; continue }
                let (plus, minus) = (x + step, x - step)
                point[index].withUnsafeMutableBufferPointer { $0[element] = plus }
                let high = try objective(point)
                point[index].withUnsafeMutableBufferPointer { $0[element] = minus }
                let low = try objective(point)
                point[index].withUnsafeMutableBufferPointer { $0[element] = x }
                let numeric = (high - low) / (Double(plus) - Double(minus))
                let a = Double(analytic.count == input.count ? analytic[element] : .nan)
                let error = Swift.abs(a - numeric)
                let tolerance = absoluteTolerance + relativeTolerance * Swift.max(Swift.abs(a), Swift.abs(numeric))
                entry.checked += 1
                let excess = error.isNaN ? .infinity : error / tolerance
                if excess > entry.worstExcess {
                    entry.worstExcess = excess
                    entry.maxError = error
                    entry.worstElement = element
                    entry.analytic = a
                    entry.numeric = numeric
                }
            }
            reports.append(entry)
        }
        return GradientCheckReport(inputs: reports)
    }
}

/// The outcome of a gradient check: per input, the element whose error exceeded its tolerance most.
public struct GradientCheckReport: CustomStringConvertible, Sendable {
    /// The check of one input.
    public struct Input: Sendable {
        /// Position of the input in the list given to the checker.
        public var index: Int
        public var shape: [Int]
        /// The shape of the analytic gradient (must equal `shape`).
        public var gradientShape: [Int]
        public var checked = 0
        public var skipped = 0
        /// |analytic − numeric| at the worst element.
        public var maxError = 0.0
        /// Error divided by its tolerance at the worst element (> 1 fails).
        public var worstExcess = 0.0
        /// Row-major index of the worst element, if any was checked.
        public var worstElement: Int?
        public var analytic = 0.0
        public var numeric = 0.0

        init(index: Int, shape: [Int], gradientShape: [Int]) {
            self.index = index
            self.shape = shape
            self.gradientShape = gradientShape
        }

        public var passed: Bool { gradientShape == shape && worstExcess <= 1 }

        /// The multi-index of the worst element in `shape`.
        public var worstPosition: [Int]? {
            guard var flat = worstElement else { return nil }
            var position = [Int](repeating: 0, count: shape.count)
            for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
                position[axis] = flat % shape[axis]
                flat /= shape[axis]
            }
            return position
        }
    }

    public var inputs: [Input]

    /// True when every input's gradient has the right shape and every element is within tolerance.
    public var passed: Bool { inputs.allSatisfy(\.passed) }

    /// The worst error over all inputs.
    public var maxError: Double { inputs.map(\.maxError).max() ?? 0 }

    public var description: String {
        inputs.map { input in
            var line = "input \(input.index) \(input.shape): "
            if input.gradientShape != input.shape {
                line += "gradient has shape \(input.gradientShape); "
            }
            line += "\(input.checked) checked, \(input.skipped) skipped"
            if let element = input.worstElement, let position = input.worstPosition {
                line += "; worst element \(element) \(position): analytic \(input.analytic) vs numeric \(input.numeric)"
                line += " (error \(input.maxError), \(input.worstExcess) × tolerance)"
                line += input.worstExcess > 1 ? " FAILED" : ""
            }
            return line
        }.joined(separator: "\n")
    }
}

/// Random tensors that keep every element away from the kinks of ReLU, |x|, max and maximum.
///
/// All elements of all returned tensors together have distinct magnitudes, evenly spaced in
/// `margin...maxMagnitude` (shuffled), with random signs: so |x| ≥ margin and any two elements
/// differ by at least the spacing `(maxMagnitude − margin) / (n − 1)`. Keep the checker's step
/// below both `margin` and that spacing. The caller can rely on ties being impossible.
/// - Precondition: `0 < margin < maxMagnitude`.
public func kinkFreeTensors(_ shapes: [[Int]], margin: Float = 0.1, maxMagnitude: Float = 2,
                            seed: UInt64 = 42) throws -> [Tensor] {
    precondition(margin > 0 && margin < maxMagnitude, "need 0 < margin < maxMagnitude")
    let counts = shapes.map { $0.reduce(1, *) }
    let total = counts.reduce(0, +)
    var generator = SeededGenerator(seed: seed)
    let spacing = total > 1 ? (maxMagnitude - margin) / Float(total - 1) : 0
    var magnitudes = (0..<total).map { margin + Float($0) * spacing }
    magnitudes.shuffle(using: &generator)
    let values = magnitudes.map { generator.next() & 1 == 0 ? $0 : -$0 }
    var start = 0
    return try zip(shapes, counts).map { shape, count in
        defer { start += count }
        return try Tensor(shape: shape, scalars: Array(values[start..<(start + count)]))
    }
}

/// One kink-free tensor (see ``kinkFreeTensors(_:margin:maxMagnitude:seed:)``).
public func kinkFreeTensor(_ shape: [Int], margin: Float = 0.1, maxMagnitude: Float = 2, seed: UInt64 = 42) throws -> Tensor {
    try kinkFreeTensors([shape], margin: margin, maxMagnitude: maxMagnitude, seed: seed)[0]
}
