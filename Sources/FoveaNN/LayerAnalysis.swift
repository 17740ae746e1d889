// What a layer does to the shape of its input, what it costs, and how it moves the receptive
// field — the analysis behind parameter and FLOP counts, receptive-field arithmetic and
// `model.summary(input:)`. Layers with arithmetic say so precisely (LayerCosts.swift); others
// fall back to running once on zeros for their output shape.

/// How a layer maps positions of its input grid to positions of its output grid, per spatial
/// dimension: output unit p reads input units `p·stride − padBefore + i·dilation`, i < kernel.
public struct ReceptiveStep: Hashable, Sendable {
    public var kernel: [Int], stride: [Int], dilation: [Int], padBefore: [Int]

    public init(kernel: [Int], stride: [Int], dilation: [Int]? = nil, padBefore: [Int]? = nil) {
        self.kernel = kernel
        self.stride = stride
        self.dilation = dilation ?? kernel.map { _ in 1 }
        self.padBefore = padBefore ?? kernel.map { _ in 0 }
    }
}

/// The analysis of one layer for one input shape.
public struct LayerAnalysis: Sendable {
    /// The shape of the output.
    public var outputShape: [Int]
    /// Multiply-adds for the whole input batch; nil when unknown (a composite layer that does not
    /// describe its inner work).
    public var multiplyAdds: Int?
    /// Floating-point operations as the textbook counts them (multiplies plus adds, e.g. 3 for a
    /// two-tap kernel: 2 products and 1 sum), for the whole batch; nil when unknown.
    public var floatingPointOperations: Int?
    /// How the spatial grid moves; nil for layers that act on each position alone.
    public var step: ReceptiveStep?
    /// True when every output depends on every input position (dense layers, global pooling).
    public var mixesAllPositions: Bool

    public init(outputShape: [Int], multiplyAdds: Int? = 0, floatingPointOperations: Int? = nil, step: ReceptiveStep? = nil,
                mixesAllPositions: Bool = false) {
        self.outputShape = outputShape
        self.multiplyAdds = multiplyAdds
        self.floatingPointOperations = floatingPointOperations ?? multiplyAdds.map { 2 * $0 }
        self.step = step
        self.mixesAllPositions = mixesAllPositions
    }
}

extension Layer {
    /// Runs the layer once on zeros (without recording gradients) for its output shape; reports no
    /// multiply-adds for a leaf layer and unknown ones for a composite layer.
    public func analyze(input shape: [Int]) throws -> LayerAnalysis {
        let output = try GradientRecording.withoutGradients { try self(Tensor.zeros(shape)) }
        return LayerAnalysis(outputShape: output.shape, multiplyAdds: children.isEmpty ? 0 : nil,
                             mixesAllPositions: output.rank < 3 && shape.count >= 3)
    }
}

extension StagedLayer {
    /// The stages in turn: shapes flow through, costs add up, and the spatial steps compose into
    /// one effective step (kernel 1 + Σ(kᵢ − 1)·dᵢ·Jᵢ₋₁, stride Πsᵢ, leading padding Σpᵢ·Jᵢ₋₁).
    public func analyze(input shape: [Int]) throws -> LayerAnalysis {
        var current = shape, macs: Int? = 0, flops: Int? = 0, mixes = false
        let dims = max(shape.count - 2, 0)
        var kernel = [Int](repeating: 1, count: dims), jump = kernel, pad = [Int](repeating: 0, count: dims), moved = false
        for (_, layer) in stages {
            let a = try layer.analyze(input: current)
            current = a.outputShape
            macs = both(macs, a.multiplyAdds).map { $0 + $1 }
            flops = both(flops, a.floatingPointOperations).map { $0 + $1 }
            mixes = mixes || a.mixesAllPositions
            if let step = a.step, step.kernel.count == dims {
                moved = true
                for d in 0..<dims {
                    kernel[d] += (step.kernel[d] - 1) * step.dilation[d] * jump[d]
                    pad[d] += step.padBefore[d] * jump[d]
                    jump[d] *= step.stride[d]
                }
            }
        }
        return LayerAnalysis(outputShape: current, multiplyAdds: macs, floatingPointOperations: flops,
                             step: moved && !mixes ? ReceptiveStep(kernel: kernel, stride: jump, padBefore: pad) : nil,
                             mixesAllPositions: mixes)
    }
}

/// Both values, or nil.
private func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
