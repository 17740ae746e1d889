// A tiny ustar writer for tests: it can make the archives a real tar would refuse to (names with
// `..`, absolute names), which the reader must refuse too. Fixtures made by Python's tarfile check
// the reader against another implementation (Fixtures/make_fixtures.py).

/// One member of a test archive. `type` is the ustar type flag: "0" file, "5" directory, "2" symlink.
struct TarMember {
    var name: String
    var type: Character = "0"
    var contents: [UInt8] = []
    var linkName = ""
}

/// A POSIX ustar archive of `members` (names up to 100 bytes), closed by two zero blocks.
func makeTar(_ members: [TarMember]) -> [UInt8] {
    var archive: [UInt8] = []
    for member in members {
        archive += tarHeader(member)
        archive += member.contents
        archive += [UInt8](repeating: 0, count: (512 - member.contents.count % 512) % 512)
    }
    return archive + [UInt8](repeating: 0, count: 1024)
}

/// The 512-byte header of `member`, with a correct checksum.
func tarHeader(_ member: TarMember) -> [UInt8] {
    var header = [UInt8](repeating: 0, count: 512)
    func put(_ text: String, at offset: Int) {
        for (i, byte) in text.utf8.enumerated() { header[offset + i] = byte }
    }
    func octal(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 8)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
    put(member.name, at: 0)
    put(octal(0o644, digits: 7), at: 100)
    put(octal(0, digits: 7), at: 108)
    put(octal(0, digits: 7), at: 116)
    put(octal(member.contents.count, digits: 11), at: 124)
    put(octal(0, digits: 11), at: 136)
    put(String(member.type), at: 156)
    put(member.linkName, at: 157)
    put("ustar", at: 257)  // then NUL: POSIX magic
    put("00", at: 263)
    return withTarChecksum(header)
}

/// `header` with its checksum field (bytes 148..<156) set to the byte sum: six octal digits, NUL, space.
func withTarChecksum(_ header: [UInt8]) -> [UInt8] {
    var header = header
    header.replaceSubrange(148..<156, with: Array("        ".utf8))  // the sum counts its own field as spaces
    let digits = Array(String(header.reduce(0) { $0 + Int($1) }, radix: 8).utf8)
    header.replaceSubrange(148..<154, with: [UInt8](repeating: UInt8(ascii: "0"), count: 6 - digits.count) + digits)
    header[154] = 0
    return header
}
