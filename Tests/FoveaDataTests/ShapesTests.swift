// The built-in `shapes` dataset: determinism, balance, pixel statistics, placement and speed.

import FoveaData
import Foundation
import Testing

@Suite struct ShapesTests {
    @Test func sameSeedSameBytesDifferentSeedsDiffer() {
        let a = ImageDataset.shapes(count: 500, seed: 1)
        let b = ImageDataset.shapes(count: 500, seed: 1)
        let c = ImageDataset.shapes(count: 500, seed: 2)
        #expect(a.pixels == b.pixels && a.labels == b.labels)
        #expect(a.pixels != c.pixels && a.labels != c.labels)
        let train = ImageDataset.shapes(split: .train, count: 100, seed: 5)
        let test = ImageDataset.shapes(split: .test, count: 100, seed: 5)
        #expect(train.pixels == ImageDataset.shapes(count: 100, seed: 5).pixels)
        #expect(train.pixels != test.pixels)
    }

    @Test(arguments: [0, 1, 10, 1_000, 1_005])
    func classesAreBalanced(count: Int) {
        let dataset = ImageDataset.shapes(count: count, seed: 3)
        #expect(dataset.count == count && dataset.pixels.count == count * 28 * 28)
        let expected = (0..<10).map { count / 10 + ($0 < count % 10 ? 1 : 0) }
        #expect(dataset.classCounts == expected)
        #expect(dataset.classNames.count == 10 && dataset.classNames[5] == "plus")
    }

    @Test func pixelsShowAGlyphOnADarkBackground() throws {
        let dataset = ImageDataset.shapes(count: 400, seed: 11)
        #expect(dataset.channels == 1 && dataset.height == 28 && dataset.width == 28)
        for i in 0..<dataset.count {
            let image = try dataset.image(at: i)
            let sorted = image.sorted()
            // Background (median of the darkest half) is dark, the glyph is bright.
            #expect(sorted[image.count / 4] < 80, "image \(i): background too bright")
            #expect(sorted[image.count - 8] > 120, "image \(i): no bright glyph")
        }
    }

    @Test func glyphsStayInsideAndMoveAround() throws {
        // Brightness-weighted centres of the glyph spread over the image: translation matters.
        let dataset = ImageDataset.shapes(count: 300, seed: 4)
        var centres: [Float] = []
        for i in 0..<dataset.count {
            let image = try dataset.image(at: i)
            var weight: Float = 0, x: Float = 0
            for (k, p) in image.enumerated() where p > 120 {
                weight += Float(p); x += Float(p) * Float(k % 28)
            }
            if weight > 0 { centres.append(x / weight) }
            // The border rows and columns hold mostly background.
            var brightBorder = 0
            for k in 0..<28 {
                let edge: [UInt8] = [image[k], image[27 * 28 + k], image[k * 28], image[k * 28 + 27]]
                brightBorder += edge.filter { $0 > 140 }.count
            }
            #expect(brightBorder <= 8, "image \(i): glyph leaves the image")
        }
        #expect((centres.max() ?? 0) - (centres.min() ?? 0) > 8)
    }

    @Test func normalisationConstantsMatchTheData() {
        let statistics = ImageDataset.shapes(count: 5_000, seed: 21).pixelStatistics()
        #expect(close(statistics.mean, ImageDataset.shapesNormalization.mean, tolerance: 0.01))
        #expect(close(statistics.std, ImageDataset.shapesNormalization.std, tolerance: 0.01))
        #expect(ImageDataset.shapes(count: 0, seed: 1).pixelStatistics() == (0, 0))
    }

    @Test func otherSizesAndDegenerateArguments() {
        let large = ImageDataset.shapes(count: 20, seed: 9, size: 64)
        #expect(large.height == 64 && large.width == 64 && large.pixels.count == 20 * 64 * 64)
        #expect(ImageDataset.shapes(count: -5, seed: 1).count == 0)
        #expect(ImageDataset.shapes(count: 3, seed: 1, size: 2).height == ImageDataset.shapesMinimumSize)
    }

    @Test func tenThousandImagesGenerateQuickly() {
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = ImageDataset.shapes(count: 10_000, seed: 42) }
        print("shapes: 10,000 images 28×28 in \(elapsed)")
        #expect(elapsed < .seconds(1))
    }
}
