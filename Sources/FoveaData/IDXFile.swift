// IDXFile: the IDX array format of MNIST and Fashion-MNIST (raw or gzip-compressed).
//
// Layout (all integers big-endian): 2 zero bytes, 1 element-type byte (0x08 unsigned byte, 0x09 signed
// byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double), 1 byte giving the number of dimensions n,
// then n 32-bit dimension sizes, then the elements in row-major order. Fovea reads type 0x08 only.

/// An IDX file of unsigned bytes: its dimensions and its payload.
///
/// ```swift
/// let images = try IDXFile.read(path: "t10k-images-idx3-ubyte.gz")   // dimensions [10000, 28, 28]
/// ```
public struct IDXFile: Sendable, Equatable {
    /// The size of each dimension, outermost first (e.g. `[count, height, width]`).
    public let dimensions: [Int]
    /// The elements in row-major order; `bytes.count` is the product of `dimensions`.
    public let bytes: [UInt8]

    /// The element-type code of unsigned bytes, the only type Fovea reads.
    public static let unsignedByteType: UInt8 = 0x08

    /// An IDX array from dimensions and bytes that fill them.
    /// - Throws: ``DataError/sizeMismatch(path:dimensions:expectedBytes:actualBytes:)`` when they do not.
    public init(dimensions: [Int], bytes: [UInt8]) throws {
        let expected = try IDXFile.elementCount(dimensions, path: "<memory>", actual: bytes.count)
        guard expected == bytes.count else {
            throw DataError.sizeMismatch(path: "<memory>", dimensions: dimensions, expectedBytes: expected, actualBytes: bytes.count)
        }
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// Reads an IDX file, decompressing it first when it starts with the gzip magic bytes.
    ///
    /// - Parameter path: the file, raw (`…-ubyte`) or gzip (`…-ubyte.gz`); the name does not matter.
    /// - Throws: ``DataError`` naming `path`: not found, unreadable, truncated or corrupt gzip,
    ///   wrong magic, unsupported element type, truncated header, or dimensions that disagree with the size.
    public static func read(path: String) throws -> IDXFile {
        var file = try readDataFile(atPath: path)
        let (dimensions, headerSize) = try parseHeader(file, path: path)
        file.removeFirst(headerSize)  // in place: `file` is not shared, so the payload is not copied
        return IDXFile(validatedDimensions: dimensions, bytes: file)
    }

    /// Parses the (already decompressed) bytes of an IDX file.
    ///
    /// - Parameters:
    ///   - file: the whole file: header and payload.
    ///   - path: where the bytes came from, used only in error messages.
    /// - Throws: ``DataError`` as for ``read(path:)``, apart from the file-system and gzip errors.
    public init(parsing file: [UInt8], path: String) throws {
        let (dimensions, headerSize) = try IDXFile.parseHeader(file, path: path)
        self.init(validatedDimensions: dimensions, bytes: Array(file[headerSize...]))
    }

    private init(validatedDimensions dimensions: [Int], bytes: [UInt8]) {
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// Checks the header of a whole IDX file against its size.
    /// - Returns: the dimensions and the header's length in bytes (where the payload starts).
    private static func parseHeader(_ file: [UInt8], path: String) throws -> (dimensions: [Int], headerSize: Int) {
        guard file.count >= 4, file[0] == 0, file[1] == 0 else {
            throw DataError.wrongMagic(path: path, found: Array(file.prefix(4)),
                                       expected: "00 00 08 0n (two zero bytes, type 0x08, n dimensions)")
        }
        let typeCode = file[2]
        guard typeCode == IDXFile.unsignedByteType else {
            throw DataError.unsupportedElementType(path: path, typeCode: typeCode)
        }
        let rank = Int(file[3])
        let headerSize = 4 + 4 * rank
        guard file.count >= headerSize else {
            throw DataError.truncatedHeader(path: path, neededBytes: headerSize, actualBytes: file.count)
        }
        var dimensions: [Int] = []
        dimensions.reserveCapacity(rank)
        for d in 0..<rank {
            let o = 4 + 4 * d
            dimensions.append(Int(file[o]) << 24 | Int(file[o + 1]) << 16 | Int(file[o + 2]) << 8 | Int(file[o + 3]))
        }
        let actual = file.count - headerSize
        let expected = try elementCount(dimensions, path: path, actual: actual)
        guard expected == actual else {
            throw DataError.sizeMismatch(path: path, dimensions: dimensions, expectedBytes: expected, actualBytes: actual)
        }
        return (dimensions, headerSize)
    }

    /// The product of `dimensions`, or a size-mismatch error when it overflows.
    private static func elementCount(_ dimensions: [Int], path: String, actual: Int) throws -> Int {
        var product = 1
        for d in dimensions {
            let (next, overflow) = product.multipliedReportingOverflow(by: d)
            guard !overflow, d >= 0 else {
                throw DataError.sizeMismatch(path: path, dimensions: dimensions, expectedBytes: Int.max, actualBytes: actual)
            }
            product = next
        }
        return product
    }

    /// The bytes of an IDX file holding this array (header and payload), as written to disk.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = [0, 0, IDXFile.unsignedByteType, UInt8(truncatingIfNeeded: dimensions.count)]
        for d in dimensions {
            let v = UInt32(truncatingIfNeeded: d)
            out += [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
        }
        out += bytes
        return out
    }
}
