// Errors of safetensors checkpoints: malformed files, I/O failures, and state dicts that do not
// fit a model. Each names the file, tensor or byte position concerned.

/// Why a checkpoint could not be read, written or loaded.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The bytes end before the format says they should.
    case truncated(reason: String)
    /// The 8-byte header length is larger than the rest of the file.
    case headerTooLarge(headerLength: UInt64, available: Int)
    /// The header is not the JSON the format requires.
    case invalidHeader(reason: String)
    /// A tensor's dtype is not one safetensors defines.
    case unknownDType(tensor: String, dtype: String)
    /// A tensor's `data_offsets` are out of range, overlapping, leave a gap or disagree with its shape and dtype.
    case invalidOffsets(tensor: String, reason: String)
    /// A tensor's dtype cannot become Float32 (integers, booleans, 8-bit floats).
    case unsupportedDType(tensor: String, dtype: String)
    /// A tensor cannot be written (reserved or duplicate name).
    case invalidTensor(name: String, reason: String)
    /// The model has a parameter the state dict lacks.
    case missingTensor(name: String)
    /// The state dict has a tensor the model lacks.
    case unexpectedTensor(name: String)
    /// A tensor's shape differs from the model parameter's.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// A tensor's dtype cannot be loaded into a Float32 parameter.
    case dtypeMismatch(name: String, expected: String, found: String)
    /// A system call on a file failed.
    case io(path: String, operation: String, reason: String)
    /// An error while reading the file at `path`.
    indirect case inFile(path: String, CheckpointError)

    public var description: String {
        switch self {
        case let .truncated(reason):
            return "truncated safetensors data: \(reason)"
        case let .headerTooLarge(length, available):
            return "safetensors header length \(length) is larger than the \(available) bytes that follow it"
        case let .invalidHeader(reason):
            return "invalid safetensors header: \(reason)"
        case let .unknownDType(tensor, dtype):
            return "tensor '\(tensor)': unknown dtype '\(dtype)'"
        case let .invalidOffsets(tensor, reason):
            return "tensor '\(tensor)': invalid data_offsets: \(reason)"
        case let .unsupportedDType(tensor, dtype):
            return "tensor '\(tensor)': dtype \(dtype) cannot be converted to F32"
        case let .invalidTensor(name, reason):
            return "tensor '\(name)': \(reason)"
        case let .missingTensor(name):
            return "the checkpoint has no tensor '\(name)', which the model needs"
        case let .unexpectedTensor(name):
            return "the checkpoint's tensor '\(name)' is not in the model"
        case let .shapeMismatch(name, expected, found):
            return "tensor '\(name)' has shape \(found), the model expects \(expected)"
        case let .dtypeMismatch(name, expected, found):
            return "tensor '\(name)' has dtype \(found), the model expects \(expected)"
        case let .io(path, operation, reason):
            return "\(path): \(operation) failed: \(reason)"
        case let .inFile(path, error):
            return "\(path): \(error.description)"
        }
    }

    /// The error itself, without the file it happened in.
    public var withoutFile: CheckpointError {
        if case let .inFile(_, error) = self { return error.withoutFile }
        return self
    }
}
