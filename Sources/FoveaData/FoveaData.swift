// FoveaData: datasets, the files they come in, and the DataLoader that turns them into batches.
//
// Map of the module (one concept per file):
//   DataError.swift        every way finding, reading or batching data can fail, each printing one line
//   Gzip.swift             zlib-backed gzip decompression (multi-member, truncation and corruption detected)
//   IDXFile.swift          the IDX array format of MNIST and Fashion-MNIST (unsigned bytes, raw or .gz)
//   ImageDataset.swift     labelled NCHW byte images in memory, and their conversion to float batches
//   BuiltInDataset.swift   datasets known by name: where Fovea looks for them and how it loads them
//   DatasetDownload.swift  the opt-in, checksum-verified download into ~/.cache/fovea
//   MD5.swift              the digest used to verify downloads
//   Shapes.swift           the built-in procedurally generated `shapes` dataset (no files needed)
//   DataLoader.swift       deterministic per-epoch shuffling, batching, normalisation, optional prefetch
//
// Typical use:
//
//     let train = try ImageDataset.fashionMNIST(split: .train)        // or .shapes(count: 60_000, seed: 1)
//     let loader = try DataLoader(dataset: train, batchSize: 64, shuffle: true, seed: 42,
//                                 normalization: BuiltInDataset.fashionMNIST.normalization)
//     for epoch in 0..<epochs { for batch in loader.batches(epoch: epoch) { /* batch.images [64, 1, 28, 28] */ } }

@_exported import FoveaTensor
