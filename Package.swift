// swift-tools-version: 6.1
import PackageDescription

// `swift build -c release --traits Embedded --scratch-path .build-embedded` builds swinit and rebound
// as Embedded Swift, linked fully static against glibc: tiny binaries like tini-static. Plain
// `swift build` and `swift test` stay ordinary Swift. (scripts/build-static wraps the command.)
let embeddedLibraries = "/opt/swift/usr/lib/swift/embedded/x86_64-unknown-linux-gnu"

let embeddedSwift: [SwiftSetting] = [
    .enableExperimentalFeature("Embedded", .when(traits: ["Embedded"])),
    .unsafeFlags(["-wmo", "-Osize"], .when(traits: ["Embedded"])),
]

let embeddedStaticLink: [LinkerSetting] = [
    .unsafeFlags([
        // SwiftPM always passes -pie, which a -static link leaves unused; that is expected here.
        "-Xclang-linker", "-static", "-Xclang-linker", "-Wno-unused-command-line-argument",
        "-L\(embeddedLibraries)", "-lswiftUnicodeDataTables", "-lm",
    ], .when(traits: ["Embedded"])),
]

let package = Package(
    name: "ProcessKit",
    products: [
        .library(name: "ProcessKit", targets: ["ProcessKit"]),
        .executable(name: "swinit", targets: ["swinit"]),
        .executable(name: "rebound", targets: ["rebound"]),
    ],
    traits: [
        .trait(name: "Embedded", description: "Build every Swift target as Embedded Swift and link the executables fully static"),
    ],
    targets: [
        .target(name: "CProcessKit"),
        .target(name: "ProcessKit", dependencies: ["CProcessKit"], swiftSettings: embeddedSwift),
        .executableTarget(name: "swinit", dependencies: ["ProcessKit"],
                          swiftSettings: embeddedSwift, linkerSettings: embeddedStaticLink),
        .executableTarget(name: "rebound", dependencies: ["ProcessKit"],
                          swiftSettings: embeddedSwift, linkerSettings: embeddedStaticLink),
        .testTarget(name: "ProcessKitTests", dependencies: ["ProcessKit", "swinit", "rebound"]),
    ],
    swiftLanguageModes: [.v6]
)
