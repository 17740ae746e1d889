// DataLoader augmentation: deterministic per (seed, epoch, index), and doing what it says.

import Foundation
import Testing
import FoveaData

@Suite struct AugmentationTests {
    /// 40 images 1×4×4 holding 1…16 (distinct, no zeros), labels 0.
    func ramps() throws -> ImageDataset {
        try ImageDataset(pixels: (0..<40).flatMap { _ in (1...16).map(UInt8.init) }, labels: [Int32](repeating: 0, count: 40),
                         channels: 1, height: 4, width: 4, classNames: ["x"])
    }

    func pictures(_ loader: DataLoader, epoch: Int) -> [Int: [Float]] {
        var byIndex: [Int: [Float]] = [:]
        for batch in loader.batches(epoch: epoch) {
            let s = batch.images.scalars
            for (slot, index) in batch.indices.enumerated() { byIndex[index] = Array(s[(slot * 16)..<((slot + 1) * 16)]) }
        }
        return byIndex
    }

    @Test func sameSeedEpochAndIndexGiveTheSamePictureWhateverTheBatching() throws {
        let augmentation = try Augmentation(cropPadding: 1, horizontalFlip: true)
        let a = try DataLoader(dataset: ramps(), batchSize: 8, shuffle: true, seed: 5, augmentation: augmentation)
        let b = try DataLoader(dataset: ramps(), batchSize: 3, shuffle: false, seed: 5, prefetch: true, augmentation: augmentation)
        #expect(pictures(a, epoch: 2) == pictures(b, epoch: 2))
        #expect(pictures(a, epoch: 2) != pictures(a, epoch: 3))
        let c = try DataLoader(dataset: ramps(), batchSize: 8, shuffle: true, seed: 6, augmentation: augmentation)
        #expect(pictures(a, epoch: 2) != pictures(c, epoch: 2))
    }

    @Test func cropsShiftWithZerosAndFlipsMirror() throws {
        let augmentation = try Augmentation(cropPadding: 1, horizontalFlip: true)
        let data = try ramps()
        let loader = try DataLoader(dataset: data, batchSize: 40, shuffle: false, seed: 9, augmentation: augmentation)
        let got = pictures(loader, epoch: 0)
        var shifted = 0, flipped = 0
        for index in 0..<40 {
            let choice = augmentation.choice(seed: 9, epoch: 0, index: index)
            #expect((-1...1).contains(choice.dy) && (-1...1).contains(choice.dx))
            // Expected by the definition: out[y][x] = in[y + dy][x' + dx], x' = 3 − x when flipped, 0 outside.
            var expected = [Float](repeating: 0, count: 16)
            for y in 0..<4 { for x in 0..<4 {
                let sy = y + choice.dy, sx = (choice.flip ? 3 - x : x) + choice.dx
                if (0..<4).contains(sy) && (0..<4).contains(sx) { expected[y * 4 + x] = Float(sy * 4 + sx + 1) / 255 }
            } }
            #expect(got[index] == expected)
            if choice.dy != 0 || choice.dx != 0 { shifted += 1 }
            if choice.flip { flipped += 1 }
        }
        // 40 images: about 8/9 shifted and half flipped; both effects occur.
        #expect(shifted > 20 && flipped > 8 && flipped < 32)
        // Without augmentation the loader is unchanged (the default).
        let plain = try DataLoader(dataset: data, batchSize: 40, shuffle: false, seed: 9)
        #expect(pictures(plain, epoch: 0)[0] == (1...16).map { Float($0) / 255 })
        #expect(throws: DataError.self) { try Augmentation(cropPadding: -1) }
    }
}
