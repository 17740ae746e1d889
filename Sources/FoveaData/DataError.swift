// DataError: everything that can go wrong while finding, reading and batching data.
// Each case carries the file and the value at fault, and prints as one line that says what to do.

/// A dataset file or a data argument was refused. Each case names the file (or argument) and the value at fault.
///
/// Printing an error (`"\(error)"`) gives one line suitable for a command-line message.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No file (or directory) exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but could not be read (permissions, a directory, an I/O error).
    case unreadable(path: String, reason: String)
    /// The gzip stream ends before its end-of-stream marker: the file was cut short.
    case truncatedGzip(path: String)
    /// The gzip stream is damaged; `message` is zlib's own diagnosis (for example "incorrect data check").
    case corruptGzip(path: String, message: String)
    /// The first bytes are not an IDX magic number. `found` holds the bytes read (up to four).
    case wrongMagic(path: String, found: [UInt8], expected: String)
    /// The IDX element-type byte is one Fovea does not read (only 0x08, unsigned byte, is supported).
    case unsupportedElementType(path: String, typeCode: UInt8)
    /// The IDX header is shorter than its own dimension count says it is.
    case truncatedHeader(path: String, neededBytes: Int, actualBytes: Int)
    /// The product of the IDX dimensions does not match the payload that follows the header.
    case sizeMismatch(path: String, dimensions: [Int], expectedBytes: Int, actualBytes: Int)
    /// The IDX file has a rank the reader did not expect (images need 3 or 4 dimensions, labels 1).
    case wrongRank(path: String, dimensions: [Int], expected: String)
    /// An image file and a label file hold different numbers of items.
    case countMismatch(imagesPath: String, imageCount: Int, labelsPath: String, labelCount: Int)
    /// A label is outside `0..<classCount`.
    case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)
    /// A dataset could not be found in any of the places searched.
    case datasetNotFound(name: String, searched: [String], hint: String)
    /// Fetching `url` failed (no network, HTTP error, …).
    case downloadFailed(url: String, reason: String)
    /// A downloaded file's MD5 digest is not the one its publisher gives.
    case checksumMismatch(url: String, expected: String, actual: String)
    /// An argument value is not allowed (for example a batch size of 0).
    case invalidArgument(name: String, value: String, reason: String)
    /// A PNG file is damaged or uses a feature Fovea does not read; `reason` says which.
    case invalidImage(path: String, reason: String)
    /// A binary file's length is not what its format needs (for example not a whole number of CIFAR-10 records).
    case wrongFileSize(path: String, size: Int, reason: String)
    /// A tar archive ends early: inside a header, inside an entry's data, or before its end-of-archive block.
    case truncatedArchive(path: String, reason: String)
    /// A tar archive is damaged, not ustar/GNU, or holds an entry Fovea refuses to extract (absolute or `..` path);
    /// also an archive that lacks a file it should contain.
    case invalidArchive(path: String, reason: String)
    /// An image in a folder dataset differs in size or channels from the first one read.
    case imageSizeMismatch(path: String, found: String, expected: String, firstPath: String)

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            return "\(path): no such file"
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .truncatedGzip(path):
            return "\(path): gzip data ends early (the file is truncated; download or copy it again)"
        case let .corruptGzip(path, message):
            return "\(path): corrupt gzip data: \(message)"
        case let .wrongMagic(path, found, expected):
            return "\(path): not an IDX file: magic bytes are \(hex(found)), expected \(expected)"
        case let .unsupportedElementType(path, code):
            return "\(path): IDX element type 0x\(hexByte(code)) (\(idxTypeName(code))) is not supported; only 0x08 (unsigned byte) is"
        case let .truncatedHeader(path, needed, actual):
            return "\(path): IDX header needs \(needed) bytes but the file holds only \(actual)"
        case let .sizeMismatch(path, dims, expected, actual):
            return "\(path): IDX dimensions \(dims) need \(expected) bytes of data after the header, the file has \(actual)"
        case let .wrongRank(path, dims, expected):
            return "\(path): IDX dimensions \(dims) have rank \(dims.count), expected \(expected)"
        case let .invalidImage(path, reason):
            return "\(path): not a PNG image Fovea can read: \(reason)"
        case let .wrongFileSize(path, size, reason):
            return "\(path): \(size) bytes: \(reason)"
        case let .truncatedArchive(path, reason):
            return "\(path): tar archive is truncated: \(reason) (download or copy it again)"
        case let .invalidArchive(path, reason):
            return "\(path): not a tar archive Fovea can use: \(reason)"
        case let .imageSizeMismatch(path, found, expected, firstPath):
            return "\(path): image is \(found), but \(firstPath) is \(expected); every image of a folder dataset must have the same size and channels"
        case let .countMismatch(imagesPath, imageCount, labelsPath, labelCount):
            return "\(imagesPath) holds \(imageCount) images but \(labelsPath) holds \(labelCount) labels"
        case let .labelOutOfRange(path, index, label, classCount):
            return "\(path): label \(label) at index \(index) is outside 0..<\(classCount)"
        case let .datasetNotFound(name, searched, hint):
            let places = searched.isEmpty ? "nowhere" : searched.joined(separator: ", ")
            return "dataset '\(name)' not found; looked in: \(places); \(hint)"
        case let .downloadFailed(url, reason):
            return "download of \(url) failed: \(reason)"
        case let .checksumMismatch(url, expected, actual):
            return "\(url): MD5 \(actual) does not match the published \(expected); the download is damaged or not the expected file"
        case let .invalidArgument(name, value, reason):
            return "invalid \(name) \(value): \(reason)"
        }
    }
}

/// Bytes as space-separated two-digit hex, e.g. `1f 8b 08`.
func hex(_ bytes: [UInt8]) -> String {
    bytes.isEmpty ? "(none: the file is empty)" : bytes.map(hexByte).joined(separator: " ")
}

/// One byte as two hex digits.
func hexByte(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
}

/// The IDX format's name for an element-type code.
func idxTypeName(_ code: UInt8) -> String {
    switch code {
    case 0x08: return "unsigned byte"
    case 0x09: return "signed byte"
    case 0x0B: return "short"
    case 0x0C: return "int"
    case 0x0D: return "float"
    case 0x0E: return "double"
    default: return "unknown type"
    }
}

extension DataError: LocalizedError {
    public var errorDescription: String? { description }
}

import Foundation
