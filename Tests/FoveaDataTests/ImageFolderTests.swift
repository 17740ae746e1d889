// Image-folder datasets: classes from sorted sub-folders, CHW pixels, and refusals.

import Foundation
import Testing
import FoveaData

@Suite struct ImageFolderTests {
    func write(_ png: PNGImage, _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try png.write(to: path)
    }

    @Test func classesAreSortedFoldersAndPixelsBecomeCHW() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // 2×1 RGB images: pixel 0 = (v, v+1, v+2), pixel 1 = (v+3, v+4, v+5).
        func rgb(_ v: UInt8) throws -> PNGImage { try PNGImage(width: 2, height: 1, channels: 3, pixels: (0..<6).map { v + $0 }) }
        try write(rgb(10), root + "/zebra/a.png")
        try write(rgb(20), root + "/ant/b.png")
        try write(rgb(30), root + "/ant/a.png")
        try Data("ignored".utf8).write(to: URL(fileURLWithPath: root + "/ant/notes.txt"))
        let data = try ImageDataset.imageFolder(path: root)
        #expect(data.classNames == ["ant", "zebra"] && data.labels == [0, 0, 1])
        #expect(data.shape == [3, 3, 1, 2])
        #expect(try data.image(at: 0) == [30, 33, 31, 34, 32, 35])  // ant/a.png first, planes R, G, B
    }

    @Test func oddImagesAndEmptyFoldersAreRefused() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: DataError.self) { try ImageDataset.imageFolder(path: root) }  // no class folders
        #expect(throws: DataError.fileNotFound(path: root + "/none")) { try ImageDataset.imageFolder(path: root + "/none") }
        let grey = try PNGImage(width: 3, height: 3, channels: 1, pixels: [UInt8](repeating: 5, count: 9))
        try write(grey, root + "/a/1.png")
        try write(PNGImage(width: 4, height: 3, channels: 1, pixels: [UInt8](repeating: 5, count: 12)), root + "/b/odd.png")
        #expect { try ImageDataset.imageFolder(path: root) } throws: { error in
            "\(error)".contains("b/odd.png") && "\(error)".contains("4×3×1") && "\(error)".contains("3×3×1")
        }
        try FileManager.default.removeItem(atPath: root + "/b/odd.png")
        #expect { try ImageDataset.imageFolder(path: root) } throws: { "\($0)".contains("holds no .png files") }
    }
}
