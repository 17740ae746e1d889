// Optimizer state as named tensors, for checkpoints that resume exactly: each parameter's
// buffers (momentum, moment estimates) and its step count, keyed by the parameter's position
// in the optimizer's parameter list, with PyTorch's buffer names (`3.exp_avg`, `3.step`).

/// An optimizer whose per-parameter state can be saved and restored, so a resumed run takes
/// exactly the steps an uninterrupted one would.
public protocol StatefulOptimizer: Optimizer {
    /// The state by name: `"<index>.<buffer>"` (shaped like the parameter) and `"<index>.step"`
    /// (a one-element tensor), where `<index>` is the parameter's position in the optimizer.
    /// Parameters that have not been stepped yet have no entries.
    func stateTensors() -> [String: Tensor]

    /// Restores state that ``stateTensors()`` returned from an optimizer built the same way.
    /// Nothing is changed unless every tensor fits.
    /// - Throws: ``CheckpointError/missingTensor(name:)``, ``CheckpointError/unexpectedTensor(name:)``
    ///   or ``CheckpointError/shapeMismatch(name:expected:found:)`` naming the offending tensor.
    func loadStateTensors(_ tensors: [String: Tensor]) throws
}

extension [OptimizerSlot] {
    /// The slots' buffers under `bufferNames` and their step counts.
    func stateTensors(bufferNames: [String]) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (index, slot) in enumerated() where !slot.buffers.isEmpty {
            for (name, buffer) in zip(bufferNames, slot.buffers) {
                // Shape and count match by construction.
                result["\(index).\(name)"] = try! Tensor(shape: slot.parameter.shape, scalars: [Float](buffer.pointer))
            }
            result["\(index).step"] = Tensor([Float(slot.step)])
        }
        return result
    }

    /// Checks `tensors` against the slots, then replaces every slot's buffers and step count.
    mutating func loadStateTensors(_ tensors: [String: Tensor], bufferNames: [String]) throws {
        var expected = Set<String>()
        var planned: [(buffers: [Tensor], step: Int)?] = []
        for (index, slot) in enumerated() {
            let names = bufferNames.map { "\(index).\($0)" } + ["\(index).step"]
            let present = names.filter { tensors[$0] != nil }
            if present.isEmpty { planned.append(nil); continue }
            if let missing = names.first(where: { tensors[$0] == nil }) { throw CheckpointError.missingTensor(name: missing) }
            expected.formUnion(names)
            var buffers: [Tensor] = []
            for name in names.dropLast() {
                let tensor = tensors[name]!
                guard tensor.shape == slot.parameter.shape else {
                    throw CheckpointError.shapeMismatch(name: name, expected: slot.parameter.shape, found: tensor.shape)
                }
                buffers.append(tensor)
            }
            let stepTensor = tensors[names.last!]!
            guard stepTensor.count == 1, let step = stepTensor.scalars.first, step >= 0, step == step.rounded(), step < 0x1p24 else {
                throw CheckpointError.shapeMismatch(name: names.last!, expected: [1], found: stepTensor.shape)
            }
            planned.append((buffers, Int(step)))
        }
        if let unexpected = Set(tensors.keys).subtracting(expected).sorted().first {
            throw CheckpointError.unexpectedTensor(name: unexpected)
        }
        for index in indices {
            guard let plan = planned[index] else { self[index].buffers = []; self[index].step = 0; continue }
            self[index].buffers = plan.buffers.map { tensor in
                let buffer = OptimizerStateBuffer(count: tensor.count)
                tensor.withUnsafeBufferPointer { _ = buffer.pointer.update(fromContentsOf: $0) }
                return buffer
            }
            self[index].step = plan.step
        }
    }
}

extension SGD: StatefulOptimizer {
    public func stateTensors() -> [String: Tensor] { slots.stateTensors(bufferNames: ["momentum_buffer"]) }
    public func loadStateTensors(_ tensors: [String: Tensor]) throws {
        try slots.loadStateTensors(tensors, bufferNames: ["momentum_buffer"])
    }
}

extension AdamCore {
    var bufferNames: [String] { amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"] }
}

extension Adam: StatefulOptimizer {
    public func stateTensors() -> [String: Tensor] { core.slots.stateTensors(bufferNames: core.bufferNames) }
    public func loadStateTensors(_ tensors: [String: Tensor]) throws {
        try core.slots.loadStateTensors(tensors, bufferNames: core.bufferNames)
    }
}

extension AdamW: StatefulOptimizer {
    public func stateTensors() -> [String: Tensor] { core.slots.stateTensors(bufferNames: core.bufferNames) }
    public func loadStateTensors(_ tensors: [String: Tensor]) throws {
        try core.slots.loadStateTensors(tensors, bufferNames: core.bufferNames)
    }
}

extension RMSprop: StatefulOptimizer {
    private var bufferNames: [String] { ["square_avg"] + (centered ? ["grad_avg"] : []) + (momentum > 0 ? ["momentum_buffer"] : []) }
    public func stateTensors() -> [String: Tensor] { slots.stateTensors(bufferNames: bufferNames) }
    public func loadStateTensors(_ tensors: [String: Tensor]) throws {
        try slots.loadStateTensors(tensors, bufferNames: bufferNames)
    }
}
