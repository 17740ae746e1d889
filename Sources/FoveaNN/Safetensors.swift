// The safetensors format (https://github.com/huggingface/safetensors), as the reference
// implementation reads and writes it: an 8-byte little-endian header length N; N bytes of JSON
// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}`,
// padded with spaces to 8-byte alignment; then the tensors' raw little-endian bytes, offsets
// relative to the end of the header, tiling the data exactly. Parsing validates everything
// before any tensor is handed out.

/// The element types safetensors defines.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case bool = "BOOL", u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
    case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32"
    case f64 = "F64", i64 = "I64", u64 = "U64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .f64, .i64, .u64: 8
        }
    }

    /// Whether Fovea converts this dtype to Float32 when reading (F32, F16, BF16, F64).
    public var convertsToFloat32: Bool { [.f32, .f16, .bf16, .f64].contains(self) }

    /// The integer dtypes Fovea reads into Float32 when asked to (I32, I64: PyTorch stores batch
    /// normalisation's `num_batches_tracked` as I64).
    public var isConvertibleInteger: Bool { self == .i32 || self == .i64 }
}

/// A parsed safetensors file: the header validated, the data held in memory.
public struct SafetensorsFile: Sendable {
    /// One tensor's description in the header.
    public struct Entry: Sendable, Equatable {
        /// The element type as stored.
        public let dtype: SafetensorsDType
        /// The dimensions.
        public let shape: [Int]
        /// The byte range in the data section (`data_offsets`).
        public let dataOffsets: Range<Int>
    }

    /// The `__metadata__` strings (empty when absent).
    public let metadata: [String: String]
    /// The tensors' descriptions by name.
    public let entries: [String: Entry]
    private let bytes: [UInt8]
    private let dataStart: Int

    /// The tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// Parses and validates a whole safetensors file held in memory.
    /// - Parameter bytes: the file's contents.
    /// - Throws: ``CheckpointError`` naming the problem: ``CheckpointError/truncated(reason:)``,
    ///   ``CheckpointError/headerTooLarge(headerLength:available:)``, ``CheckpointError/invalidHeader(reason:)``,
    ///   ``CheckpointError/unknownDType(tensor:dtype:)`` or ``CheckpointError/invalidOffsets(tensor:reason:)``.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 8 else {
            throw CheckpointError.truncated(reason: "\(bytes.count) bytes, fewer than the 8-byte header length")
        }
        let headerLength = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw CheckpointError.headerTooLarge(headerLength: headerLength, available: bytes.count - 8)
        }
        let headerEnd = 8 + Int(headerLength)
        guard headerLength >= 2, bytes[8] == UInt8(ascii: "{") else {
            throw CheckpointError.invalidHeader(reason: "the header does not start with '{'")
        }
        guard case let .object(members) = try JSONParser.parse(Array(bytes[8..<headerEnd])) else {
            throw CheckpointError.invalidHeader(reason: "the header is not a JSON object")
        }
        var metadata: [String: String] = [:], entries: [String: Entry] = [:]
        for (name, value) in members {
            if name == "__metadata__" {
                metadata = try Self.parseMetadata(value)
            } else {
                entries[name] = try Self.parseEntry(name, value)
            }
        }
        // The data must be tiled exactly: sorted by offset, each tensor starts where the last ended.
        let dataLength = bytes.count - headerEnd
        var end = 0
        for (name, entry) in entries.sorted(by: { ($0.value.dataOffsets.lowerBound, $0.value.dataOffsets.upperBound, $0.key) < ($1.value.dataOffsets.lowerBound, $1.value.dataOffsets.upperBound, $1.key) }) {
            let range = entry.dataOffsets
            if range.lowerBound < end {
                throw CheckpointError.invalidOffsets(tensor: name, reason: "[\(range.lowerBound), \(range.upperBound)) overlaps the previous tensor, which ends at \(end)")
            }
            if range.lowerBound > end {
                throw CheckpointError.invalidOffsets(tensor: name, reason: "begins at \(range.lowerBound), leaving a gap after byte \(end)")
            }
            if range.upperBound > dataLength {
                throw CheckpointError.truncated(reason: "tensor '\(name)' ends at data byte \(range.upperBound), but only \(dataLength) data bytes follow the header")
            }
            end = range.upperBound
        }
        guard end == dataLength else {
            throw CheckpointError.invalidHeader(reason: "the tensors cover \(end) data bytes, but \(dataLength) follow the header")
        }
        self.metadata = metadata
        self.entries = entries
        self.bytes = bytes
        dataStart = headerEnd
    }

    private static func parseMetadata(_ value: JSONValue) throws -> [String: String] {
        guard case let .object(pairs) = value else {
            throw CheckpointError.invalidHeader(reason: "__metadata__ is \(value.kind), not an object")
        }
        var result: [String: String] = [:]
        for (key, item) in pairs {
            guard case let .string(text) = item else {
                throw CheckpointError.invalidHeader(reason: "__metadata__ '\(key)' is \(item.kind), not a string")
            }
            result[key] = text
        }
        return result
    }

    private static func parseEntry(_ name: String, _ value: JSONValue) throws -> Entry {
        guard case let .object(fields) = value else {
            throw CheckpointError.invalidHeader(reason: "tensor '\(name)' is described by \(value.kind), not an object")
        }
        func field(_ key: String) throws -> JSONValue {
            guard let found = fields.first(where: { $0.key == key }) else {
                throw CheckpointError.invalidHeader(reason: "tensor '\(name)' has no \"\(key)\"")
            }
            return found.value
        }
        if let extra = fields.first(where: { !["dtype", "shape", "data_offsets"].contains($0.key) }) {
            throw CheckpointError.invalidHeader(reason: "tensor '\(name)' has an unknown field \"\(extra.key)\"")
        }
        guard case let .string(dtypeName) = try field("dtype") else {
            throw CheckpointError.invalidHeader(reason: "tensor '\(name)': dtype is not a string")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw CheckpointError.unknownDType(tensor: name, dtype: dtypeName)
        }
        guard case let .array(dimensions) = try field("shape"), let shape = Optional(dimensions.compactMap(\.nonNegativeInteger)),
              shape.count == dimensions.count else {
            throw CheckpointError.invalidHeader(reason: "tensor '\(name)': shape is not an array of non-negative integers")
        }
        guard case let .array(offsets) = try field("data_offsets"), offsets.count == 2,
              let begin = offsets[0].nonNegativeInteger, let end = offsets[1].nonNegativeInteger else {
            throw CheckpointError.invalidOffsets(tensor: name, reason: "not a pair of non-negative integers")
        }
        guard begin <= end else {
            throw CheckpointError.invalidOffsets(tensor: name, reason: "begin \(begin) is after end \(end)")
        }
        var byteCount = dtype.size, overflow = false
        for dimension in shape where !overflow {
            (byteCount, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
        }
        guard !overflow, byteCount == end - begin else {
            throw CheckpointError.invalidOffsets(tensor: name, reason: "[\(begin), \(end)) holds \(end - begin) bytes, but shape \(shape) of \(dtype.rawValue) needs \(overflow ? "more than Int.max" : "\(byteCount)")")
        }
        return Entry(dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    /// The tensor `name` as Float32, converting F16, BF16 and F64 (and, with `allowingIntegers`,
    /// I32 and I64, exact up to 2²⁴ in magnitude).
    /// - Throws: ``CheckpointError/missingTensor(name:)`` when absent,
    ///   ``CheckpointError/unsupportedDType(tensor:dtype:)`` for a dtype that is not a float (or an allowed integer).
    public func tensor(named name: String, allowingIntegers: Bool = false) throws -> Tensor {
        guard let entry = entries[name] else { throw CheckpointError.missingTensor(name: name) }
        guard entry.dtype.convertsToFloat32 || allowingIntegers && entry.dtype.isConvertibleInteger else {
            throw CheckpointError.unsupportedDType(tensor: name, dtype: entry.dtype.rawValue)
        }
        let count = entry.shape.reduce(1, *), start = dataStart + entry.dataOffsets.lowerBound
        var scalars = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            #if _endian(little)
            if entry.dtype == .f32 {
                scalars.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<start + 4 * count])) }
                return
            }
            #endif
            for i in 0..<count {
                switch entry.dtype {
                case .f32: scalars[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self).littleEndian)
                case .f64: scalars[i] = Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: start + 8 * i, as: UInt64.self).littleEndian))
                case .bf16: scalars[i] = Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: start + 2 * i, as: UInt16.self).littleEndian) << 16)
                case .f16: scalars[i] = floatFromHalf(raw.loadUnaligned(fromByteOffset: start + 2 * i, as: UInt16.self).littleEndian)
                case .i32: scalars[i] = Float(Int32(bitPattern: raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self).littleEndian))
                case .i64: scalars[i] = Float(Int64(bitPattern: raw.loadUnaligned(fromByteOffset: start + 8 * i, as: UInt64.self).littleEndian))
                default: break
                }
            }
        }
        return try Tensor(shape: entry.shape, scalars: scalars)
    }

    /// Every tensor as Float32.
    /// - Throws: ``CheckpointError/unsupportedDType(tensor:dtype:)`` when a tensor is not a float.
    public func tensors() throws -> [String: Tensor] {
        try Dictionary(uniqueKeysWithValues: names.map { ($0, try tensor(named: $0)) })
    }
}

/// IEEE 754 half precision bits → Float (exact: every half is a float).
func floatFromHalf(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16, exponent = UInt32(bits >> 10) & 0x1F, mantissa = UInt32(bits & 0x3FF)
    switch exponent {
    case 0 where mantissa == 0: return Float(bitPattern: sign)
    case 0: return (sign != 0 ? -1 : 1) * Float(mantissa) * 0x1p-24
    case 0x1F: return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    default: return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
    }
}

/// Encoding and file access for safetensors checkpoints.
public enum Safetensors {
    /// The bytes of a safetensors file holding `tensors` as F32, sorted by name, with the header
    /// padded with spaces to 8-byte alignment as the reference implementation writes it.
    /// - Parameters:
    ///   - tensors: the tensors by name.
    ///   - metadata: free-form strings stored under `__metadata__` (omitted when empty).
    /// - Throws: ``CheckpointError/invalidTensor(name:reason:)`` for the reserved name `__metadata__`.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> [UInt8] {
        if tensors["__metadata__"] != nil {
            throw CheckpointError.invalidTensor(name: "__metadata__", reason: "the name is reserved for the header's metadata")
        }
        let names = tensors.keys.sorted()
        var header = "{"
        if !metadata.isEmpty {
            header += "\"__metadata__\":{" + metadata.keys.sorted().map { jsonQuoted($0) + ":" + jsonQuoted(metadata[$0]!) }.joined(separator: ",") + "},"
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            header += "\(jsonQuoted(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + 4 * tensor.count)]},"
            offset += 4 * tensor.count
        }
        if header.hasSuffix(",") { header.removeLast() }
        header += "}"
        var headerBytes = Array(header.utf8)
        headerBytes += Array(repeating: UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)
        var result = [UInt8](repeating: 0, count: 8 + headerBytes.count + offset)
        result.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt64(headerBytes.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            raw.baseAddress!.advanced(by: 8).copyMemory(from: headerBytes, byteCount: headerBytes.count)
            var position = 8 + headerBytes.count
            for name in names {
                tensors[name]!.withUnsafeBufferPointer { values in
                    for value in values {
                        raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: position, as: UInt32.self)
                        position += 4
                    }
                }
            }
        }
        return result
    }
}
