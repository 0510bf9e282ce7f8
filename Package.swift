// swift-tools-version: 6.1
import PackageDescription

// Plain `swift build` and `swift test` are ordinary Swift. The Embedded trait turns every Swift target
// into Embedded Swift; that is all the manifest says about it, so a package depending on ProcessKit by
// version gets no unsafe flag. The tiny static release binaries of swinit and rebound come from
// scripts/build-static, which adds the Embedded, musl and static-link flags on its command line,
// discovered from the toolchain on the PATH and from musl's own locations.
let embedded: [SwiftSetting] = [.enableExperimentalFeature("Embedded", .when(traits: ["Embedded"]))]

let package = Package(
    name: "ProcessKit",
    products: [
        .library(name: "ProcessKit", targets: ["ProcessKit"]),
        .executable(name: "swinit", targets: ["swinit"]),
        .executable(name: "rebound", targets: ["rebound"]),
    ],
    traits: [
        .default(enabledTraits: ["Hosted"]),
        .trait(name: "Hosted", description: "Ordinary Swift with its runtime libraries (the default; any --traits turns it off)"),
        .trait(
            name: "Embedded",
            description: "Build every Swift target as Embedded Swift (scripts/build-static adds the flags to link it)"),
    ],
    targets: [
        .target(name: "CProcessKit"),
        .target(name: "ProcessKit", dependencies: ["CProcessKit"]),
        // What only swinit and rebound use (option scanning, the TINI_/SWINIT_ reader, unbuffered
        // stdout/stderr lines): no library product exports it, so it is not ProcessKit's API.
        .target(name: "ToolSupport", dependencies: ["ProcessKit", "CProcessKit"]),
        .executableTarget(name: "swinit", dependencies: ["ProcessKit", "ToolSupport"]),
        .executableTarget(name: "rebound", dependencies: ["ProcessKit", "ToolSupport"]),
        // Examples/: small real tools on ProcessKit, built and run by the tests.
        // Its durations round with libm, which nothing else in the package links any more.
        .executableTarget(
            name: "timeout", dependencies: ["ProcessKit"], path: "Examples/timeout",
            linkerSettings: [.linkedLibrary("m")]),
        .executableTarget(name: "parallel", dependencies: ["ProcessKit"], path: "Examples/parallel"),
        .executableTarget(name: "tee-capture", dependencies: ["ProcessKit"], path: "Examples/tee-capture"),
        // Tests mirror the modules: unit tests per module, then the built binaries (IntegrationTests:
        // as PID 1, subreaper, under a pty, real software, reliability) and podman (ContainerTests).
        // TestSupport is the one place for their shared helpers; no product names it, so a package
        // depending on ProcessKit never builds it.
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "ProcessKitTests", dependencies: ["ProcessKit", "CProcessKit", "TestSupport"]),
        .testTarget(name: "ToolSupportTests", dependencies: ["ToolSupport"]),
        .testTarget(name: "SwinitTests", dependencies: ["swinit", "ProcessKit", "ToolSupport", "TestSupport"]),
        .testTarget(name: "ReboundTests", dependencies: ["rebound", "ProcessKit", "ToolSupport", "TestSupport"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "ProcessKit", "ToolSupport", "TestSupport", "swinit", "rebound", "timeout", "parallel", "tee-capture",
            ],
            exclude: ["Differential/differential.py", "FailureInjection/fail-syscalls.py"]),
        .testTarget(name: "ContainerTests", dependencies: ["TestSupport", "swinit", "rebound"]),
    ],
    swiftLanguageModes: [.v6]
)
