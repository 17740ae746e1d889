// The `shapes` pixel-labelling data: the same images as `shapes`, labels on the glyph only.

import FoveaData
import Testing

@Suite struct ShapesSegmentationTests {
    @Test func imagesMatchShapesAndMasksMarkTheGlyph() throws {
        let segmentation = ImageDataset.shapesSegmentation(count: 40, seed: 3)
        let plain = ImageDataset.shapes(count: 40, seed: 3)
        #expect(segmentation.images.pixels == plain.pixels && segmentation.images.labels == plain.labels)
        #expect(segmentation.classNames.count == 11 && segmentation.classNames[0] == "background")
        let plane = 28 * 28
        for i in 0..<40 {
            let mask = segmentation.masks[(i * plane)..<((i + 1) * plane)]
            let glyph = UInt8(plain.labels[i] + 1)
            #expect(mask.allSatisfy { $0 == 0 || $0 == glyph }, "image \(i) has a foreign label")
            let covered = mask.filter { $0 == glyph }.count
            #expect(covered >= 10 && covered < plane / 2, "image \(i): \(covered) glyph pixels")
        }
        #expect(try segmentation.pixelLabels(indices: [1]).count == plane)
        #expect(throws: DataError.self) { try segmentation.pixelLabels(indices: [40]) }
    }
}
