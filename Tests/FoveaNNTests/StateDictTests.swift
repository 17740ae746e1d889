// State dicts and checkpoint files: round trips through safetensors, all-or-nothing loading
// (missing, unexpected, wrong shape, wrong dtype), and atomic writes that leave the previous
// file intact and no temporary file behind when they fail.

import Foundation
import FoveaNN
import Testing

@Suite struct StateDictTests {
    func model() throws -> Sequential {
        Sequential(try Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 3), ReLU(), Flatten(),
                   try Linear(inputFeatures: 8, outputFeatures: 3))
    }

    /// A fresh empty directory, removed by the caller.
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "fovea-statedict-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func values(_ layer: some Layer) -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: layer.namedParameters.map { ($0.name, $0.parameter.value.scalars) })
    }

    @Test func stateDictHasPyTorchNames() throws {
        let net = try model()
        let state = net.stateDict()
        #expect(state.keys.sorted() == ["0.bias", "0.weight", "3.bias", "3.weight"])
        #expect(state["0.weight"]?.shape == [2, 1, 3, 3] && state["3.weight"]?.shape == [3, 8])
    }

    @Test func roundTripThroughAFileReproducesTheModel() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        GlobalRandom.seed(1)
        let source = try model()
        GlobalRandom.seed(2)
        let target = try model()
        let path = directory + "/model.safetensors"
        try source.saveStateDict(to: path, metadata: ["format": "pt"])
        try target.loadStateDict(contentsOf: path)
        #expect(values(target) == values(source))
        let input = try Tensor(shape: [2, 1, 4, 4], scalars: (0..<32).map { Float($0) / 10 })
        #expect(try target(input).scalars == source(input).scalars)
        #expect(try SafetensorsFile(contentsOf: path).metadata == ["format": "pt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.safetensors"])
    }

    /// Each bad state dict is refused naming the tensor, and no parameter changes — not even
    /// those that sort before the bad one.
    @Test func badStateDictsLeaveTheModelUntouched() throws {
        let net = try model()
        let before = values(net)
        var state = try model().stateDict()

        var missing = state
        missing["3.bias"] = nil
        #expect(throws: CheckpointError.missingTensor(name: "3.bias")) { try net.loadStateDict(missing) }

        state["extra.weight"] = Tensor([1])
        #expect(throws: CheckpointError.unexpectedTensor(name: "extra.weight")) { try net.loadStateDict(state) }

        state["extra.weight"] = nil
        state["3.weight"] = try Tensor.zeros([3, 9])
        #expect(throws: CheckpointError.shapeMismatch(name: "3.weight", expected: [3, 8], found: [3, 9])) { try net.loadStateDict(state) }
        #expect(values(net) == before)
    }

    @Test func nonStrictLoadingSkipsMissingAndUnexpectedNames() throws {
        let net = try model()
        let source = try model()
        var state = source.stateDict()
        state["0.bias"] = nil
        state["running_mean"] = Tensor([1])
        let oldBias = net.stateDict()["0.bias"]!.scalars
        try net.loadStateDict(state, strict: false)
        #expect(net.stateDict()["0.bias"]!.scalars == oldBias)
        #expect(net.stateDict()["3.weight"]!.scalars == source.stateDict()["3.weight"]!.scalars)
    }

    /// A file whose "0.bias" is stored as I64 is refused before anything is assigned.
    @Test func wrongDTypeIsRefusedBeforeAnythingIsAssigned() throws {
        let net = try model()
        let before = values(net)
        var state = try model().stateDict()
        state["0.bias"] = nil
        let file = try encoded(state, addingI64: "0.bias", shape: [2], values: [0, 0])
        #expect(throws: CheckpointError.dtypeMismatch(name: "0.bias", expected: "F32 (or F16, BF16, F64)", found: "I64")) {
            try net.loadStateDict(from: file)
        }
        #expect(values(net) == before)
    }

    /// `state` as a safetensors file with one more tensor, `name`, stored as I64 the way PyTorch
    /// stores integer tensors.
    func encoded(_ state: [String: Tensor], addingI64 name: String, shape: [Int], values: [Int64]) throws -> SafetensorsFile {
        let bytes = try Safetensors.encode(state)
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
        var header = String(decoding: bytes[8..<8 + headerLength], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        let dataLength = bytes.count - 8 - headerLength
        header.removeLast()
        header += #","\#(name)":{"dtype":"I64","shape":\#(shape),"data_offsets":[\#(dataLength),\#(dataLength + 8 * values.count)]}}"#
        let headerBytes = Array(header.utf8)
        let data = values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: v) >> (8 * $0)) } }
        return try SafetensorsFile(bytes: (0..<8).map { UInt8(truncatingIfNeeded: headerBytes.count >> (8 * $0)) } + headerBytes
                                   + bytes[(8 + headerLength)...] + data)
    }

    /// Batch normalisation's running statistics are part of the state dict, as in PyTorch, and
    /// PyTorch's I64 `num_batches_tracked` loads into its buffer.
    @Test func buffersTravelWithTheParameters() throws {
        func normalised() throws -> Sequential {
            Sequential(try Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 3), try BatchNorm2D(featureCount: 2))
        }
        let source = try normalised()
        _ = try source(Tensor(shape: [2, 1, 5, 5], scalars: (0..<50).map { Float($0 % 7) }))  // moves the running statistics
        let state = source.stateDict()
        #expect(state.keys.sorted() == ["0.bias", "0.weight", "1.bias", "1.num_batches_tracked", "1.running_mean", "1.running_var", "1.weight"])
        let target = try normalised()
        try target.loadStateDict(state)
        #expect(target.stateDict()["1.running_mean"]?.scalars == state["1.running_mean"]?.scalars)
        var floats = state
        floats["1.num_batches_tracked"] = nil
        try target.loadStateDict(from: encoded(floats, addingI64: "1.num_batches_tracked", shape: [], values: [7]))
        #expect(target.stateDict()["1.num_batches_tracked"]?.scalars == [7])
        var incomplete = state
        incomplete["1.running_var"] = nil
        #expect(throws: CheckpointError.missingTensor(name: "1.running_var")) { try target.loadStateDict(incomplete) }
    }

    @Test func malformedFilesAreRefusedNamingTheFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/broken.safetensors"
        let good = try Safetensors.encode(try model().stateDict())
        #expect(FileManager.default.createFile(atPath: path, contents: Data(good.dropLast(4))))
        let net = try model()
        let before = values(net)
        do {
            try net.loadStateDict(contentsOf: path)
            Issue.record("a truncated file was loaded")
        } catch let error as CheckpointError {
            #expect(error.description.hasPrefix(path + ": truncated safetensors data: tensor '3.weight'"), "\(error)")
            if case .truncated = error.withoutFile {} else { Issue.record("unexpected \(error)") }
        }
        #expect(values(net) == before)
        #expect(throws: CheckpointError.self) { try Safetensors.read(contentsOf: directory + "/absent.safetensors") }
    }

    /// Failed writes: into a vanished directory, over a directory, into a read-only directory
    /// (skipped as root, who may write anyway), and with an unwritable name. Each throws, leaves
    /// no temporary file, and the previous checkpoint stays loadable with its old values.
    @Test func failedWritesLeaveThePreviousFileIntact() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/model.safetensors"
        let previous = ["w": Tensor([1, 2, 3])]
        try Safetensors.write(previous, to: path)
        let newer = ["w": Tensor([4, 5, 6])]

        #expect(throws: CheckpointError.self) { try Safetensors.write(newer, to: directory + "/gone/model.safetensors") }
        #expect(throws: CheckpointError.self) { try Safetensors.write(["__metadata__": Tensor([0])], to: path) }
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: false)
        #expect(throws: CheckpointError.self) { try Safetensors.write(newer, to: directory + "/sub") }
        if geteuid() != 0 {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory)
            #expect(throws: CheckpointError.self) { try Safetensors.write(newer, to: path) }
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["model.safetensors", "sub"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/sub").isEmpty)
        #expect(try Safetensors.read(contentsOf: path)["w"]?.scalars == [1, 2, 3])

        try Safetensors.write(newer, to: path)
        #expect(try Safetensors.read(contentsOf: path)["w"]?.scalars == [4, 5, 6])
    }
}
