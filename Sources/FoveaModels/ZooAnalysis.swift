// How the zoo's composite blocks describe themselves to `summary(input:)`: the ones whose forward
// pass is a chain list their stages; the inception module, whose branches run side by side,
// adds its branches' costs and concatenates their shapes; the recurrent network counts its T
// applications of shared kernels.

extension BasicConv2D: StagedLayer {
    public var stages: [(name: String, layer: any Layer)] { children + [("relu", ReLU())] }
}

extension AlexNet: StagedLayer {
    public var stages: [(name: String, layer: any Layer)] {
        [("features", features)] + (avgpool.map { [("avgpool", $0)] } ?? []) + [("flatten", Flatten()), ("classifier", classifier)]
    }
}

extension GoogLeNet: StagedLayer {
    /// The main path of the forward pass in evaluation mode (the auxiliary heads, active only in
    /// training, are left out; their parameters still count in the totals).
    public var stages: [(name: String, layer: any Layer)] { children.filter { !$0.name.hasPrefix("aux") } }
}

extension InceptionModule {
    /// The four branches on the same input: multiply-adds add up, channels concatenate, and the
    /// receptive step is the widest branch's (the union of the branches' footprints).
    public func analyze(input shape: [Int]) throws -> LayerAnalysis {
        let branches = try children.map { try $0.layer.analyze(input: shape) }
        guard let first = branches.first, branches.allSatisfy({ Array($0.outputShape.dropFirst(2)) == Array(first.outputShape.dropFirst(2)) }) else {
            throw TensorError.invalidArgument(operation: "InceptionModule", reason: "branches disagree on the map size for input \(shape)")
        }
        let channels = branches.reduce(0) { $0 + $1.outputShape[1] }
        let macs = branches.reduce(Optional(0)) { total, b in total.flatMap { t in b.multiplyAdds.map { t + $0 } } }
        let flops = branches.reduce(Optional(0)) { total, b in total.flatMap { t in b.floatingPointOperations.map { t + $0 } } }
        let widest = branches.compactMap(\.step).max { $0.kernel.reduce(0, +) < $1.kernel.reduce(0, +) }
        return LayerAnalysis(outputShape: [first.outputShape[0], channels] + first.outputShape.dropFirst(2), multiplyAdds: macs,
                             floatingPointOperations: flops, step: widest)
    }
}

extension RecurrentConvolutionalNetwork {
    /// T applications of the shared kernels: U once, V every step, W in steps 2…T. Each later step
    /// reaches W's and V's extent further through the previous labels: with U and W of side k and
    /// V of side v, step t sees a (k + (t − 1)(k + v − 2) + v − 1)-pixel square of the image.
    public func analyze(input shape: [Int]) throws -> LayerAnalysis {
        let u = try imageKernel.analyze(input: shape)
        let v = try outputKernel.analyze(input: u.outputShape)
        let w = try labelKernel.analyze(input: v.outputShape)
        let add = { (a: Int?, b: Int?, times: Int) in a.flatMap { a in b.map { a + times * $0 } } }
        let macs = add(add(u.multiplyAdds, v.multiplyAdds, steps), w.multiplyAdds, steps - 1)
        let flops = add(add(u.floatingPointOperations, v.floatingPointOperations, steps), w.floatingPointOperations, steps - 1)
        let (ku, kv, kw) = (imageKernel.weight.shape[2], outputKernel.weight.shape[2], labelKernel.weight.shape[2])
        var field = ku + kv - 1
        for _ in 1..<steps { field = max(ku, kw + field - 1) + kv - 1 }
        let spatial = shape.count - 2
        return LayerAnalysis(outputShape: v.outputShape, multiplyAdds: macs, floatingPointOperations: flops,
                             step: ReceptiveStep(kernel: Array(repeating: field, count: spatial), stride: Array(repeating: 1, count: spatial),
                                                 padBefore: Array(repeating: (field - 1) / 2, count: spatial)))
    }
}
