// Gzip: reading dataset files that may be gzip-compressed, with zlib.
// A file is gzip when it starts with the magic bytes 1f 8b, whatever its name; otherwise it is read as is.

import CZlib
import Foundation

/// Whether `bytes` start with the gzip magic number `1f 8b`.
public func isGzip<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
    var iterator = bytes.makeIterator()
    return iterator.next() == 0x1F && iterator.next() == 0x8B
}

/// Decompresses gzip data (one or more concatenated members, as `gzip` itself accepts).
///
/// - Parameters:
///   - data: the compressed bytes, starting with the gzip header.
///   - path: the file the bytes came from, used only in error messages.
/// - Returns: the decompressed bytes of all members, in order.
/// - Throws: ``DataError/truncatedGzip(path:)`` when the stream ends before its end marker,
///   ``DataError/corruptGzip(path:message:)`` with zlib's message for damaged data (bad header,
///   invalid deflate block, CRC or length mismatch, bytes after the last member).
public func gunzip(_ data: [UInt8], path: String = "<memory>") throws -> [UInt8] {
    try data.withUnsafeBytes { try gunzip(raw: $0, path: path) }
}

/// Decompresses gzip data held in `Data`, without copying it first. Same behaviour and errors as the `[UInt8]` overload.
public func gunzip(_ data: Data, path: String = "<memory>") throws -> [UInt8] {
    try data.withUnsafeBytes { try gunzip(raw: $0, path: path) }
}

/// Reads a whole file, decompressing it when it starts with the gzip magic bytes.
///
/// - Parameter path: the file to read.
/// - Returns: the file's bytes, decompressed if the file is gzip.
/// - Throws: ``DataError/fileNotFound(path:)``, ``DataError/unreadable(path:reason:)``, or the
///   errors of `gunzip(_:path:)`.
public func readDataFile(atPath path: String) throws -> [UInt8] {
    let data = try readWholeFile(atPath: path)
    if isGzip(data) { return try gunzip(data, path: path) }
    return [UInt8](data)
}

/// Compresses bytes into one gzip member (the inverse of `gunzip`; used to write caches and in tests).
///
/// - Parameters:
///   - bytes: the data to compress.
///   - level: zlib's compression level, 0 (store) … 9 (smallest); −1 is zlib's default (6).
/// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for a level outside −1…9.
public func gzip(_ bytes: [UInt8], level: Int = -1) throws -> [UInt8] {
    guard (-1...9).contains(level) else {
        throw DataError.invalidArgument(name: "gzip level", value: "\(level)", reason: "must be in -1...9")
    }
    guard bytes.count <= Int(UInt32.max) else {
        throw DataError.invalidArgument(name: "gzip input", value: "of \(bytes.count) bytes", reason: "larger than 4 GiB")
    }
    var stream = z_stream()
    var status = deflateInit2_(&stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else {
        throw DataError.invalidArgument(name: "gzip level", value: "\(level)", reason: "zlib refused it (code \(status))")
    }
    defer { deflateEnd(&stream) }
    let bound = Int(deflateBound(&stream, uLong(bytes.count))) + 32
    var output = [UInt8](repeating: 0, count: bound)
    var produced = 0
    bytes.withUnsafeBufferPointer { input in
        output.withUnsafeMutableBufferPointer { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress
            stream.avail_out = uInt(out.count)
            status = deflate(&stream, Z_FINISH)
            produced = out.count - Int(stream.avail_out)
        }
    }
    guard status == Z_STREAM_END else {
        throw DataError.invalidArgument(name: "gzip input", value: "of \(bytes.count) bytes", reason: "zlib could not compress it (code \(status))")
    }
    output.removeLast(output.count - produced)
    return output
}

/// The file's bytes as `Data` (memory-mapped when safe), or a `DataError` naming the path.
func readWholeFile(atPath path: String) throws -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw DataError.fileNotFound(path: path)
    }
    if isDirectory.boolValue { throw DataError.unreadable(path: path, reason: "it is a directory") }
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
    } catch {
        throw DataError.unreadable(path: path, reason: error.localizedDescription)
    }
}

/// The largest count handed to zlib at once (its counters are 32-bit).
private let zlibChunk = 1 << 30

/// The core of `gunzip(_:path:)` over raw bytes.
func gunzip(raw input: UnsafeRawBufferPointer, path: String) throws -> [UInt8] {
    guard let inputBase = input.baseAddress, input.count > 0 else { throw DataError.truncatedGzip(path: path) }

    // The trailer's ISIZE (uncompressed size mod 2^32) is a good first guess for a single member;
    // capped, because a truncated file's last four bytes are not a trailer.
    var guess = input.count * 4 + 4096
    if input.count >= 18 {
        let t = input.count - 4
        let isize = Int(input[t]) | Int(input[t + 1]) << 8 | Int(input[t + 2]) << 16 | Int(input[t + 3]) << 24
        guess = max(min(isize, input.count * 8 + 4096), 64)
    }
    var stream = z_stream()
    let initStatus = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else {
        throw DataError.corruptGzip(path: path, message: "zlib could not start (code \(initStatus))")
    }
    defer { inflateEnd(&stream) }
    let bytes = inputBase.assumingMemoryBound(to: Bytef.self)
    stream.next_in = UnsafeMutablePointer(mutating: bytes)
    stream.avail_in = 0
    let inflater = Inflater(input: UnsafeBufferPointer(start: bytes, count: input.count), path: path)

    // Inflate straight into uninitialised arrays (no zero-filling pass). Usually the first one, sized by
    // ISIZE, holds everything; otherwise more are added, each twice as large, and joined at the end.
    var pieces: [[UInt8]] = []
    var capacity = guess
    var finished = false
    while !finished {
        let piece = try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            initialized = 0
            finished = try inflater.fill(buffer, initialized: &initialized, stream: &stream)
        }
        pieces.append(piece)
        capacity = max(capacity * 2, 64)
    }
    if pieces.count == 1 { return pieces[0] }
    var output: [UInt8] = []
    output.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
    for piece in pieces { output += piece }
    return output
}

/// Runs zlib's `inflate` over one input buffer, filling output buffers one at a time.
private struct Inflater {
    let input: UnsafeBufferPointer<Bytef>
    let path: String

    /// Bytes of the input not yet consumed by zlib (including those waiting in `avail_in`).
    func remaining(_ stream: z_stream) -> Int {
        guard let base = input.baseAddress else { return 0 }
        return input.count - base.distance(to: UnsafePointer(stream.next_in))
    }

    /// Inflates into `buffer` from position `initialized` on.
    /// - Returns: `true` when all gzip members have ended, `false` when `buffer` is full first.
    func fill(_ buffer: UnsafeMutableBufferPointer<UInt8>, initialized: inout Int, stream: inout z_stream) throws -> Bool {
        guard let out = buffer.baseAddress else { return false }
        while true {
            if initialized == buffer.count { return false }
            if stream.avail_in == 0 { stream.avail_in = uInt(min(remaining(stream), zlibChunk)) }
            let room = min(buffer.count - initialized, zlibChunk)
            stream.next_out = out + initialized
            stream.avail_out = uInt(room)
            let status = inflate(&stream, Z_NO_FLUSH)
            initialized += room - Int(stream.avail_out)

            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                let left = remaining(stream)
                if left == 0 { return true }
                let next = UnsafeBufferPointer(start: UnsafePointer(stream.next_in), count: left)
                if isGzip(next) {  // another member follows
                    inflateReset(&stream)
                    continue
                }
                if next.allSatisfy({ $0 == 0 }) { return true }  // zero padding, which gzip(1) also ignores
                throw DataError.corruptGzip(path: path, message: "\(left) unexpected bytes after the end of the gzip data")
            case Z_BUF_ERROR:
                // No progress possible: either the output is full (the caller grows it) or the input ran out.
                if stream.avail_out == 0 { continue }
                if remaining(stream) == 0 { throw DataError.truncatedGzip(path: path) }
                continue
            case Z_DATA_ERROR:
                throw DataError.corruptGzip(path: path, message: zlibMessage(stream, code: status))
            case Z_NEED_DICT:
                throw DataError.corruptGzip(path: path, message: "the stream asks for a preset dictionary")
            case Z_MEM_ERROR:
                throw DataError.unreadable(path: path, reason: "out of memory while decompressing")
            default:
                throw DataError.corruptGzip(path: path, message: zlibMessage(stream, code: status))
            }
        }
    }
}

/// zlib's message for the last error, or the bare status code when it gave none.
private func zlibMessage(_ stream: z_stream, code: Int32) -> String {
    if let message = stream.msg { return String(cString: message) }
    return "zlib error \(code)"
}
