// Subsets and pixel statistics of an ImageDataset: what a training run needs to take a quick
// slice of the data and to normalise inputs with the training set's own mean and deviation.

extension ImageDataset {
    /// The first `n` images (all of them when `n ≥ count`).
    public func prefix(_ n: Int) -> ImageDataset {
        let kept = Swift.max(0, Swift.min(n, count))
        if kept == count { return self }
        return ImageDataset(unchecked: Array(pixels[..<(kept * imageSize)]), labels: Array(labels[..<kept]),
                            channels: channels, height: height, width: width, classNames: classNames)
    }

    /// Mean and standard deviation of all pixels scaled to [0, 1] (the `normalization` a
    /// ``DataLoader`` takes). For Fashion-MNIST's training set: mean ≈ 0.286, std ≈ 0.353.
    /// An empty or constant dataset gives std 1, so normalising never divides by zero.
    public func pixelStatistics() -> (mean: Float, std: Float) {
        var histogram = [Int](repeating: 0, count: 256)
        pixels.withUnsafeBufferPointer { p in for v in p { histogram[Int(v)] += 1 } }
        let n = Double(pixels.count)
        guard n > 0 else { return (0, 1) }
        var sum = 0.0, squares = 0.0
        for (value, times) in histogram.enumerated() {
            let x = Double(value) / 255
            sum += x * Double(times)
            squares += x * x * Double(times)
        }
        let mean = sum / n
        let variance = Swift.max(squares / n - mean * mean, 0)
        return (Float(mean), variance > 0 ? Float(variance.squareRoot()) : 1)
    }
}
