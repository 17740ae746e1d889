// PNG reading and writing over zlib: 8-bit grey, grey+alpha, RGB and RGBA, non-interlaced — what
// Fovea's pictures (kernels, feature maps, edges) and image-folder datasets need.
// Writing is atomic: a temporary file in the same directory, then a rename.

import CZlib
import Foundation

/// An 8-bit image: `height × width × channels` bytes, row-major, channels interleaved
/// (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA).
public struct PNGImage: Equatable, Sendable {
    public let width: Int, height: Int, channels: Int
    public let pixels: [UInt8]

    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` when sizes and pixel count disagree.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        guard width >= 1, height >= 1, (1...4).contains(channels), pixels.count == width * height * channels else {
            throw DataError.invalidArgument(name: "PNG image", value: "\(width)×\(height)×\(channels), \(pixels.count) bytes",
                                            reason: "needs positive sizes, 1–4 channels and width·height·channels bytes")
        }
        (self.width, self.height, self.channels, self.pixels) = (width, height, channels, pixels)
    }

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let colorTypes: [Int: UInt8] = [1: 0, 2: 4, 3: 2, 4: 6]

    /// The PNG file's bytes (every row with filter 0, zlib at the default level).
    public func encoded() throws -> [UInt8] {
        var raw = [UInt8](); raw.reserveCapacity(height * (1 + width * channels))
        for row in 0..<height {
            raw.append(0)
            raw += pixels[(row * width * channels)..<((row + 1) * width * channels)]
        }
        var bound = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(bound))
        let status = compressed.withUnsafeMutableBufferPointer { out in
            raw.withUnsafeBufferPointer { compress2(out.baseAddress, &bound, $0.baseAddress, uLong(raw.count), Z_DEFAULT_COMPRESSION) }
        }
        guard status == Z_OK else { throw DataError.invalidArgument(name: "PNG image", value: "\(width)×\(height)", reason: "zlib failed (\(status))") }
        var header = [UInt8]()
        header += Self.bigEndian(UInt32(width)) + Self.bigEndian(UInt32(height))
        header += [8, Self.colorTypes[channels]!, 0, 0, 0]
        var file = Self.signature
        file += Self.chunk("IHDR", header)
        file += Self.chunk("IDAT", Array(compressed[..<Int(bound)]))
        file += Self.chunk("IEND", [])
        return file
    }

    /// Writes the image to `path` atomically (no partial file is ever left at `path`).
    /// - Throws: ``DataError/unreadable(path:reason:)`` when the file cannot be written.
    public func write(to path: String) throws {
        let data = Data(try encoded())
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw DataError.unreadable(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// Reads a PNG file.
    /// - Throws: ``DataError`` for a missing file or a damaged or unsupported PNG (naming the problem).
    public static func read(path: String) throws -> PNGImage {
        guard FileManager.default.fileExists(atPath: path) else { throw DataError.fileNotFound(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError.unreadable(path: path, reason: "no access") }
        return try decode([UInt8](data), path: path)
    }

    /// Decodes PNG bytes (8-bit depth, non-interlaced, colour types grey/grey+alpha/RGB/RGBA).
    /// - Throws: ``DataError/invalidImage(path:reason:)`` naming what is wrong.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws -> PNGImage {
        func fail(_ reason: String) -> DataError { .invalidImage(path: path, reason: reason) }
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw fail("the PNG signature is missing") }
        var offset = 8, header: [UInt8]?, idat = [UInt8]()
        while offset + 12 <= bytes.count {
            let length = Int(readBigEndian(bytes, offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard length >= 0, offset + 12 + length <= bytes.count else { throw fail("chunk \(type) runs past the end of the file") }
            let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let crc = bytes.withUnsafeBufferPointer { p in UInt32(crc32(0, p.baseAddress! + offset + 4, uInt(length + 4))) }
            guard crc == readBigEndian(bytes, offset + 8 + length) else { throw fail("chunk \(type) has a bad CRC") }
            if type == "IHDR" { header = body } else if type == "IDAT" { idat += body } else if type == "IEND" { break }
            offset += 12 + length
        }
        guard let h = header, h.count == 13 else { throw fail("no IHDR chunk") }
        let width = Int(readBigEndian(h, 0)), height = Int(readBigEndian(h, 4))
        guard h[8] == 8 else { throw fail("bit depth \(h[8]); only 8-bit images are read") }
        guard let channels = colorTypes.first(where: { $0.value == h[9] })?.key else { throw fail("colour type \(h[9]) (palette images are not read)") }
        guard h[12] == 0 else { throw fail("interlaced images are not read") }
        guard width >= 1, height >= 1, width <= 1 << 15, height <= 1 << 15 else { throw fail("size \(width)×\(height)") }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var rawCount = uLong(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            idat.withUnsafeBufferPointer { uncompress(out.baseAddress, &rawCount, $0.baseAddress, uLong(idat.count)) }
        }
        guard status == Z_OK, Int(rawCount) == raw.count else { throw fail("the image data is damaged or short (zlib \(status))") }
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)]
            for i in 0..<stride {
                let x = raw[row * (stride + 1) + 1 + i]
                let a = i >= channels ? Int(pixels[row * stride + i - channels]) : 0
                let b = row > 0 ? Int(pixels[(row - 1) * stride + i]) : 0
                let c = row > 0 && i >= channels ? Int(pixels[(row - 1) * stride + i - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw fail("row \(row) has unknown filter \(filter)")
                }
                pixels[row * stride + i] = UInt8(truncatingIfNeeded: Int(x) + predictor)
            }
        }
        return try PNGImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    private static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        let crc = typed.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt(typed.count))) }
        return bigEndian(UInt32(body.count)) + typed + bigEndian(crc)
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    private static func readBigEndian(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
}
