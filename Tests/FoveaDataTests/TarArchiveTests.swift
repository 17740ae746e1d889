// The tar reader: regular files out, everything unsafe or damaged refused with a message naming it.

import FoveaData
import Foundation
import Testing

@Suite struct TarArchiveTests {
    @Test func listsRegularFilesOnly() throws {
        let block = (0..<512).map { UInt8($0 % 251) }
        let archive = makeTar([
            TarMember(name: "./", type: "5"),
            TarMember(name: "batches/", type: "5"),
            TarMember(name: "batches/a.bin", contents: block),
            TarMember(name: "batches/link", type: "2", linkName: "../../outside"),  // never created, so harmless
            TarMember(name: "./batches//b.txt", contents: Array("hello\n".utf8)),
            TarMember(name: "empty", contents: []),
        ])
        let entries = try tarEntries(archive, path: "test.tar")
        #expect(entries.map(\.path) == ["batches/a.bin", "batches/b.txt", "empty"])
        #expect(Array(entries[0].contents) == block && Array(entries[1].contents) == Array("hello\n".utf8))
        #expect(entries[2].contents.isEmpty)
    }

    @Test(arguments: ["long-name-gnu.tar.gz", "long-name-pax.tar.gz", "long-name-ustar.tar.gz"])
    func readsWhatPythonsTarfileWrites(fixtureName: String) throws {
        let path = try fixture(fixtureName)
        let entries = try tarEntries(readDataFile(atPath: path), path: path)
        let long = "cifar-10-batches-bin/" + String(repeating: "a-long-directory-name/", count: 5) + "data-with-a-long-name.bin"
        #expect(entries.map(\.path) == [long, "cifar-10-batches-bin/short.txt"])
        #expect(Array(entries[0].contents) == (0..<100).map { UInt8($0) })
        #expect(Array(entries[1].contents) == Array("hello\n".utf8))
    }

    @Test(arguments: ["../evil.bin", "batches/../../evil.bin", "/etc/evil.bin", "..", "/"])
    func refusesNamesOutsideTheArchive(name: String) throws {
        for type: Character in ["0", "5"] {
            let archive = makeTar([TarMember(name: "ok.bin", contents: [1]), TarMember(name: name, type: type, contents: [])])
            #expect { try tarEntries(archive, path: "evil.tar") } throws: { error in
                guard case let DataError.invalidArchive(path, reason) = error else { return false }
                return path == "evil.tar" && reason.contains("'\(name)'") && "\(error)".contains("refusing")
            }
        }
    }

    @Test func refusesADamagedHeader() throws {
        var archive = makeTar([TarMember(name: "a.bin", contents: [1, 2, 3])])
        archive[0] = UInt8(ascii: "b")  // the name changes, the stored checksum does not
        #expect { try tarEntries(archive, path: "bad.tar") } throws: { error in
            guard case let DataError.invalidArchive(path, reason) = error else { return false }
            return path == "bad.tar" && reason.contains("header 1") && reason.contains("checksum")
        }
        var size = makeTar([TarMember(name: "a.bin", contents: [1, 2, 3])])
        size[124] = UInt8(ascii: "9")  // not an octal digit (checksum fixed up below so only the size is wrong)
        size.replaceSubrange(0..<512, with: withTarChecksum(Array(size[0..<512])))
        #expect { try tarEntries(size, path: "bad.tar") } throws: { error in
            "\(error)".contains("size of header 1") && "\(error)".contains("not a valid tar number")
        }
        let notTar = [UInt8](repeating: UInt8(ascii: "x"), count: 2048)
        #expect { try tarEntries(notTar, path: "x.tar") } throws: { error in
            guard case let DataError.invalidArchive(_, reason) = error else { return false }
            return reason.contains("ustar")
        }
    }

    @Test func refusesATruncatedArchive() throws {
        let archive = makeTar([TarMember(name: "a.bin", contents: [UInt8](repeating: 7, count: 1000)),
                               TarMember(name: "b.bin", contents: [1])])
        // Cut inside a's data, inside b's header, and just before the end-of-archive blocks.
        let cuts = [(700, "a.bin"), (1536 + 100, "header 2"), (archive.count - 1024, "end-of-archive"), (0, "end-of-archive")]
        for (length, named) in cuts {
            #expect { try tarEntries(Array(archive.prefix(length)), path: "cut.tar") } throws: { error in
                guard case let DataError.truncatedArchive(path, reason) = error else { return false }
                return path == "cut.tar" && reason.contains(named)
            }
        }
        // One zero block is enough to end an archive (as GNU tar accepts it).
        #expect(try tarEntries(Array(archive.dropLast(512))).count == 2)
    }
}
