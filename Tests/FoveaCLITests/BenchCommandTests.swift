// `fovea bench` end to end: the case list, a one-repeat JSON run of the whole-model cases (batch 1
// only, to stay fast) and the `--memory` report.

import Foundation
import Testing

@Suite struct BenchCommandTests {
    /// The whole-model cases, with the FLOPs each must report: 2 per multiply-add; a training
    /// step counts forward, weight gradients and all input gradients but the first layer's.
    static let modelCases: [(name: String, flops: Double)] = [
        ("train_small_cnn_b64", 2 * 32_568_064 * 64),
        ("train_lenet5_b64", 2 * 1_131_960 * 64),
        ("train_small_vgg_b64", 2 * 57_057_792 * 64),
        ("alexnet_infer_b1", 2 * 714_188_480),
        ("alexnet_infer_b16", 2 * 714_188_480 * 16),
        ("googlenet_infer_b1", 2 * 1_498_376_192),
        ("googlenet_infer_b16", 2 * 1_498_376_192 * 16),
    ]

    @Test func casesAreListedAndCheckedAndTheReferenceHasThem() throws {
        let help = try runFovea(["bench", "--help"])
        #expect(help.status == 0, "\(help.error)")
        let reference = try String(contentsOf: Self.repository.appendingPathComponent("Scripts/bench_reference.py"), encoding: .utf8)
        for name in Self.modelCases.map(\.name) {
            #expect(help.output.contains(name), "\(name) missing from --help")
            #expect(reference.contains("\"\(name)\""), "\(name) missing from Scripts/bench_reference.py")
        }
        let unknown = try runFovea(["bench", "--only", "no_such_case"])
        #expect(unknown.status != 0 && unknown.error.contains("no_such_case"))
    }

    @Test func modelCasesReportValidJSON() throws {
        let names = ["train_lenet5_b64", "alexnet_infer_b1", "googlenet_infer_b1"]
        let result = try runFovea(["bench", "--json", "--repeats", "1", "--threads", "1", "--only"] + names)
        #expect(result.status == 0, "\(result.error)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let cases = try #require(report["cases"] as? [[String: Any]])
        #expect(cases.compactMap { $0["name"] as? String } == names)
        for entry in cases {
            let name = entry["name"] as? String ?? "?"
            let expected = Self.modelCases.first { $0.name == name }?.flops
            #expect(entry["flops"] as? Double == expected, "\(name) flops")
            for field in ["medianMs", "minMs", "maxMs", "gflops", "peakGFLOPS", "percentOfPeak", "imagesPerSecond"] {
                let value = try #require(entry[field] as? Double, "\(name).\(field)")
                #expect(value > 0 && value.isFinite, "\(name).\(field) = \(value)")
            }
        }
    }

    @Test func memoryReportsPeakResidentMemoryAndAllocations() throws {
        let result = try runFovea(["bench", "--memory", "--json", "--memory-steps", "1", "--threads", "1"])
        #expect(result.status == 0, "\(result.error)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let memory = try #require(report["memory"] as? [String: Any])
        #expect(memory["name"] as? String == "train_small_cnn_b64")
        let start = try #require(memory["startResidentMiB"] as? Double)
        let peak = try #require(memory["peakResidentMiB"] as? Double)
        #expect(start > 0 && peak > start, "start \(start) MiB, peak \(peak) MiB")
        // Present (not null) means malloc is replaced and the counter saw a probe allocation.
        let calls = try #require(memory["allocationsPerStep"] as? Double)
        let bytes = try #require(memory["bytesPerStep"] as? Double)
        #expect(calls >= 0 && bytes >= 0)
        #expect((report["cases"] as? [Any])?.isEmpty == true)
    }

    /// The repository root, from this file's path (Tests/FoveaCLITests/…).
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}
