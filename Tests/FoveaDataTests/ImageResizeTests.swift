// Image preparation: bilinear resizing matches Pillow byte for byte (golden values from
// Scripts/make_resize_fixture.py), colour conversion uses Pillow's luma, the centre crop sits where
// torchvision puts it, and the whole ImageNet transform matches torchvision's on a small picture.

import FoveaData
import Foundation
import Testing

@Suite struct ImageResizeTests {
    // A 7×5 grey image and Pillow's `resize((w, h), BILINEAR)` of it (Scripts/make_resize_fixture.py).
    let source: [UInt8] = [0, 37, 74, 111, 148, 185, 222, 61, 121, 181, 241, 45, 246, 50, 122, 205, 32, 0, 83, 51, 134, 183, 33, 24,
                           130, 121, 112, 218, 244, 117, 131, 145, 159, 173, 46]
    let pillow: [(height: Int, width: Int, pixels: [UInt8])] = [
        (2, 3, [91, 120, 142, 124, 103, 128]),
        (9, 11, [0, 17, 40, 64, 87, 111, 135, 158, 182, 205, 222, 20, 41, 69, 98, 126, 154, 129, 139, 197, 183, 165, 54, 80, 116, 154, 190,
                 227, 118, 106, 223, 146, 69, 88, 120, 154, 127, 122, 134, 88, 88, 151, 120, 87, 122, 160, 189, 79, 20, 0, 53, 74, 54, 96,
                 134, 156, 135, 102, 50, 44, 72, 92, 99, 87, 137, 181, 190, 123, 42, 37, 71, 132, 127, 124, 120, 163, 199, 224, 162, 89, 93,
                 112, 140, 144, 148, 152, 126, 103, 244, 186, 118, 127, 136, 145, 154, 163, 172, 104, 46]),
        (8, 4, [19, 77, 145, 203, 51, 125, 143, 173, 96, 178, 135, 132, 134, 98, 80, 108, 140, 57, 75, 119, 114, 55, 118, 164, 152, 98, 142,
                133, 184, 132, 158, 106]),
        (3, 7, [26, 73, 120, 167, 104, 211, 148, 122, 148, 63, 82, 83, 108, 134, 218, 81, 85, 139, 143, 147, 120]),
    ]

    @Test func bilinearResizeMatchesPillowShrinkingAndEnlarging() throws {
        let image = try PlanarImage(channels: 1, height: 5, width: 7, pixels: source)
        for case let (h, w, expected) in pillow {
            #expect(try image.resized(height: h, width: w).pixels == expected, "\(h)×\(w)")
        }
        // Every channel is resized alike; the same size is the image itself.
        let two = try PlanarImage(channels: 2, height: 5, width: 7, pixels: source + source)
        #expect(try two.resized(height: 2, width: 3).pixels == pillow[0].pixels + pillow[0].pixels)
        #expect(try image.resized(height: 5, width: 7) == image)
        #expect(throws: DataError.self) { try image.resized(height: 0, width: 3) }
    }

    @Test func shorterSideAndCentreCropFollowTorchvision() throws {
        let wide = try PlanarImage(channels: 1, height: 200, width: 300, pixels: [UInt8](repeating: 9, count: 60_000))
        let resized = try wide.resized(shorterSide: 256)
        #expect(resized.height == 256 && resized.width == 384 && resized.pixels.allSatisfy { $0 == 9 })
        // (5 − 2) / 2 = 1.5 rounds to 2 (half to even), (4 − 2) / 2 = 1.
        let ramp = try PlanarImage(channels: 1, height: 4, width: 5, pixels: (0..<20).map(UInt8.init))
        #expect(try ramp.centreCropped(to: 2).pixels == [7, 8, 12, 13])
        #expect(throws: DataError.self) { try ramp.centreCropped(to: 5) }
    }

    @Test func coloursConvertAsPillowConvertsThem() throws {
        let rgb = try PNGImage(width: 3, height: 1, channels: 3, pixels: [255, 0, 0, 10, 200, 30, 91, 92, 250])
        #expect(try PlanarImage(rgb, channels: 1).pixels == [76, 124, 110])  // Pillow's convert("L")
        #expect(try PlanarImage(rgb, channels: 3).pixels == [255, 10, 91, 0, 200, 92, 0, 30, 250])
        let greyAlpha = try PNGImage(width: 2, height: 1, channels: 2, pixels: [7, 255, 9, 0])
        #expect(try PlanarImage(greyAlpha, channels: 3).pixels == [7, 9, 7, 9, 7, 9])  // alpha dropped, grey repeated
        #expect(throws: DataError.self) { try PlanarImage(rgb, channels: 2) }
    }

    @Test func imageNetTransformMatchesTorchvision() throws {
        var pixels: [UInt8] = []
        for y in 0..<6 { for x in 0..<9 { pixels += [UInt8((x * 29 + y * 7) % 256), UInt8((x * 11 + y * 53) % 256), UInt8((x * y * 17 + 40) % 256)] } }
        let tensor = try ImagePreprocessing.imageNet.tensor(for: PNGImage(width: 9, height: 6, channels: 3, pixels: pixels))
        #expect(tensor.shape == [1, 3, 224, 224])
        let values = tensor.scalars, plane = 224 * 224
        // torchvision 0.29: Resize(256), CenterCrop(224), ToTensor(), Normalize(ImageNet) on the PIL image.
        let means: [Float] = [0.168251, 0.012601, 0.411404]
        for c in 0..<3 {
            let mean = values[(c * plane)..<((c + 1) * plane)].reduce(0, +) / Float(plane)
            #expect(abs(mean - means[c]) < 1e-4, "channel \(c): \(mean)")
        }
        for (c, y, x, expected) in [(0, 0, 0, -1.432914), (1, 100, 37, 0.467787), (2, 223, 223, -0.235817), (0, 57, 190, 0.930302)] {
            #expect(abs(Double(values[c * plane + y * 224 + x]) - expected) < 1e-5, "(\(c), \(y), \(x))")
        }
    }

    @Test func datasetsConvertToTheChannelsAndSideAModelTakes() throws {
        let grey = ImageDataset.shapes(count: 3, seed: 1, size: 28)
        let converted = try grey.converted(channels: 3, side: 64)
        #expect(converted.shape == [3, 3, 64, 64] && converted.labels == grey.labels)
        let first = try converted.planarImage(at: 0)
        let expected = try grey.planarImage(at: 0).resized(height: 64, width: 64).pixels
        #expect(first.pixels == expected + expected + expected)
        #expect(try grey.converted(channels: 1, side: 28).pixels == grey.pixels)
    }
}
