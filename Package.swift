// swift-tools-version: 6.0
// Fovea — convolutional neural networks in Swift. See README.md and DESIGN notes in the sources.
import PackageDescription

let package = Package(
    name: "Fovea",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Fovea", targets: ["Fovea"]),
        .executable(name: "fovea", targets: ["fovea"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: Kernels — raw buffers, geometry structs, threads
        .target(name: "CFoveaKernels"),
        .target(name: "FoveaKernels", dependencies: ["CFoveaKernels"]),

        // MARK: Tensors and autodiff
        .target(name: "FoveaTensor", dependencies: ["FoveaKernels"]),

        // MARK: Layers, losses, optimizers
        .target(name: "FoveaNN", dependencies: ["FoveaTensor"]),

        // MARK: Data
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(name: "FoveaData", dependencies: ["FoveaTensor", "CZlib"]),

        // MARK: Model zoo
        .target(name: "FoveaModels", dependencies: ["FoveaNN"]),

        // MARK: Umbrella and command line
        .target(name: "Fovea", dependencies: ["FoveaKernels", "FoveaTensor", "FoveaNN", "FoveaData", "FoveaModels"]),
        // Replaces malloc & co. to count allocations for `fovea bench --memory`: the CLI only, never the library.
        .target(name: "CAllocationCounter"),
        .executableTarget(
            name: "fovea",
            dependencies: ["Fovea", "CAllocationCounter", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // MARK: Examples (built by CI, so the README's code keeps compiling)
        .executableTarget(name: "fovea-example-train", dependencies: ["Fovea"], path: "Examples/TrainSmallCNN"),
        .executableTarget(name: "fovea-course-properties", dependencies: ["Fovea"], path: "Examples/CourseProperties"),
        .executableTarget(name: "fovea-rcn-shapes", dependencies: ["Fovea"], path: "Examples/RecurrentConvolution"),

        // MARK: Test support and tests
        .target(name: "_FoveaTestSupport", dependencies: ["FoveaTensor"]),
        .testTarget(name: "FoveaKernelsTests", dependencies: ["FoveaKernels"]),
        .testTarget(name: "FoveaTensorTests", dependencies: ["FoveaTensor", "_FoveaTestSupport"]),
        .testTarget(name: "FoveaNNTests", dependencies: ["FoveaNN", "FoveaModels", "FoveaData", "_FoveaTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "FoveaDataTests", dependencies: ["FoveaData"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FoveaCLITests", dependencies: ["fovea", "Fovea"]),
    ],
    swiftLanguageModes: [.v6]
)
