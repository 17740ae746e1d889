// PNG: round trips for every channel count, files from an independent encoder (Pillow, with
// row filters), damaged files refused with the reason, and tensors rendered as pictures.

import Foundation
import FoveaData
import Testing

@Suite struct PNGImageTests {
    private func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures"))
    }

    @Test(arguments: [1, 2, 3, 4]) func roundTrip(channels: Int) throws {
        let (w, h) = (7, 5)
        let pixels = (0..<(w * h * channels)).map { UInt8(($0 * 31 + 7) % 256) }
        let image = try PNGImage(width: w, height: h, channels: channels, pixels: pixels)
        #expect(try PNGImage.decode(image.encoded()) == image)
    }

    @Test func decodesFilteredFilesFromAnotherEncoder() throws {
        let expected = try JSONDecoder().decode([String: [UInt8]].self, from: Data(contentsOf: URL(fileURLWithPath: try fixture("png-pixels.json"))))
        let rgb = try PNGImage.read(path: try fixture("rgb-5x4.png"))
        #expect(rgb.width == 5 && rgb.height == 4 && rgb.channels == 3)
        #expect(rgb.pixels == expected["rgb"])
        let grey = try PNGImage.read(path: try fixture("grey-7x3.png"))
        #expect(grey.channels == 1 && grey.pixels == expected["grey"])
    }

    @Test func damagedFilesAreRefusedWithTheReason() throws {
        let good = try PNGImage(width: 3, height: 2, channels: 1, pixels: [0, 1, 2, 3, 4, 5]).encoded()
        func reason(_ bytes: [UInt8]) -> String {
            do { _ = try PNGImage.decode(bytes, path: "x.png"); return "" } catch { return "\(error)" }
        }
        #expect(reason(Array(good.dropFirst())).contains("signature"))
        var flipped = good; flipped[good.count - 20] ^= 0xFF
        #expect(reason(flipped).contains("CRC") || reason(flipped).contains("damaged"))
        #expect(reason(Array(good.prefix(good.count - 30))).contains("x.png"))
        #expect(throws: DataError.self) { try PNGImage.read(path: "/nonexistent/picture.png") }
    }

    @Test func writingIsAtomicAndReadable() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let image = try PNGImage.grey(Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5]))
        #expect(image.pixels == [0, 51, 102, 153, 204, 255])
        try image.write(to: path)
        #expect(try PNGImage.read(path: path) == image)
        #expect(throws: DataError.self) { try image.write(to: "/nonexistent-dir/picture.png") }
    }

    @Test func gridLaysOutMapsWithBorders() throws {
        let maps = try Tensor(shape: [3, 2, 2], scalars: [0, 1, 2, 3, 0, 0, 0, 1, 5, 5, 5, 5])
        let grid = try PNGImage.grid(maps, columns: 2)
        #expect(grid.width == 2 * 3 + 1 && grid.height == 2 * 3 + 1)
        #expect(grid.pixels[1 * grid.width + 1] == 0 && grid.pixels[2 * grid.width + 2] == 255)
    }
}
