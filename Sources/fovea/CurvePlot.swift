// CurvePlot: learning curves — loss and accuracy per epoch, train and test — drawn two ways:
// `curves.svg` (hand-written SVG with axes, ticks, labels and a legend) and `curves.png` (lines
// rasterised with Bresenham's algorithm into a PNGImage, with axes and tick marks but no text).
// Both have the same layout: a loss panel on the left, an accuracy panel on the right.

import Foundation
import Fovea

/// One epoch's numbers, as a line of `metrics.jsonl`.
struct EpochRecord: Equatable {
    var epoch: Int
    var trainLoss: Double
    var trainAccuracy: Double
    var testAccuracy: Double
    /// Present when the run measured it.
    var testLoss: Double?

    /// Reads `metrics.jsonl`: one JSON object per line with "epoch", "trainLoss", "trainAccuracy",
    /// "testAccuracy" (and optionally "testLoss") — or the snake_case keys `fovea train` writes;
    /// lines whose "kind" is not "epoch" (per-step lines) and blank lines are skipped.
    /// - Throws: ``RunError`` naming the file and line of a missing file, bad JSON or a missing key.
    static func read(path: String) throws -> [EpochRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { throw RunError("\(path): no such metrics file") }
        var records: [EpochRecord] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw RunError("\(path):\(number + 1): not a JSON object")
            }
            if let kind = object["kind"] as? String, kind != "epoch" { continue }
            func value(_ key: String) throws -> Double {
                guard let n = (object[key] ?? object[snakeCase(key)]) as? NSNumber, n.doubleValue.isFinite else {
                    throw RunError("\(path):\(number + 1): no finite number \"\(key)\"")
                }
                return n.doubleValue
            }
            records.append(EpochRecord(epoch: Int(try value("epoch")), trainLoss: try value("trainLoss"),
                                       trainAccuracy: try value("trainAccuracy"), testAccuracy: try value("testAccuracy"),
                                       testLoss: ((object["testLoss"] ?? object["test_loss"]) as? NSNumber)?.doubleValue))
        }
        guard !records.isEmpty else { throw RunError("\(path): holds no epochs") }
        return records
    }
}

/// `trainLoss` → `train_loss`.
private func snakeCase(_ key: String) -> String {
    key.reduce(into: "") { out, c in
        if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
    }
}

/// Learning-curve pictures of a run.
enum CurvePlot {
    /// Picture size and panel layout shared by the SVG and the PNG.
    static let width = 800, height = 360
    static let plotWidth = 320, plotHeight = 260, top = 40, left = 60, panelStep = 400
    /// Train blue, test orange (matplotlib's first two colours).
    static let trainColour: (UInt8, UInt8, UInt8) = (31, 119, 180), testColour: (UInt8, UInt8, UInt8) = (255, 127, 14)

    /// One panel: its title, y range, and (name, colour, points) series.
    struct Panel {
        var title: String
        var yRange: ClosedRange<Double>
        var series: [(name: String, colour: (UInt8, UInt8, UInt8), values: [(x: Double, y: Double)])]
    }

    /// The two panels for `records`: loss (train, and test when every record has it) and accuracy (train, test).
    static func panels(_ records: [EpochRecord]) -> (xRange: ClosedRange<Double>, panels: [Panel]) {
        let epochs = records.map { Double($0.epoch) }
        let xLow = epochs.min() ?? 0, xHigh = epochs.max() ?? 1
        let xRange = xLow < xHigh ? xLow...xHigh : (xLow - 0.5)...(xHigh + 0.5)
        let testLosses = records.compactMap(\.testLoss)
        var loss = [(name: "train loss", colour: trainColour, values: records.map { (Double($0.epoch), $0.trainLoss) })]
        if testLosses.count == records.count { loss.append((name: "test loss", colour: testColour, values: records.map { (Double($0.epoch), $0.testLoss!) })) }
        let lossHigh = (records.map(\.trainLoss) + testLosses).max() ?? 1
        let accuracies = records.flatMap { [$0.trainAccuracy, $0.testAccuracy] }
        let accuracyHigh: Double = (accuracies.max() ?? 0) > 1 ? 100 : 1  // fractions or percentages
        return (xRange, [
            Panel(title: "loss", yRange: 0...(lossHigh > 0 ? lossHigh * 1.05 : 1), series: loss),
            Panel(title: "accuracy", yRange: 0...accuracyHigh, series: [
                (name: "train accuracy", colour: trainColour, values: records.map { (Double($0.epoch), $0.trainAccuracy) }),
                (name: "test accuracy", colour: testColour, values: records.map { (Double($0.epoch), $0.testAccuracy) })]),
        ])
    }

    /// Picture coordinates of a data point in panel `index`.
    static func point(_ p: (x: Double, y: Double), panel index: Int, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) -> (x: Int, y: Int) {
        let fx = (p.x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
        let fy = (min(max(p.y, yRange.lowerBound), yRange.upperBound) - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
        return (index * panelStep + left + Int((fx * Double(plotWidth)).rounded()), top + plotHeight - Int((fy * Double(plotHeight)).rounded()))
    }

    /// Five evenly spaced tick values over `range` (ends included).
    static func ticks(_ range: ClosedRange<Double>) -> [Double] {
        (0...4).map { range.lowerBound + Double($0) * (range.upperBound - range.lowerBound) / 4 }
    }

    /// The curves as an SVG document.
    static func svg(_ records: [EpochRecord]) -> String {
        let (xRange, panels) = panels(records)
        func hex(_ c: (UInt8, UInt8, UInt8)) -> String { String(format: "#%02x%02x%02x", c.0, c.1, c.2) }
        func label(_ v: Double) -> String { abs(v - v.rounded()) < 1e-9 ? String(Int(v.rounded())) : String(format: "%.2f", v) }
        var svg = [#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)" font-family="sans-serif" font-size="11">"#,
                   #"<rect width="\#(width)" height="\#(height)" fill="white"/>"#]
        for (i, panel) in panels.enumerated() {
            let x0 = i * panelStep + left, y1 = top + plotHeight
            svg.append(#"<text x="\#(x0 + plotWidth / 2)" y="\#(top - 16)" text-anchor="middle" font-size="14">\#(panel.title)</text>"#)
            svg.append(#"<path d="M\#(x0),\#(top) V\#(y1) H\#(x0 + plotWidth)" fill="none" stroke="black"/>"#)
            for t in ticks(panel.yRange) {
                let y = point((xRange.lowerBound, t), panel: i, xRange: xRange, yRange: panel.yRange).y
                svg.append(#"<line x1="\#(x0 - 5)" y1="\#(y)" x2="\#(x0)" y2="\#(y)" stroke="black"/><text x="\#(x0 - 8)" y="\#(y + 4)" text-anchor="end">\#(label(t))</text>"#)
            }
            for t in ticks(xRange) {
                let x = point((t, 0), panel: i, xRange: xRange, yRange: panel.yRange).x
                svg.append(#"<line x1="\#(x)" y1="\#(y1)" x2="\#(x)" y2="\#(y1 + 5)" stroke="black"/><text x="\#(x)" y="\#(y1 + 18)" text-anchor="middle">\#(label(t))</text>"#)
            }
            svg.append(#"<text x="\#(x0 + plotWidth / 2)" y="\#(y1 + 34)" text-anchor="middle">epoch</text>"#)
            for (s, series) in panel.series.enumerated() {
                let points = series.values.map { point($0, panel: i, xRange: xRange, yRange: panel.yRange) }
                svg.append(#"<polyline fill="none" stroke="\#(hex(series.colour))" stroke-width="2" points="\#(points.map { "\($0.x),\($0.y)" }.joined(separator: " "))"/>"#)
                for p in points { svg.append(#"<circle cx="\#(p.x)" cy="\#(p.y)" r="2.5" fill="\#(hex(series.colour))"/>"#) }
                let ly = top + 12 + 16 * s
                svg.append(#"<line x1="\#(x0 + plotWidth - 110)" y1="\#(ly - 4)" x2="\#(x0 + plotWidth - 90)" y2="\#(ly - 4)" stroke="\#(hex(series.colour))" stroke-width="2"/><text x="\#(x0 + plotWidth - 85)" y="\#(ly)">\#(series.name)</text>"#)
            }
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    /// The curves as a colour picture: axes, tick marks, lines and point markers; no text.
    static func png(_ records: [EpochRecord]) throws -> PNGImage {
        let (xRange, panels) = panels(records)
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        func plot(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
            guard (0..<width).contains(x), (0..<height).contains(y) else { return }
            let o = (y * width + x) * 3
            (pixels[o], pixels[o + 1], pixels[o + 2]) = c
        }
        let black: (UInt8, UInt8, UInt8) = (0, 0, 0)
        for (i, panel) in panels.enumerated() {
            let x0 = i * panelStep + left, y1 = top + plotHeight
            bresenham(from: (x0, top), to: (x0, y1)) { plot($0, $1, black) }
            bresenham(from: (x0, y1), to: (x0 + plotWidth, y1)) { plot($0, $1, black) }
            for t in ticks(panel.yRange) {
                let y = point((xRange.lowerBound, t), panel: i, xRange: xRange, yRange: panel.yRange).y
                bresenham(from: (x0 - 5, y), to: (x0 - 1, y)) { plot($0, $1, black) }
            }
            for t in ticks(xRange) {
                let x = point((t, 0), panel: i, xRange: xRange, yRange: panel.yRange).x
                bresenham(from: (x, y1 + 1), to: (x, y1 + 5)) { plot($0, $1, black) }
            }
            for series in panel.series {
                let points = series.values.map { point($0, panel: i, xRange: xRange, yRange: panel.yRange) }
                for (a, b) in zip(points, points.dropFirst()) {
                    // Two pixels thick: the line and the line one pixel lower.
                    bresenham(from: a, to: b) { plot($0, $1, series.colour); plot($0, $1 + 1, series.colour) }
                }
                for p in points { for dy in -2...2 { for dx in -2...2 { plot(p.x + dx, p.y + dy, series.colour) } } }
            }
        }
        return try PNGImage(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// Bresenham's line from `a` to `b` inclusive, calling `plot` for each pixel.
    static func bresenham(from a: (x: Int, y: Int), to b: (x: Int, y: Int), _ plot: (Int, Int) -> Void) {
        let dx = abs(b.x - a.x), dy = -abs(b.y - a.y)
        let sx = a.x < b.x ? 1 : -1, sy = a.y < b.y ? 1 : -1
        var (x, y, error) = (a.x, a.y, dx + dy)
        while true {
            plot(x, y)
            if x == b.x && y == b.y { return }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }

    /// Writes `curves.svg` and `curves.png` into `directory` (atomically) and returns their paths.
    static func write(_ records: [EpochRecord], directory: String) throws -> [String] {
        let svgPath = joinPath(directory, "curves.svg"), pngPath = joinPath(directory, "curves.png")
        do { try Data(svg(records).utf8).write(to: URL(fileURLWithPath: svgPath), options: .atomic) } catch {
            throw RunError("\(svgPath): cannot write: \(error.localizedDescription)")
        }
        try png(records).write(to: pngPath)
        return [svgPath, pngPath]
    }
}
