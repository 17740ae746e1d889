// The CIFAR-10 binary reader on tiny files written by the test: records, lookup order, refusals.

import Foundation
import Testing
import FoveaData

/// `count` records: label `i % 10`, red plane all `i`, green all `100 + i`, blue pixel k = k % 256.
func cifarRecords(_ count: Int, first: Int = 0) -> [UInt8] {
    var bytes: [UInt8] = []
    for r in first..<(first + count) {
        bytes.append(UInt8(r % 10))
        bytes += [UInt8](repeating: UInt8(r), count: 1024)
        bytes += [UInt8](repeating: UInt8(100 + r), count: 1024)
        bytes += (0..<1024).map { UInt8($0 % 256) }
    }
    return bytes
}

/// Writes a full CIFAR-10 folder (five training files of 2 records, a test file of 3) into `directory`.
func writeCIFARFixture(in directory: String) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for b in 1...5 { try Data(cifarRecords(2, first: 2 * (b - 1))).write(to: URL(fileURLWithPath: "\(directory)/data_batch_\(b).bin")) }
    try Data(cifarRecords(3)).write(to: URL(fileURLWithPath: "\(directory)/test_batch.bin"))
}

@Suite struct CIFAR10Tests {
    @Test func readsRecordsAsCHWImages() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeCIFARFixture(in: dir + "/cifar-10-batches-bin")
        let test = try ImageDataset.cifar10(split: .test, directory: dir)
        #expect(test.shape == [3, 3, 32, 32] && test.labels == [0, 1, 2] && test.classNames[1] == "automobile")
        let image = try test.image(at: 2)
        #expect(image[0] == 2 && image[1023] == 2 && image[1024] == 102 && image[2048 + 300] == UInt8(300 % 256))
        let train = try ImageDataset.cifar10(split: .train, directory: dir)
        #expect(train.count == 10 && train.labels == (0..<10).map { Int32($0) })
    }

    @Test func lookupFollowsTheFashionMNISTOrder() throws {
        let home = try makeTemporaryDirectory(), env = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home); try? FileManager.default.removeItem(atPath: env) }
        let places = CIFAR10.searchDirectories(environment: ["FOVEA_DATA": env, "HOME": home], systemRoot: "/sys-root")
        #expect(places == ["\(env)/cifar10", "\(env)/cifar10/cifar-10-batches-bin", env, "\(env)/cifar-10-batches-bin",
                           "\(home)/.cache/fovea/cifar10", "\(home)/.cache/fovea/cifar10/cifar-10-batches-bin",
                           "/sys-root/cifar10", "/sys-root/cifar10/cifar-10-batches-bin"])
        try writeCIFARFixture(in: "\(home)/.cache/fovea/cifar10")
        let found = try CIFAR10.locate(split: .test, environment: ["FOVEA_DATA": env, "HOME": home], systemRoot: "/sys-root")
        #expect(found == ["\(home)/.cache/fovea/cifar10/test_batch.bin"])
        #expect(throws: DataError.self) { try CIFAR10.locate(split: .test, directory: env) }
    }

    @Test func badFilesAreRefusedNamingTheFile() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cut = dir + "/cut.bin"
        try Data(cifarRecords(2).dropLast(5)).write(to: URL(fileURLWithPath: cut))
        #expect { try CIFAR10.read(paths: [cut]) } throws: { error in
            guard case let DataError.wrongFileSize(path, size, _) = error else { return false }
            return path == cut && size == 2 * 3073 - 5 && "\(error)".contains("3073")
        }
        let empty = dir + "/empty.bin"
        try Data().write(to: URL(fileURLWithPath: empty))
        #expect(throws: DataError.self) { try CIFAR10.read(paths: [empty]) }
        var badLabel = cifarRecords(2)
        badLabel[3073] = 10
        let label = dir + "/label.bin"
        try Data(badLabel).write(to: URL(fileURLWithPath: label))
        #expect(throws: DataError.labelOutOfRange(path: label, index: 1, label: 10, classCount: 10)) { try CIFAR10.read(paths: [label]) }
        #expect(throws: DataError.fileNotFound(path: dir + "/none.bin")) { try CIFAR10.read(paths: [dir + "/none.bin"]) }
    }
}
