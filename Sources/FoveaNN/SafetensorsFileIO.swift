// Reading safetensors files, and writing them atomically: the bytes go to a temporary file in
// the target's directory, which is flushed to disk (fsync) and then renamed over the target, and
// the directory is flushed too. A crash or an error at any point leaves either the old file or
// the new one, never a mixture, and no temporary file behind on error.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Safetensors {
    /// Writes `tensors` (as F32, sorted by name) and `metadata` to `path` atomically.
    /// - Parameters:
    ///   - tensors: the tensors by name, for example ``Layer/stateDict()``.
    ///   - metadata: strings stored under `__metadata__`.
    ///   - path: the file to create or replace.
    /// - Throws: ``CheckpointError/io(path:operation:reason:)`` when the directory is missing or not
    ///   writable, or a write, flush or rename fails (the previous file at `path`, if any, is then
    ///   unchanged); ``CheckpointError/invalidTensor(name:reason:)`` from ``encode(_:metadata:)``.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        let bytes = try encode(tensors, metadata: metadata)
        try writeAtomically(bytes, to: path)
    }

    /// The tensors of the safetensors file at `path`, as Float32.
    /// - Throws: ``CheckpointError/inFile(path:_:)`` wrapping the reason the file is malformed or
    ///   holds a non-float dtype, or ``CheckpointError/io(path:operation:reason:)`` when it cannot be read.
    public static func read(contentsOf path: String) throws -> [String: Tensor] {
        let file = try SafetensorsFile(contentsOf: path)
        do { return try file.tensors() } catch let error as CheckpointError { throw CheckpointError.inFile(path: path, error) }
    }

    /// Writes `bytes` to `path` through a temporary file in the same directory, fsync and rename.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]).isEmpty ? "/" : String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ioError(path, "creating a temporary file in \(directory)") }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var isOpen = true
        do {
            defer { if isOpen { close(fd) } }
            var written = 0
            while written < bytes.count {
                let result = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + written, $0.count - written) }
                if result < 0 {
                    if errno == EINTR { continue }
                    throw ioError(path, "writing \(temporary)")
                }
                written += result
            }
            guard fchmod(fd, 0o644) == 0 else { throw ioError(path, "setting permissions of \(temporary)") }
            guard fsync(fd) == 0 else { throw ioError(path, "flushing \(temporary) to disk") }
            isOpen = false
            guard close(fd) == 0 else { throw ioError(path, "closing \(temporary)") }
            guard rename(temporary, path) == 0 else { throw ioError(path, "renaming \(temporary) over it") }
        } catch {
            unlink(temporary)
            throw error
        }
        // Make the rename itself durable; the file is complete either way, so failures here are ignored.
        let directoryFD = systemOpen(directory, O_RDONLY | O_DIRECTORY)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// The whole file at `path`.
    static func readBytes(_ path: String) throws -> [UInt8] {
        let fd = systemOpen(path, O_RDONLY)
        guard fd >= 0 else { throw ioError(path, "opening") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ioError(path, "reading the size") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError.io(path: path, operation: "reading", reason: "not a regular file")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let result = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + done, $0.count - done) }
            if result < 0 {
                if errno == EINTR { continue }
                throw ioError(path, "reading")
            }
            if result == 0 { bytes.removeLast(bytes.count - done); break }
            done += result
        }
        return bytes
    }

    static func ioError(_ path: String, _ operation: String) -> CheckpointError {
        .io(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}

// Plain wrappers, so that the system calls are not shadowed by `Safetensors.write` and friends.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func systemOpen(_ path: String, _ flags: Int32) -> Int32 { open(path, flags) }

extension SafetensorsFile {
    /// Reads and validates the safetensors file at `path`.
    /// - Throws: ``CheckpointError/io(path:operation:reason:)`` when it cannot be read;
    ///   ``CheckpointError/inFile(path:_:)`` wrapping the reason it is malformed (see ``init(bytes:)``).
    public init(contentsOf path: String) throws {
        let bytes = try Safetensors.readBytes(path)
        do { try self.init(bytes: bytes) } catch let error as CheckpointError { throw CheckpointError.inFile(path: path, error) }
    }
}
