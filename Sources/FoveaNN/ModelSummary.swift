// model.summary(input:): a layer table in the style of torchinfo and Darknet — name, type,
// output shape, parameters, multiply-adds, receptive field and jump — with totals.
//
// Receptive-field arithmetic per spatial dimension (Araujo et al., "Computing receptive fields of
// convolutional neural networks", 2019): through a layer with kernel k, stride s, dilation d and
// leading padding p, the field grows r ← r + (k − 1)·d·j, the jump between neighbouring units
// becomes j ← j·s, and the first unit's field starts at a ← a − p·j (in input pixels).

/// One row of a summary: a leaf layer, or a composite that describes itself.
public struct SummaryRow: Sendable {
    public var name: String, type: String
    public var outputShape: [Int]
    public var parameters: Int
    /// nil when the layer does not know its cost.
    public var multiplyAdds: Int?
    /// Receptive field size per spatial dimension after this layer (nil once every output sees
    /// the whole input, or once a layer's footprint is unknown).
    public var receptiveField: [Int]?
    /// Distance in input pixels between neighbouring units of this layer's output.
    public var jump: [Int]?
    /// Input pixel where the receptive field of the first output unit starts (may be negative:
    /// padding).
    public var start: [Int]?
}

/// The analysis of a whole model for one input shape.
public struct ModelSummary: Sendable, CustomStringConvertible {
    public var inputShape: [Int]
    public var rows: [SummaryRow]
    public var outputShape: [Int]
    public var trainableParameters: Int
    /// Values in buffers (running statistics), which training does not update by gradient.
    public var nonTrainableValues: Int
    /// Total multiply-adds; nil when some layer's cost is unknown.
    public var multiplyAdds: Int?
    /// Bytes of all layer outputs for one forward pass (float32).
    public var activationBytes: Int

    public var description: String {
        func fmt(_ n: Int?) -> String { n.map(groupedThousands) ?? "?" }
        let header = ["layer", "type", "output shape", "params", "mult-adds", "RF", "jump"]
        let body = rows.map { r in
            [r.name, r.type, "\(r.outputShape)", fmt(r.parameters), fmt(r.multiplyAdds),
             r.receptiveField.map { $0.map(String.init).joined(separator: "×") } ?? "all",
             r.jump.map { $0.map(String.init).joined(separator: "×") } ?? "-"]
        }
        let widths = header.indices.map { c in ([header[c]] + body.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, text in
                c < 3 ? text.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                      : String(repeating: " ", count: widths[c] - text.count) + text
            }.joined(separator: "  ")
        }
        var out = [line(header), String(repeating: "─", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        out += body.map(line)
        out.append("input \(inputShape) → output \(outputShape)")
        out.append("parameters: \(fmt(trainableParameters)) (all trainable)")
        if nonTrainableValues > 0 { out.append("buffers (running statistics, not trained): \(fmt(nonTrainableValues)) values") }
        out.append("multiply-adds: \(fmt(multiplyAdds))")
        let mib = (Double(activationBytes) / 1_048_576 * 100).rounded() / 100
        out.append("activation memory: \(mib) MiB (float32, forward)")
        return out.joined(separator: "\n")
    }
}

/// `61100840` → `61,100,840`.
func groupedThousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

/// Errors of the summary: which layer refused the shape that reached it.
public struct SummaryError: Error, CustomStringConvertible {
    public let layer: String, type: String, inputShape: [Int]
    public let underlying: any Error
    public var description: String {
        "layer '\(layer)' (\(type)) cannot take input \(inputShape): \(underlying) — the input is too small or of the wrong shape for this model"
    }
}

extension Layer {
    /// The layer table of this model for an input of `shape` (batch included, e.g. `[1, 3, 224, 224]`).
    /// - Throws: ``SummaryError`` naming the first layer whose input is too small or misshapen.
    public func summary(input shape: [Int]) throws -> ModelSummary {
        var rows: [SummaryRow] = []
        let spatial = Array(shape.dropFirst(2))
        var field = SummaryField(r: spatial.map { _ in 1 }, j: spatial.map { _ in 1 }, a: spatial.map { _ in 0 })
        let output = try summarize(self, name: "", input: shape, rows: &rows, field: &field)
        return ModelSummary(inputShape: shape, rows: rows, outputShape: output,
                            trainableParameters: parameterCount, nonTrainableValues: namedBuffers.reduce(0) { $0 + $1.buffer.value.count },
                            multiplyAdds: rows.reduce(Optional(0)) { total, row in total.flatMap { t in row.multiplyAdds.map { t + $0 } } },
                            activationBytes: rows.reduce(0) { $0 + 4 * $1.outputShape.reduce(1, *) })
    }
}

/// The receptive field carried from layer to layer; nil components once unknown or global.
struct SummaryField {
    var r: [Int]?, j: [Int]?, a: [Int]?

    mutating func apply(_ analysis: LayerAnalysis) {
        if analysis.mixesAllPositions { r = nil; j = nil; a = nil; return }
        guard let step = analysis.step else { return }
        guard var r, var j, var a, step.kernel.count == r.count else { self = SummaryField(r: nil, j: nil, a: nil); return }
        for d in r.indices {
            r[d] += (step.kernel[d] - 1) * step.dilation[d] * j[d]
            a[d] -= step.padBefore[d] * j[d]
            j[d] *= step.stride[d]
        }
        (self.r, self.j, self.a) = (r, j, a)
    }
}

/// A composite whose forward pass applies its stages one after another (for example a network
/// with a feature extractor, a flatten and a classifier). Summaries list the stages' layers row by
/// row; stages that are not children (a `Flatten` between two blocks) carry no parameters.
public protocol StagedLayer: Layer {
    /// The layers the forward pass applies, in order, with the names their rows get.
    var stages: [(name: String, layer: any Layer)] { get }
}

extension Sequential: StagedLayer {
    public var stages: [(name: String, layer: any Layer)] { children }
}

/// Adds the rows of `layer` (recursing into staged containers) and returns its output shape.
private func summarize(_ layer: any Layer, name: String, input: [Int], rows: inout [SummaryRow], field: inout SummaryField) throws -> [Int] {
    if let staged = layer as? any StagedLayer {
        var current = input
        for (childName, child) in staged.stages {
            current = try summarize(child, name: name.isEmpty ? childName : "\(name).\(childName)", input: current, rows: &rows, field: &field)
        }
        return current
    }
    let type = String(describing: Swift.type(of: layer))
    let analysis: LayerAnalysis
    do { analysis = try layer.analyze(input: input) } catch {
        throw SummaryError(layer: name.isEmpty ? type : name, type: type, inputShape: input, underlying: error)
    }
    if !layer.children.isEmpty && analysis.step == nil && !analysis.mixesAllPositions && analysis.outputShape.count > 2 {
        field = SummaryField(r: nil, j: nil, a: nil)  // a composite that does not describe its footprint
    } else {
        field.apply(analysis)
    }
    rows.append(SummaryRow(name: name.isEmpty ? type : name, type: type, outputShape: analysis.outputShape, parameters: layer.parameterCount,
                           multiplyAdds: analysis.multiplyAdds, receptiveField: field.r, jump: field.j, start: field.a))
    return analysis.outputShape
}
