// swift-tools-version: 6.1
import Foundation
import PackageDescription

// Embedded Swift builds of swinit and rebound: tiny binaries like tini-static. Plain `swift build` and
// `swift test` stay ordinary Swift. scripts/build-static is the one documented command; it runs
//   swift build -c release --traits EmbeddedMusl --scratch-path .build-embedded-musl
// Traits:
//   Embedded              Embedded Swift, linked dynamically against libc only (no Swift runtime libraries).
//   EmbeddedMusl          Embedded + fully static against musl (apt-get install musl-dev): the smallest.
//   EmbeddedStaticGlibc   Embedded + fully static against glibc (several hundred KB bigger than musl).
// musl: the C target sees only musl's headers (-nostdlibinc keeps the compiler's own stddef.h/stdarg.h);
// Swift's Clang importer gets musl's folder ahead of the system ones (-nostdlibinc there makes swiftc warn
// "libc not found"), and musl's headers only include each other, so struct layouts and constants match
// the libc.a that is linked. scripts/build-static checks that no glibc header was read.
let embeddedLibraries = "/opt/swift/usr/lib/swift/embedded/x86_64-unknown-linux-gnu"
let musl = (headers: "/usr/include/x86_64-linux-musl", libraries: "/usr/lib/x86_64-linux-musl")

let embeddedC: [CSetting] = [
    .unsafeFlags(["-ffunction-sections", "-fdata-sections"], .when(traits: ["Embedded"])),
    .unsafeFlags(["-nostdlibinc", "-isystem", musl.headers], .when(traits: ["EmbeddedMusl"])),
]

// String.append(_:) (mangled $eSS6appendyySSF) is never inlined: Embedded Swift compiles the standard
// library into each module, and -Osize still copied String.append's fast paths into every piece of
// every string interpolation and concatenation (~190 places), about a third of swinit's code.
let neverInlined = ["-Xllvm", "-sil-inline-never-functions=$eSS6appendyySSF"]

let embeddedSwift: [SwiftSetting] = [
    .enableExperimentalFeature("Embedded", .when(traits: ["Embedded"])),
    .unsafeFlags(["-wmo", "-Osize", "-Xfrontend", "-function-sections"] + neverInlined, .when(traits: ["Embedded"])),
    .unsafeFlags(["-Xcc", "-isystem", "-Xcc", musl.headers], .when(traits: ["EmbeddedMusl"])),
]

// Ordinary (hosted) builds link the Swift runtime dynamically, and SwiftPM only adds $ORIGIN to the
// run path: with a toolchain outside the loader's paths (ours is in /opt/swift) `swift run swinit`
// and the tests' own runs of the binaries would fail to load libswiftCore.so. Point the run path at
// the runtime of the toolchain on the PATH.
let hostedRuntime = (Context.environment["PATH"] ?? "").split(separator: ":")
    .map { URL(fileURLWithPath: "\($0)/../lib/swift/linux").standardized.path }
    .first { FileManager.default.fileExists(atPath: "\($0)/libswiftCore.so") }

let embeddedLink: [LinkerSetting] = [
    .unsafeFlags(hostedRuntime.map { ["-Xlinker", "-rpath", "-Xlinker", $0] } ?? [], .when(traits: ["Hosted"])),
    .unsafeFlags([
        "-L\(embeddedLibraries)", "-lswiftUnicodeDataTables", "-lm", "-Xlinker", "--gc-sections",
    ], .when(traits: ["Embedded"])),
    // SwiftPM always passes -pie, which a -static link leaves unused; that is expected here.
    .unsafeFlags([
        "-Xclang-linker", "-static", "-Xclang-linker", "-Wno-unused-command-line-argument",
    ], .when(traits: ["EmbeddedStaticGlibc", "EmbeddedMusl"])),
    // musl, by hand (what musl-gcc's specs do): no glibc start files or libraries, musl's crt1.o and
    // libc.a instead. musl's _init is a no-op weak symbol, so crti.o/crtn.o are not needed.
    .unsafeFlags([
        "-Xclang-linker", "-nostdlib", "\(musl.libraries)/crt1.o", "-L\(musl.libraries)", "-lc",
    ], .when(traits: ["EmbeddedMusl"])),
]

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
        .trait(name: "Embedded", description: "Build every Swift target as Embedded Swift; executables link libc only, dynamically"),
        .trait(name: "EmbeddedMusl", description: "Embedded, linked fully static against musl (the smallest)",
               enabledTraits: ["Embedded"]),
        .trait(name: "EmbeddedStaticGlibc", description: "Embedded, linked fully static against glibc",
               enabledTraits: ["Embedded"]),
    ],
    targets: [
        .target(name: "CProcessKit", cSettings: embeddedC),
        .target(name: "ProcessKit", dependencies: ["CProcessKit"], swiftSettings: embeddedSwift),
        .executableTarget(name: "swinit", dependencies: ["ProcessKit"],
                          swiftSettings: embeddedSwift, linkerSettings: embeddedLink),
        .executableTarget(name: "rebound", dependencies: ["ProcessKit"],
                          swiftSettings: embeddedSwift, linkerSettings: embeddedLink),
        // Examples/: small real tools on ProcessKit, built and run by the tests.
        .executableTarget(name: "timeout", dependencies: ["ProcessKit"], path: "Examples/timeout",
                          swiftSettings: embeddedSwift, linkerSettings: embeddedLink),
        .testTarget(name: "ProcessKitTests", dependencies: ["ProcessKit", "swinit", "rebound", "timeout"]),
    ],
    swiftLanguageModes: [.v6]
)
