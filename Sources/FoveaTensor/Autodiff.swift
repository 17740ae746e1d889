// Reverse-mode automatic differentiation on a tape we own.
//
// Every differentiable op returns its value through `Tensor.recording(_:inputs:pullback:)`, which
// attaches a node holding the inputs' nodes and a pullback (output gradient → input gradients).
// `backward()` orders the nodes reachable from the output topologically and walks them once in
// reverse, accumulating gradients; leaves (parameters, `requiringGradient()` tensors) keep theirs,
// everything else is freed as soon as it has been passed on, like PyTorch without `retain_graph`.

import CFoveaKernels

/// One recorded value in the computation graph.
final class AutodiffNode: @unchecked Sendable {
    /// The nodes of the op's inputs, `nil` where an input needs no gradient.
    var inputs: [AutodiffNode?]
    /// Output gradient → one gradient per input (nil where not needed).
    var pullback: ((Tensor) -> [Tensor?])?
    /// The gradient accumulated so far (for leaves: since the last `zeroGradient`).
    var gradient: Tensor?
    let isLeaf: Bool

    init(inputs: [AutodiffNode?], pullback: ((Tensor) -> [Tensor?])?, isLeaf: Bool) {
        self.inputs = inputs
        self.pullback = pullback
        self.isLeaf = isLeaf
    }

    func accumulate(_ g: Tensor) {
        if let existing = gradient {
            gradient = existing.addingSameShape(g)
        } else {
            gradient = g
        }
    }
}

/// Switches gradient recording off for a block, as PyTorch's `torch.no_grad()` does.
public enum GradientRecording {
    private static var slot: Int32 { Int32(FOVEA_SLOT_NO_GRAD.rawValue) }

    /// True unless the current thread is inside ``withoutGradients(_:)``.
    public static var isEnabled: Bool { fovea_thread_flag_get(slot) == 0 }

    /// Runs `body` without recording any operation (inference, optimizer updates).
    public static func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
        let depth = fovea_thread_flag_get(slot)
        fovea_thread_flag_set(slot, depth + 1)
        defer { fovea_thread_flag_set(slot, depth) }
        return try body()
    }
}

extension Tensor {
    // MARK: Leaves and gradients

    /// The same values as a leaf that collects gradients (PyTorch's `requires_grad_()`).
    public func requiringGradient() -> Tensor {
        var leaf = detached()
        leaf.node = AutodiffNode(inputs: [], pullback: nil, isLeaf: true)
        return leaf
    }

    /// True when operations on this tensor are recorded.
    public var requiresGradient: Bool { node != nil }

    /// The gradient accumulated into this leaf by `backward()`, or nil.
    public var gradient: Tensor? { node?.isLeaf == true ? node?.gradient : nil }

    /// Forgets this leaf's accumulated gradient.
    public func zeroGradient() { if node?.isLeaf == true { node?.gradient = nil } }

    /// Overwrites this leaf's accumulated gradient in place (gradient clipping) and returns what
    /// `body` returns, or nil when there is no gradient. Copies first if the gradient's storage is shared.
    public func updateGradientInPlace<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R? {
        guard let node, node.isLeaf, node.gradient != nil else { return nil }
        return try node.gradient!.withUnsafeMutableBufferPointer(body)
    }

    /// Back-propagates from this tensor: every leaf it depends on gains d(self)/d(leaf)·seed.
    ///
    /// The recorded graph is freed on the way (leaves keep their gradients), so a second
    /// `backward()` through any part of it throws; add losses that share a graph first.
    ///
    /// - Parameter seed: the gradient of the final objective with respect to `self`; defaults to 1
    ///   and may be omitted only for one-element tensors (a loss).
    /// - Throws: ``TensorError`` when the tensor was not recorded, its graph was already
    ///   back-propagated, or the seed's shape is wrong.
    public func backward(seed: Tensor? = nil) throws {
        guard let root = node else {
            throw TensorError.invalidArgument(operation: "backward", reason: "tensor of shape \(shape) does not require a gradient (no parameter or requiringGradient() input reaches it)")
        }
        let start: Tensor
        if let seed {
            guard seed.shape == shape else {
                throw TensorError.shapeMismatch(operation: "backward", shape, seed.shape, reason: "the seed must have the output's shape")
            }
            start = seed.detached()
        } else {
            guard count == 1 else {
                throw TensorError.invalidArgument(operation: "backward", reason: "a seed is needed for a tensor of shape \(shape) (only one-element outputs default to 1)")
            }
            start = Tensor(shape: shape, storage: TensorStorage(repeating: 1, count: 1))
        }
        let order = Tensor.topologicalOrder(from: root)
        // A non-leaf without a pullback was freed by an earlier backward(): going on would
        // silently drop every gradient that flows through it.
        guard order.allSatisfy({ $0.isLeaf || $0.pullback != nil }) else {
            throw TensorError.invalidArgument(operation: "backward", reason: "the graph of this tensor of shape \(shape) was already back-propagated and freed; recompute the forward pass, or add the losses and call backward once")
        }
        GradientRecording.withoutGradients {
            root.accumulate(start)
            for current in order.reversed() {
                if let g = current.gradient, let pullback = current.pullback {
                    let gradients = pullback(g)
                    for (input, gi) in zip(current.inputs, gradients) {
                        if let input, let gi { input.accumulate(gi) }
                    }
                }
                if !current.isLeaf {
                    current.gradient = nil
                    current.pullback = nil
                    current.inputs = []
                }
            }
        }
    }

    /// Nodes reachable from `root`, each after all of its inputs (iterative: deep nets must not
    /// overflow the stack).
    static func topologicalOrder(from root: AutodiffNode) -> [AutodiffNode] {
        var order: [AutodiffNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(AutodiffNode, Bool)] = [(root, false)]
        while let (current, inputsDone) = stack.popLast() {
            if inputsDone { order.append(current); continue }
            guard visited.insert(ObjectIdentifier(current)).inserted else { continue }
            stack.append((current, true))
            for case let input? in current.inputs where !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }

    // MARK: Recording (used by every differentiable op)

    /// Returns `value`, recorded with `pullback` when recording is on and some input needs a
    /// gradient. The pullback receives the output gradient and which inputs need theirs, and
    /// returns one gradient (of that input's shape) or nil per input.
    static func recording(
        _ value: Tensor, inputs: [Tensor],
        pullback: @escaping (_ gradient: Tensor, _ needed: [Bool]) -> [Tensor?]
    ) -> Tensor {
        guard willRecord(inputs: inputs) else { return value }
        let needed = inputs.map { $0.node != nil }
        var result = value.detached()
        result.node = AutodiffNode(inputs: inputs.map(\.node), pullback: { pullback($0, needed) }, isLeaf: false)
        return result
    }
}

extension Tensor {
    /// True when an operation on `inputs` will be recorded for back-propagation (recording is on
    /// and some input is tracked): operations skip the state only their pullback needs otherwise.
    static func willRecord(inputs: [Tensor]) -> Bool {
        GradientRecording.isEnabled && inputs.contains(where: { $0.node != nil })
    }

    /// Overwrites the elements in place while keeping this tensor's identity as a gradient leaf —
    /// what optimizers and checkpoint loading do to parameters. Copies first if the storage is
    /// shared (for example with a computation that has not been back-propagated yet).
    public mutating func updateLeafInPlace<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }
}
