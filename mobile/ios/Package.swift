// swift-tools-version:5.9
// Tongban's core for iOS: the Rust library as an XCFramework, and the Swift bindings uniffi
// generates for it. `cargo xtask mobile --ios` (on a Mac with Xcode) builds
// `TongbanFFI.xcframework` and copies the generated `.swift` files into `Sources/TongbanCore`.
import PackageDescription

let package = Package(
    name: "TongbanCore",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "TongbanCore", targets: ["TongbanCore"]),
    ],
    targets: [
        .binaryTarget(name: "TongbanFFI", path: "TongbanFFI.xcframework"),
        .target(name: "TongbanCore", dependencies: ["TongbanFFI"], path: "Sources/TongbanCore"),
    ]
)
