// swift-tools-version: 6.1
import PackageDescription

// ProcessKit's benchmarks against posix_spawn from C and Foundation's Process. A package of its own,
// depending on ProcessKit by path, so that Foundation never enters the main package. Run by bench/run.
//
// The dependency's identity is its folder's name (the checkout's), whatever that is.
let checkoutName = String(Context.packageDirectory.split(separator: "/").dropLast(2).last ?? "ProcessKit")

let package = Package(
    name: "processkit-bench",
    dependencies: [.package(path: "../..")],
    targets: [
        .target(name: "CBench"),
        .executableTarget(name: "zeros"),
        .executableTarget(
            name: "processkit-bench",
            dependencies: [.product(name: "ProcessKit", package: checkoutName), "CBench"]),
    ],
    swiftLanguageModes: [.v6]
)
