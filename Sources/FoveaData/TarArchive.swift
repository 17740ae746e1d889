// TarArchive: a minimal reader of ustar and GNU tar archives held in memory — enough to take the
// CIFAR-10 files out of `cifar-10-binary.tar.gz` without running `tar`.
//
// It lists regular files only; directories, links and devices are passed over (nothing is ever
// created from them). Every header's checksum is verified, and an archive that ends before its data
// or without the end-of-archive zero block is called truncated. Entry names that are absolute or
// climb out with `..` make the whole archive refused, so a caller joining names to a directory can
// never write outside it. GNU long names (`L`) and pax `path` records (`x`) are honoured, so the name
// checked is the name any other tar would extract.

/// One regular file of a tar archive: its normalised path and its bytes (a slice of the archive).
public struct TarEntry: Sendable {
    /// The path inside the archive, relative, without `.` or empty components (`dir/file.bin`).
    public let path: String
    /// The file's bytes.
    public let contents: ArraySlice<UInt8>
}

/// The regular files of an uncompressed ustar or GNU tar archive, in archive order.
///
/// - Parameters:
///   - archive: the tar bytes (decompress a `.tar.gz` with `gunzip(_:path:)` first).
///   - path: the archive's name or address, used only in error messages.
/// - Returns: one ``TarEntry`` per regular file; a name that occurs twice occurs twice.
/// - Throws: ``DataError/truncatedArchive(path:reason:)`` when the bytes end inside a header, inside an
///   entry's data or before the end-of-archive block; ``DataError/invalidArchive(path:reason:)`` for a
///   header that is not ustar/GNU, a wrong header checksum, a bad number field, or an entry whose name
///   is empty, absolute or contains `..`.
public func tarEntries(_ archive: [UInt8], path: String = "<memory>") throws -> [TarEntry] {
    var entries: [TarEntry] = []
    var offset = 0
    var index = 0  // counts headers, for messages
    var pendingName: String?  // from a GNU `L` or pax `x` entry, for the header that follows
    while true {
        guard offset < archive.count else {
            throw DataError.truncatedArchive(path: path, reason: "it ends after \(offset) bytes without the end-of-archive block")
        }
        guard archive.count - offset >= tarBlock else {
            throw DataError.truncatedArchive(path: path, reason: "header \(index + 1) at byte \(offset) is cut short")
        }
        let header = archive[offset ..< offset + tarBlock]
        if header.allSatisfy({ $0 == 0 }) { return entries }  // end of archive; GNU pads after it
        index += 1
        let place = "header \(index) at byte \(offset)"
        try checkTarHeader(header, path: path, where: place)
        let size = try tarNumber(header, field: 124 ..< 136, path: path, what: "size of \(place)")
        let type = header[header.startIndex + 156]
        var name = pendingName ?? tarName(header)
        pendingName = nil
        let dataStart = offset + tarBlock
        // Links, directories and devices carry no data blocks whatever their size field says (as GNU tar
        // and Python's tarfile read them); everything else, including unknown types, is followed by `size` bytes.
        let hasData = !"123456".utf8.contains(type)
        guard !hasData || size <= archive.count - dataStart else {
            throw DataError.truncatedArchive(path: path, reason: "entry '\(name)' (\(place)) needs \(size) bytes of data, only \(archive.count - dataStart) remain")
        }
        let dataEnd = hasData ? dataStart + size : dataStart
        let data = archive[dataStart ..< dataEnd]
        switch type {
        case UInt8(ascii: "L"):  // GNU: the data is the next entry's full name
            pendingName = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
        case UInt8(ascii: "x"):  // pax: "LEN key=value\n" records; only `path` matters here
            pendingName = try paxPath(data, path: path, where: place)
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):  // regular (7: contiguous, also regular)
            name = try safeTarPath(name, path: path, where: place)
            guard !name.isEmpty else {
                throw DataError.invalidArchive(path: path, reason: "\(place) is a file with an empty name")
            }
            entries.append(TarEntry(path: name, contents: data))
        default:  // directory (`./` too), link, device, pax global header, GNU long link: nothing to extract
            if type != UInt8(ascii: "g") { _ = try safeTarPath(name, path: path, where: place) }
        }
        offset = dataStart + (dataEnd - dataStart + tarBlock - 1) / tarBlock * tarBlock
    }
}

/// Tar's unit: headers and data are laid out in 512-byte blocks.
private let tarBlock = 512

/// Refuses a header without the ustar magic or whose checksum does not match.
private func checkTarHeader(_ header: ArraySlice<UInt8>, path: String, where place: String) throws {
    let s = header.startIndex
    // "ustar\0" (POSIX) or "ustar " (GNU): both start with "ustar".
    guard header[(s + 257) ..< (s + 262)].elementsEqual("ustar".utf8) else {
        throw DataError.invalidArchive(path: path, reason: "\(place) is not a ustar or GNU tar header (no 'ustar' magic)")
    }
    let stored = try tarNumber(header, field: 148 ..< 156, path: path, what: "checksum of \(place)")
    // The checksum is the byte sum with its own field counted as eight spaces; some old tars summed
    // signed bytes, which tar implementations still accept.
    var unsigned = 0, signed = 0
    for (i, byte) in header.enumerated() {
        let b = (148 ..< 156).contains(i) ? UInt8(ascii: " ") : byte
        unsigned += Int(b)
        signed += Int(Int8(bitPattern: b))
    }
    guard stored == unsigned || stored == signed else {
        throw DataError.invalidArchive(path: path, reason: "\(place): header checksum \(stored) does not match the header's bytes (\(unsigned)); the archive is damaged")
    }
}

/// A numeric header field: octal digits (space or NUL padded), or GNU's base-256 for large values.
private func tarNumber(_ header: ArraySlice<UInt8>, field: Range<Int>, path: String, what: String) throws -> Int {
    let bytes = header[(header.startIndex + field.lowerBound) ..< (header.startIndex + field.upperBound)]
    let bad = DataError.invalidArchive(path: path, reason: "\(what) is not a valid tar number")
    if let first = bytes.first, first & 0x80 != 0 {
        guard first == 0x80 else { throw bad }  // 0xFF would be negative; other high bits never occur
        var value = 0
        for byte in bytes.dropFirst() {
            guard value <= (Int.max >> 8) else { throw bad }
            value = value << 8 | Int(byte)
        }
        return value
    }
    // A field of only spaces or NULs reads as 0, as Python's tarfile reads it.
    let digits = bytes.drop { $0 == UInt8(ascii: " ") }.prefix { $0 != 0 && $0 != UInt8(ascii: " ") }
    guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) }) else { throw bad }
    return digits.reduce(0) { $0 * 8 + Int($1 - UInt8(ascii: "0")) }  // at most 11 digits: no overflow
}

/// The name stored in the header itself: POSIX ustar puts a directory prefix in bytes 345..<500.
private func tarName(_ header: ArraySlice<UInt8>) -> String {
    let s = header.startIndex
    func text(_ range: Range<Int>) -> String {
        String(decoding: header[(s + range.lowerBound) ..< (s + range.upperBound)].prefix { $0 != 0 }, as: UTF8.self)
    }
    let name = text(0 ..< 100)
    // GNU headers ("ustar  \0") use that area for other fields, so only "ustar\0" has a prefix.
    guard header[s + 262] == 0 else { return name }
    let prefix = text(345 ..< 500)
    return prefix.isEmpty ? name : prefix + "/" + name
}

/// The `path` value of a pax extended header, or nil when it has none.
private func paxPath(_ data: ArraySlice<UInt8>, path: String, where place: String) throws -> String? {
    var rest = data
    var found: String?
    while let space = rest.firstIndex(of: UInt8(ascii: " ")) {
        // Each record is "LEN key=value\n", LEN counting the whole record.
        guard let length = Int(String(decoding: rest[rest.startIndex ..< space], as: UTF8.self)),
              length > space - rest.startIndex + 1, length <= rest.count,
              rest[rest.startIndex + length - 1] == UInt8(ascii: "\n") else {
            throw DataError.invalidArchive(path: path, reason: "\(place): malformed pax extended header record")
        }
        let record = String(decoding: rest[(space + 1) ..< (rest.startIndex + length - 1)], as: UTF8.self)
        if record.hasPrefix("path=") { found = String(record.dropFirst(5)) }
        rest = rest.dropFirst(length)
    }
    return found
}

/// `name` without `.` and empty components (so `./` becomes empty), or an error when it is absolute or uses `..`.
private func safeTarPath(_ name: String, path: String, where place: String) throws -> String {
    guard !name.hasPrefix("/") else {
        throw DataError.invalidArchive(path: path, reason: "entry '\(name)' (\(place)) has an absolute path; refusing to extract it")
    }
    let parts = name.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    guard !parts.contains("..") else {
        throw DataError.invalidArchive(path: path, reason: "entry '\(name)' (\(place)) climbs out of the archive with '..'; refusing to extract it")
    }
    return parts.joined(separator: "/")
}
