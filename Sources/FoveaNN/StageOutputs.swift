// Stage outputs: the activations after every row of a model's summary, for pictures of feature
// maps. The walk mirrors `summary(input:)`: staged containers (Sequential, zoo networks that list
// their stages) are entered, every other layer is applied whole, and each output is named as its
// summary row is ("0", "features.3", …).

/// One layer's output during a forward pass: the summary row's name, the layer's type and the tensor.
public struct StageOutput {
    /// The dotted name of the layer, as in ``ModelSummary`` rows.
    public let name: String
    /// The layer's type name (`Conv2D`, `MaxPool2D`, …).
    public let type: String
    /// What the layer returned.
    public let output: Tensor
}

extension Layer {
    /// Runs the model on `input` without recording gradients and returns every leaf layer's output,
    /// in order, named as the rows of ``summary(input:)`` are.
    /// - Parameter input: a batch, for example `[1, C, H, W]`.
    /// - Throws: ``SummaryError`` naming the first layer that refuses its input.
    public func stageOutputs(_ input: Tensor) throws -> [StageOutput] {
        var outputs: [StageOutput] = []
        _ = try GradientRecording.withoutGradients { try collectStageOutputs(self, name: "", input: input, into: &outputs) }
        return outputs
    }
}

private func collectStageOutputs(_ layer: any Layer, name: String, input: Tensor, into outputs: inout [StageOutput]) throws -> Tensor {
    if let staged = layer as? any StagedLayer {
        var current = input
        for (childName, child) in staged.stages {
            current = try collectStageOutputs(child, name: name.isEmpty ? childName : "\(name).\(childName)", input: current, into: &outputs)
        }
        return current
    }
    let type = String(describing: Swift.type(of: layer))
    let output: Tensor
    do { output = try layer(input) } catch {
        throw SummaryError(layer: name.isEmpty ? type : name, type: type, inputShape: input.shape, underlying: error)
    }
    outputs.append(StageOutput(name: name.isEmpty ? type : name, type: type, output: output))
    return output
}
