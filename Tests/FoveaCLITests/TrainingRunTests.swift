// Training runs end to end: resume continues bit for bit, Ctrl-C saves and exits 0, a diverging
// run stops naming the parameter and keeps its last good checkpoint, and a checkpoint save killed
// with SIGKILL never damages the previous checkpoint.

import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct TrainingRunTests {
    private let quickRun = ["train", "--dataset", "shapes", "--limit", "512", "--epochs", "3", "--batch-size", "64",
                            "--threads", "2", "--seed", "7", "--log-every", "1"]

    @Test func resumeIsBitIdenticalAtAnEpochBoundaryAndMidEpoch() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let straight = try runFovea(quickRun + ["--out", dir.path, "--name", "straight"])
        #expect(straight.status == 0, "\(straight.error)")
        let expected = try metricsWithoutTimes(dir.appendingPathComponent("straight"))
        #expect(expected.filter { $0.contains("\"kind\":\"epoch\"") }.count == 3)
        #expect(expected.count == 3 + 24, "\(expected)")  // 8 steps per epoch, a line per step

        // 16 steps = 2 whole epochs, then resume for the 3rd; 11 steps stops inside epoch 2.
        for (name, stop) in [("boundary", 16), ("mid-epoch", 11)] {
            let first = try runFovea(quickRun + ["--out", dir.path, "--name", name, "--debug-stop-after-steps", "\(stop)"])
            #expect(first.status == 0, "\(first.error)")
            #expect(first.output.contains("continue with: fovea train --resume \(dir.path)/\(name)"), "\(first.output)")
            let resumed = try runFovea(["train", "--resume", dir.appendingPathComponent(name).path])
            #expect(resumed.status == 0, "\(resumed.error)")
            let metrics = try metricsWithoutTimes(dir.appendingPathComponent(name))
            #expect(metrics == expected, "\(name): \(metrics) vs \(expected)")
            let model = try Data(contentsOf: dir.appendingPathComponent("\(name)/model.safetensors"))
            #expect(model == (try Data(contentsOf: dir.appendingPathComponent("straight/model.safetensors"))), "\(name): final weights differ")
        }
    }

    @Test func resumeRefusesChangedSettingsAndMissingRuns() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try runFovea(["train", "--resume", dir.path, "--lr", "0.1"])
        #expect(result.status != 0 && result.error.contains("--lr cannot be changed"), "\(result.error)")
        let missing = try runFovea(["train", "--resume", dir.path])
        #expect(missing.status != 0 && missing.error.contains("no checkpoint.safetensors"), "\(missing.error)")
        let model = try runFovea(["train", "--model", "inception-3a-naive"])
        #expect(model.status != 0 && model.error.contains("small-cnn, small-vgg, lenet5, alexnet, googlenet, rcn"), "\(model.error)")
    }

    @Test func ctrlCFinishesTheStepSavesAndExitsZero() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = Process()
        process.executableURL = try foveaExecutable()
        process.arguments = ["train", "--dataset", "shapes", "--limit", "8192", "--epochs", "2", "--out", dir.path, "--name", "run"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("batch 1/") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGINT)
        text += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("continue with: fovea train --resume \(dir.path)/run"), "\(text)")
        let checkpoint = try SafetensorsProbe(url: dir.appendingPathComponent("run/checkpoint.safetensors"))
        #expect(Int(checkpoint.metadata["global_step"] ?? "") ?? 0 >= 1, "\(checkpoint.metadata)")
        #expect(checkpoint.tensors.keys.contains("model.0.weight"))
    }

    @Test func divergenceStopsNamingTheParameterAndKeepsTheCheckpoint() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try runFovea(["train", "--dataset", "shapes", "--limit", "512", "--lr", "1e9", "--schedule", "constant",
                                   "--out", dir.path, "--name", "run"])
        #expect(result.status != 0)
        #expect(result.error.contains("training stopped at step"), "\(result.error)")
        #expect(result.error.contains("parameter '") || result.error.contains("the loss became"), "\(result.error)")
        #expect(result.error.contains("Last good checkpoint kept: \(dir.path)/run/checkpoint.safetensors"), "\(result.error)")
        let checkpoint = try SafetensorsProbe(url: dir.appendingPathComponent("run/checkpoint.safetensors"))
        for (name, values) in checkpoint.tensors { #expect(values.allSatisfy { $0.isFinite }, "\(name) is not finite") }
    }

    @Test func killingASaveNeverDamagesThePreviousCheckpoint() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let checkpoint = dir.appendingPathComponent("loop/checkpoint.safetensors")
        var generator = SystemRandomNumberGenerator()
        var killedMidSave = 0
        var seenLeftovers = Set<String>()
        for round in 0..<30 {
            let process = Process()
            process.executableURL = try foveaExecutable()
            process.arguments = ["train", "--debug-save-loop", "--out", dir.path, "--name", "loop"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            while !FileManager.default.fileExists(atPath: checkpoint.path) { usleep(1_000) }
            usleep(UInt32.random(in: 20_000...300_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: checkpoint.deletingLastPathComponent().path)
                .filter { $0 != "checkpoint.safetensors" }
            if !Set(leftovers).subtracting(seenLeftovers).isEmpty { killedMidSave += 1 }
            seenLeftovers.formUnion(leftovers)
            #expect(leftovers.allSatisfy { $0.hasPrefix(".checkpoint.safetensors.tmp-") }, "round \(round): \(leftovers)")
            let probe = try SafetensorsProbe(url: checkpoint)
            let saved = Float(probe.metadata["global_step"] ?? "") ?? -1
            #expect(saved >= 1, "round \(round): \(probe.metadata)")
            for (name, values) in probe.tensors where name.hasPrefix("model.") {
                #expect(values.allSatisfy { $0 == saved }, "round \(round): \(name) is not all \(saved)")
            }
        }
        print("SIGKILL landed during a save (temporary file left) in \(killedMidSave) of 30 rounds")
    }
}

/// A strict reader of a whole safetensors file of F32 tensors (independent of Fovea's own).
struct SafetensorsProbe {
    var metadata: [String: String] = [:]
    var tensors: [String: [Float]] = [:]

    struct Malformed: Error, CustomStringConvertible { let description: String }

    init(url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count >= 8 else { throw Malformed(description: "\(url.path): \(bytes.count) bytes") }
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard 8 + headerLength <= bytes.count,
              let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any] else {
            throw Malformed(description: "\(url.path): bad header")
        }
        let dataStart = 8 + headerLength
        var end = 0
        for (name, value) in header {
            if name == "__metadata__" { metadata = value as? [String: String] ?? [:]; continue }
            guard let entry = value as? [String: Any], entry["dtype"] as? String == "F32",
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2,
                  offsets[1] - offsets[0] == 4 * shape.reduce(1, *), dataStart + offsets[1] <= bytes.count else {
                throw Malformed(description: "\(url.path): bad entry \(name)")
            }
            end = max(end, offsets[1])
            tensors[name] = stride(from: dataStart + offsets[0], to: dataStart + offsets[1], by: 4).map { i in
                Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
            }
        }
        guard dataStart + end == bytes.count else { throw Malformed(description: "\(url.path): \(bytes.count - dataStart - end) stray bytes") }
    }
}
