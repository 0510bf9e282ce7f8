// Test helpers need Foundation and Swift Testing; a whole-package build for a target without them
// (scripts/build-static's Embedded musl build) compiles this module empty.
#if canImport(Foundation) && canImport(Testing)
import Foundation
import Testing

/// Small programs built from Swift source against this build of ProcessKit, for what only a separate
/// process can show: a process that ignores signals, owns a terminal or stops on a failed precondition,
/// which the test runner itself must not become (its other tests' children would inherit that).
public enum ProbeProgram {
    /// The repository this test bundle was built from.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Compiles `source` (a program that imports ProcessKit; `parseAsLibrary` for one with `@main`) into
    /// a new scratch directory and returns the executable's path; a failed compile fails the calling test.
    public static func build(
        _ name: String, _ source: String, parseAsLibrary: Bool = true, timeout: Double = 180,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        // The test bundle sits in the build folder beside ProcessKit's and CProcessKit's objects.
        let ownBuild = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "")
            .deletingLastPathComponent().path
        let swiftc = try #require(
            Harness.onPath("swiftc"), "swiftc is not on the PATH",
            sourceLocation: sourceLocation)
        let directory = try Harness.temporaryDirectory()
        try source.write(toFile: directory + "/main.swift", atomically: true, encoding: .utf8)
        var arguments =
            [
                "-I", ownBuild + "/Modules",
                "-Xcc", "-fmodule-map-file=\(ownBuild)/CProcessKit.build/module.modulemap",
                directory + "/main.swift", "-o", directory + "/" + name,
            ] + (try objects(in: ownBuild))
        if parseAsLibrary { arguments.insert("-parse-as-library", at: 0) }
        if let sanitizer = ProcessInfo.processInfo.environment["PROCESSKIT_SANITIZER"] {
            arguments.append("-sanitize=\(sanitizer)")  // the objects were built with it (scripts/test-sanitizers)
        }
        let compiled = try Harness.run(swiftc, arguments, timeout: timeout, sourceLocation: sourceLocation)
        try #require(compiled.status == 0, "\(name) does not compile:\n\(compiled.stderr)", sourceLocation: sourceLocation)
        return directory + "/" + name
    }

    /// The objects of ProcessKit's and CProcessKit's current sources in this build, not those of files
    /// since moved or deleted, which an incremental build leaves behind: the Swift ones from the
    /// compiler's output file map, the C ones named after the sources under Sources/CProcessKit.
    static func objects(in build: String) throws -> [String] {
        let map = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: "\(build)/ProcessKit.build/output-file-map.json")))
        let swiftObjects = ((map as? [String: [String: String]]) ?? [:]).compactMap { source, outputs in
            source.hasSuffix(".swift") ? outputs["object"] : nil
        }
        let cSources =
            FileManager.default.enumerator(atPath: repositoryRoot + "/Sources/CProcessKit")?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".c") } ?? []
        return swiftObjects + cSources.map { "\(build)/CProcessKit.build/\($0).o" }
    }
}
#endif
