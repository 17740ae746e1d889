// IDX reader: the committed fixtures, raw and gzip, and every malformed variant.

import FoveaData
import Foundation
import Testing

@Suite struct IDXFileTests {
    let expectedPixels: [UInt8] = (0..<3).flatMap { i in (0..<20).map { UInt8(20 * i + $0) } }

    @Test(arguments: ["images.idx3-ubyte", "images.idx3-ubyte.gz", "gzip-no-suffix.idx3-ubyte", "multi-member.idx3-ubyte.gz"])
    func readsImages(name: String) throws {
        let file = try IDXFile.read(path: fixture(name))
        #expect(file.dimensions == [3, 4, 5])
        #expect(file.bytes == expectedPixels)
    }

    @Test func readsLabelsAndEncodesBack() throws {
        let raw = try IDXFile.read(path: fixture("labels.idx1-ubyte"))
        let compressed = try IDXFile.read(path: fixture("labels.idx1-ubyte.gz"))
        #expect(raw == compressed)
        #expect(raw.dimensions == [3] && raw.bytes == [2, 0, 1])
        #expect(raw.encoded() == (try fileBytes(fixture("labels.idx1-ubyte"))))
    }

    @Test func wrongMagicShowsTheBytesFound() throws {
        let path = try fixture("wrong-magic.idx3-ubyte")
        do {
            _ = try IDXFile.read(path: path)
            Issue.record("wrong magic accepted")
        } catch let error as DataError {
            guard case let .wrongMagic(errorPath, found, _) = error else { Issue.record("got \(error)"); return }
            #expect(errorPath == path && found == [0x50, 0x4B, 0x03, 0x04])
            #expect(error.description.contains("50 4b 03 04") && error.description.contains("00 00 08"))
        }
        #expect(throws: DataError.self) { try IDXFile(parsing: [], path: "empty") }
    }

    @Test func unsupportedElementTypeIsNamed() throws {
        let path = try fixture("float-type.idx3-ubyte")
        #expect(throws: DataError.unsupportedElementType(path: path, typeCode: 0x0D)) { try IDXFile.read(path: path) }
        #expect(DataError.unsupportedElementType(path: path, typeCode: 0x0D).description.contains("float"))
    }

    @Test func dimensionsThatDisagreeWithTheSize() throws {
        let path = try fixture("dims-mismatch.idx3-ubyte")
        let error = DataError.sizeMismatch(path: path, dimensions: [3, 4, 5], expectedBytes: 60, actualBytes: 59)
        #expect(throws: error) { try IDXFile.read(path: path) }
        #expect(error.description.contains("60") && error.description.contains("59"))
        let header = try fixture("truncated-header.idx3-ubyte")
        #expect(throws: DataError.truncatedHeader(path: header, neededBytes: 16, actualBytes: 12)) { try IDXFile.read(path: header) }
        // Overflowing dimensions are a size mismatch, not a crash.
        let huge: [UInt8] = [0, 0, 8, 3] + Array(repeating: 0xFF, count: 12)
        #expect(throws: DataError.self) { try IDXFile(parsing: huge, path: "huge") }
    }

    @Test func imageAndLabelCountsMustAgree() throws {
        let imagesPath = try fixture("images.idx3-ubyte"), labelsPath = try fixture("labels-two.idx1-ubyte")
        let images = try IDXFile.read(path: imagesPath), labels = try IDXFile.read(path: labelsPath)
        let error = DataError.countMismatch(imagesPath: imagesPath, imageCount: 3, labelsPath: labelsPath, labelCount: 2)
        #expect(throws: error) {
            try ImageDataset(images: images, labels: labels, classNames: BuiltInDataset.mnist.classNames,
                             imagesPath: imagesPath, labelsPath: labelsPath)
        }
        #expect(error.description.contains(imagesPath) && error.description.contains(labelsPath))
    }

    @Test func labelsOutsideTheClassesAreRefused() throws {
        let imagesPath = try fixture("images.idx3-ubyte"), labelsPath = try fixture("labels-out-of-range.idx1-ubyte")
        #expect(throws: DataError.labelOutOfRange(path: labelsPath, index: 1, label: 12, classCount: 10)) {
            try ImageDataset(images: IDXFile.read(path: imagesPath), labels: IDXFile.read(path: labelsPath),
                             classNames: BuiltInDataset.mnist.classNames, imagesPath: imagesPath, labelsPath: labelsPath)
        }
    }

    @Test func datasetFromFixtures() throws {
        let imagesPath = try fixture("images.idx3-ubyte.gz"), labelsPath = try fixture("labels.idx1-ubyte")
        let dataset = try ImageDataset(images: IDXFile.read(path: imagesPath), labels: IDXFile.read(path: labelsPath),
                                       classNames: BuiltInDataset.fashionMNIST.classNames, imagesPath: imagesPath, labelsPath: labelsPath)
        #expect(dataset.count == 3 && dataset.channels == 1 && dataset.height == 4 && dataset.width == 5)
        #expect(dataset.shape == [3, 1, 4, 5])
        #expect(try dataset.image(at: 1) == Array(expectedPixels[20..<40]))
        #expect(try dataset.label(at: 0) == 2)
        #expect(throws: DataError.self) { try dataset.image(at: 3) }
        #expect(throws: DataError.self) { try dataset.image(at: -1) }
        let subset = try dataset.subset([2, 2, 0])
        #expect(subset.labels == [1, 1, 2] && subset.pixels == Array(expectedPixels[40..<60] + expectedPixels[40..<60] + expectedPixels[0..<20]))
        #expect(throws: DataError.self) { try dataset.subset([0, 5]) }
        let batch = try dataset.batch(indices: [2, 0])
        #expect(batch.shape == [2, 1, 4, 5])
        #expect(close(batch.scalars[0], 40 / 255) && close(batch.scalars[20], 0) && close(batch.scalars[39], 19 / 255))
    }
}
