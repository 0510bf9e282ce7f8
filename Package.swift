// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ProcessKit",
    products: [
        .library(name: "ProcessKit", targets: ["ProcessKit"]),
        .executable(name: "swinit", targets: ["swinit"]),
    ],
    targets: [
        .target(name: "CProcessKit"),
        .target(name: "ProcessKit", dependencies: ["CProcessKit"]),
        .executableTarget(name: "swinit", dependencies: ["ProcessKit"]),
        .testTarget(name: "ProcessKitTests", dependencies: ["ProcessKit", "swinit"]),
    ],
    swiftLanguageModes: [.v6]
)
