// State dicts: a layer's parameters and buffers by dotted name, as PyTorch's `state_dict()` /
// `load_state_dict()`, and their safetensors files. Loading validates every tensor first and
// only then assigns, so a checkpoint that does not fit leaves the model untouched.

extension Layer {
    /// Every parameter's and buffer's current values by dotted name (``namedParameters``, then
    /// ``namedBuffers``: batch normalisation's running statistics), detached from any recorded
    /// computation — what PyTorch's `state_dict()` holds.
    public func stateDict() -> [String: Tensor] {
        Dictionary(namedState.map { ($0.name, $0.target.value.detached()) }, uniquingKeysWith: { first, _ in first })
    }

    /// Copies `tensors` into the parameters and buffers of the same names, after checking all of them.
    ///
    /// Nothing is assigned unless every check passes: no name the model needs is missing (when
    /// `strict`), no name is unknown to the model (when `strict`), and every shape matches.
    /// - Parameters:
    ///   - tensors: values by dotted name, as ``stateDict()`` returns them.
    ///   - strict: whether missing and unexpected names are errors (PyTorch's default, true) or
    ///     are skipped.
    /// - Throws: ``CheckpointError/missingTensor(name:)``, ``CheckpointError/unexpectedTensor(name:)``
    ///   or ``CheckpointError/shapeMismatch(name:expected:found:)`` naming the first offending tensor
    ///   in name order.
    public func loadStateDict(_ tensors: [String: Tensor], strict: Bool = true) throws {
        let assignments = try plannedAssignments(names: Set(tensors.keys), strict: strict) { tensors[$0]!.shape }
        for (name, target) in assignments { try target.assign(tensors[name]!) }
    }

    /// Loads a parsed safetensors file (see ``loadStateDict(_:strict:)``), also checking each
    /// tensor's dtype before converting anything: F32, F16, BF16 and F64 load into Float32
    /// parameters and buffers, I32 and I64 into buffers only (PyTorch's `num_batches_tracked`);
    /// other integer, boolean and 8-bit float tensors are refused.
    /// - Parameters:
    ///   - file: the parsed file.
    ///   - strict: whether missing and unexpected names are errors.
    /// - Throws: as ``loadStateDict(_:strict:)``, and ``CheckpointError/dtypeMismatch(name:expected:found:)``.
    public func loadStateDict(from file: SafetensorsFile, strict: Bool = true) throws {
        let assignments = try plannedAssignments(names: Set(file.entries.keys), strict: strict) { file.entries[$0]!.shape }
        for (name, target) in assignments {
            let dtype = file.entries[name]!.dtype
            guard dtype.convertsToFloat32 || target.isBuffer && dtype.isConvertibleInteger else {
                let expected = target.isBuffer ? "F32 (or F16, BF16, F64, I32, I64)" : "F32 (or F16, BF16, F64)"
                throw CheckpointError.dtypeMismatch(name: name, expected: expected, found: dtype.rawValue)
            }
        }
        let values = try assignments.map { try file.tensor(named: $0.name, allowingIntegers: $0.target.isBuffer) }
        for ((_, target), value) in zip(assignments, values) { try target.assign(value) }
    }

    /// Writes ``stateDict()`` to a safetensors file atomically (see ``Safetensors/write(_:metadata:to:)``).
    /// - Parameters:
    ///   - path: the file to create or replace.
    ///   - metadata: strings stored under `__metadata__`.
    /// - Throws: ``CheckpointError`` when the file cannot be written; the previous file is then intact.
    public func saveStateDict(to path: String, metadata: [String: String] = [:]) throws {
        try Safetensors.write(stateDict(), metadata: metadata, to: path)
    }

    /// Reads the safetensors file at `path` and loads it (see ``loadStateDict(from:strict:)``).
    /// - Parameters:
    ///   - path: the file to read.
    ///   - strict: whether missing and unexpected names are errors.
    /// - Throws: ``CheckpointError`` naming the file and the tensor; the model is then unchanged.
    public func loadStateDict(contentsOf path: String, strict: Bool = true) throws {
        let file = try SafetensorsFile(contentsOf: path)
        do { try loadStateDict(from: file, strict: strict) } catch let error as CheckpointError {
            throw CheckpointError.inFile(path: path, error)
        }
    }

    /// Parameters and buffers by dotted name, in that order.
    private var namedState: [(name: String, target: StateTarget)] {
        namedParameters.map { ($0.name, StateTarget.parameter($0.parameter)) } + namedBuffers.map { ($0.name, StateTarget.buffer($0.buffer)) }
    }

    /// The (name, target) pairs to assign, after checking names and shapes.
    private func plannedAssignments(names: Set<String>, strict: Bool, shape: (String) -> [Int]) throws
        -> [(name: String, target: StateTarget)] {
        let named = namedState
        let known = Set(named.map(\.name))
        if strict {
            if let missing = named.map(\.name).filter({ !names.contains($0) }).sorted().first {
                throw CheckpointError.missingTensor(name: missing)
            }
            if let unexpected = names.subtracting(known).sorted().first {
                throw CheckpointError.unexpectedTensor(name: unexpected)
            }
        }
        var result: [(name: String, target: StateTarget)] = []
        for (name, target) in named.sorted(by: { $0.name < $1.name }) where names.contains(name) {
            guard shape(name) == target.shape else {
                throw CheckpointError.shapeMismatch(name: name, expected: target.shape, found: shape(name))
            }
            result.append((name, target))
        }
        return result
    }
}

/// One entry of a state dict: a trainable parameter or a buffer.
private enum StateTarget {
    case parameter(Parameter), buffer(Buffer)

    var value: Tensor {
        switch self {
        case let .parameter(p): p.value
        case let .buffer(b): b.value
        }
    }
    var shape: [Int] { value.shape }
    var isBuffer: Bool { if case .buffer = self { true } else { false } }

    func assign(_ tensor: Tensor) throws {
        switch self {
        case let .parameter(p): try p.assign(tensor)
        case let .buffer(b): try b.assign(tensor)
        }
    }
}
