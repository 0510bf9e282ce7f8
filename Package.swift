// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ProcessKit",
    products: [
        .library(name: "ProcessKit", targets: ["ProcessKit"]),
        .executable(name: "swinit", targets: ["swinit"]),
        .executable(name: "rebound", targets: ["rebound"]),
    ],
    targets: [
        .target(name: "CProcessKit"),
        .target(name: "ProcessKit", dependencies: ["CProcessKit"]),
        .executableTarget(name: "swinit", dependencies: ["ProcessKit"]),
        .executableTarget(name: "rebound", dependencies: ["ProcessKit"]),
        .testTarget(name: "ProcessKitTests", dependencies: ["ProcessKit", "swinit", "rebound"]),
    ],
    swiftLanguageModes: [.v6]
)
