// Image folders: a dataset from a directory of PNG files with one sub-folder per class, as
// torchvision's `ImageFolder`. Class names are the sub-folder names sorted; labels index them.

import Foundation

extension ImageDataset {
    /// The PNG images under `root/<class>/*.png`, labelled by sub-folder.
    ///
    /// Class names are the sub-folders' names in sorted order; files are read in sorted order within
    /// each. Grey, grey + alpha, RGB and RGBA files are accepted; alpha is dropped, so images have 1 or 3
    /// channels. Every image must have the same width, height and channel count as the first one read.
    /// Files not ending in `.png` (any case) and hidden entries are ignored.
    /// - Parameter root: the directory holding one sub-folder per class.
    /// - Throws: ``DataError/fileNotFound(path:)`` for a missing root,
    ///   ``DataError/invalidArgument(name:value:reason:)`` when there is no class folder or a class has no PNG,
    ///   ``DataError/imageSizeMismatch(path:found:expected:firstPath:)`` naming the odd file, and any PNG error.
    public static func imageFolder(path root: String) throws -> ImageDataset {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError.fileNotFound(path: root)
        }
        func entries(_ directory: String) throws -> [String] {
            do { return try manager.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }.sorted() } catch {
                throw DataError.unreadable(path: directory, reason: error.localizedDescription)
            }
        }
        let classes = try entries(root).filter {
            var dir: ObjCBool = false
            return manager.fileExists(atPath: (root as NSString).appendingPathComponent($0), isDirectory: &dir) && dir.boolValue
        }
        guard !classes.isEmpty else {
            throw DataError.invalidArgument(name: "image folder", value: root, reason: "holds no class sub-folders (expected ROOT/<class>/<image>.png)")
        }
        var pixels: [UInt8] = [], labels: [Int32] = []
        var first: (path: String, width: Int, height: Int, channels: Int)?
        for (label, name) in classes.enumerated() {
            let folder = (root as NSString).appendingPathComponent(name)
            let files = try entries(folder).filter { $0.lowercased().hasSuffix(".png") }
            guard !files.isEmpty else {
                throw DataError.invalidArgument(name: "class folder", value: folder, reason: "holds no .png files")
            }
            for file in files {
                let path = (folder as NSString).appendingPathComponent(file)
                let png = try PNGImage.read(path: path)
                let colour = png.channels >= 3 ? 3 : 1
                if let first {
                    guard png.width == first.width, png.height == first.height, colour == first.channels else {
                        throw DataError.imageSizeMismatch(path: path, found: "\(png.width)×\(png.height)×\(colour)",
                                                          expected: "\(first.width)×\(first.height)×\(first.channels)", firstPath: first.path)
                    }
                } else {
                    first = (path, png.width, png.height, colour)
                }
                // Interleaved HWC (with optional alpha) → planar CHW.
                let plane = png.width * png.height
                var chw = [UInt8](repeating: 0, count: colour * plane)
                for i in 0..<plane { for c in 0..<colour { chw[c * plane + i] = png.pixels[i * png.channels + c] } }
                pixels += chw
                labels.append(Int32(label))
            }
        }
        let f = first!
        return try ImageDataset(pixels: pixels, labels: labels, channels: f.channels, height: f.height, width: f.width, classNames: classes)
    }
}
