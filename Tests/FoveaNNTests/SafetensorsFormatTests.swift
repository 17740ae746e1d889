// The safetensors format: the exact bytes Fovea writes, round trips, dtype conversion, and every
// kind of malformed file (bytes built here by hand) refused with an error naming the problem.

import FoveaNN
import Testing

@Suite struct SafetensorsFormatTests {
    /// A file from a header string and data bytes; `declaredLength` overrides the 8-byte prefix.
    func file(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        let headerBytes = Array(header.utf8)
        let length = declaredLength ?? UInt64(headerBytes.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + headerBytes + data
    }

    func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
    }

    /// The error `bytes` are refused with (nil when accepted).
    func refusal(_ bytes: [UInt8]) -> CheckpointError? {
        do { _ = try SafetensorsFile(bytes: bytes); return nil } catch let error as CheckpointError { return error } catch { return nil }
    }

    /// The reference layout: `{"a":{...},"b":{...}}` is 104 bytes, padded with 0 spaces; with
    /// metadata the header comes first and is padded to a multiple of 8.
    @Test func writesTheReferenceLayout() throws {
        let bytes = try Safetensors.encode(["b": Tensor([3]), "a": try Tensor(shape: [1, 2], scalars: [1, 2])])
        let header = #"{"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        #expect(bytes == file(padded, data: floatBytes([1, 2, 3])))
        let withMetadata = try Safetensors.encode(["x": Tensor([0.5])], metadata: ["format": "pt", "note": "a \"quoted\"\nline"])
        let metadataHeader = #"{"__metadata__":{"format":"pt","note":"a \"quoted\"\nline"},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        #expect(withMetadata == file(metadataHeader + String(repeating: " ", count: (8 - metadataHeader.utf8.count % 8) % 8), data: floatBytes([0.5])))
        #expect((withMetadata.count - 4) % 8 == 0)
    }

    @Test func roundTripKeepsNamesShapesValuesAndMetadata() throws {
        let tensors = ["conv.weight": try Tensor(shape: [2, 1, 2, 2], scalars: (0..<8).map { Float($0) - 3.5 }),
                       "conv.bias": Tensor([.infinity, -0.0]), "scalar": Tensor(scalar: 7), "empty": try Tensor.zeros([0, 3])]
        let parsed = try SafetensorsFile(bytes: try Safetensors.encode(tensors, metadata: ["epoch": "3", "ünï": "✓"]))
        #expect(parsed.metadata == ["epoch": "3", "ünï": "✓"])
        #expect(parsed.names == ["conv.bias", "conv.weight", "empty", "scalar"])
        let back = try parsed.tensors()
        for (name, tensor) in tensors {
            #expect(back[name]?.shape == tensor.shape && back[name]?.scalars == tensor.scalars, "\(name)")
        }
        let scalar = parsed.entries["scalar"]
        #expect(scalar?.dtype == .f32 && scalar?.shape == [] && scalar?.dataOffsets == 40..<44)
    }

    /// F16 1, −2, 0.5, 2⁻²⁴ (smallest subnormal), 65504, −∞; BF16 1, −3.5; F64 1.5, 1e-3.
    @Test func halfBFloatAndDoubleAreConvertedToFloat() throws {
        let halves: [UInt16] = [0x3C00, 0xC000, 0x3800, 0x0001, 0x7BFF, 0xFC00], bfloats: [UInt16] = [0x3F80, 0xC060]
        var data = halves.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } + bfloats.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        data += [1.5, 1e-3].flatMap { (value: Double) in (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
        let header = #"{"h":{"dtype":"F16","shape":[6],"data_offsets":[0,12]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[12,16]},"d":{"dtype":"F64","shape":[2],"data_offsets":[16,32]}}"#
        let tensors = try SafetensorsFile(bytes: file(header, data: data)).tensors()
        #expect(tensors["h"]?.scalars == [1, -2, 0.5, 0x1p-24, 65504, -.infinity])
        #expect(tensors["b"]?.scalars == [1, -3.5])
        #expect(tensors["d"]?.scalars == [1.5, Float(1e-3)])
    }

    @Test func integerTensorsParseButDoNotConvert() throws {
        let bytes = file(#"{"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}"#, data: [5, 0, 0, 0, 0, 0, 0, 0])
        let parsed = try SafetensorsFile(bytes: bytes)
        #expect(parsed.entries["n"]?.dtype == .i64)
        #expect(throws: CheckpointError.unsupportedDType(tensor: "n", dtype: "I64")) { try parsed.tensor(named: "n") }
    }

    @Test func truncatedFilesAreRefused() throws {
        #expect(refusal([1, 0, 0]) == .truncated(reason: "3 bytes, fewer than the 8-byte header length"))
        let good = try Safetensors.encode(["w": Tensor([1, 2, 3])])
        let cut = refusal(Array(good.dropLast(2)))
        #expect(cut == .truncated(reason: "tensor 'w' ends at data byte 12, but only 10 data bytes follow the header"))
    }

    @Test func headerLongerThanTheFileIsRefused() {
        let header = #"{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#
        #expect(refusal(file(header, declaredLength: 1 << 40)) == .headerTooLarge(headerLength: 1 << 40, available: header.utf8.count))
    }

    @Test func invalidJSONIsRefused() {
        #expect(refusal(file(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, data: [0, 0, 0, 0]))
                == .invalidHeader(reason: "invalid JSON at byte 53: unterminated object"))
        #expect(refusal(file(#"{"a" 1}"#)) == .invalidHeader(reason: "invalid JSON at byte 5: expected ':'"))
        #expect(refusal(file(#"[1, 2]"#)) == .invalidHeader(reason: "the header does not start with '{'"))
        #expect(refusal(file(#"{"a":{}, "a":{}}"#))?.description.contains("duplicate key 'a'") == true)
        #expect(refusal(file(#"{"a":tru}"#))?.description.contains("unexpected character") == true)
        #expect(refusal(file(#"{"__metadata__":{"k":1}}"#)) == .invalidHeader(reason: "__metadata__ 'k' is a number, not a string"))
        #expect(refusal(file(#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#))
                == .invalidHeader(reason: "tensor 'w': shape is not an array of non-negative integers"))
        #expect(refusal(file(#"{"w":{"dtype":"F32","data_offsets":[0,0]}}"#)) == .invalidHeader(reason: "tensor 'w' has no \"shape\""))
    }

    @Test func unknownDTypeIsRefused() {
        #expect(refusal(file(#"{"w":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]))
                == .unknownDType(tensor: "w", dtype: "F33"))
    }

    @Test func badOffsetsAreRefused() {
        let data = [UInt8](repeating: 0, count: 16)
        // Size disagrees with shape × dtype: [3] F32 needs 12 bytes, not 8.
        #expect(refusal(file(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: Array(data[..<8])))
                == .invalidOffsets(tensor: "w", reason: "[0, 8) holds 8 bytes, but shape [3] of F32 needs 12"))
        // Overlap: b starts inside a.
        #expect(refusal(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: Array(data[..<12])))
                == .invalidOffsets(tensor: "b", reason: "[4, 12) overlaps the previous tensor, which ends at 8"))
        // Gap between a and b.
        #expect(refusal(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}"#, data: data))
                == .invalidOffsets(tensor: "b", reason: "begins at 12, leaving a gap after byte 8"))
        // Begin after end, and not a pair.
        #expect(refusal(file(#"{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, data: Array(data[..<8])))
                == .invalidOffsets(tensor: "w", reason: "begin 8 is after end 0"))
        #expect(refusal(file(#"{"w":{"dtype":"F32","shape":[0],"data_offsets":[0]}}"#))
                == .invalidOffsets(tensor: "w", reason: "not a pair of non-negative integers"))
        // Out of range: the tensor would end beyond the data.
        #expect(refusal(file(#"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: Array(data[..<8])))
                == .truncated(reason: "tensor 'w' ends at data byte 16, but only 8 data bytes follow the header"))
        // Data bytes no tensor covers.
        #expect(refusal(file(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: Array(data[..<8])))
                == .invalidHeader(reason: "the tensors cover 4 data bytes, but 8 follow the header"))
        // Overflowing shapes do not crash.
        #expect(refusal(file(#"{"w":{"dtype":"F64","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#))?
            .description.contains("needs more than Int.max") == true)
    }

    @Test func theReservedNameCannotBeWritten() {
        #expect(throws: CheckpointError.invalidTensor(name: "__metadata__", reason: "the name is reserved for the header's metadata")) {
            try Safetensors.encode(["__metadata__": Tensor([1])])
        }
    }
}
