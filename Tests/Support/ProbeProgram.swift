// Test helpers need Foundation and Swift Testing; a whole-package build for a target without them
// (scripts/build-static's Embedded musl build) compiles this module empty.
#if canImport(Foundation) && canImport(Testing)
import Foundation
import Testing

/// Small programs built from Swift source against this build of ProcessKit, for what only a separate
/// process can show: a process that ignores signals or owns a terminal, which the test runner
/// itself must not become (its other tests' children would inherit that).
public enum ProbeProgram {
    /// Compiles `source` (a `@main` program that imports ProcessKit) once per test run and returns
    /// the executable's path; a failed compile fails the calling test.
    public static func build(_ name: String, _ source: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let ownBuild = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "")
            .deletingLastPathComponent().path
        let swiftc = try #require(Harness.onPath("swiftc"), "swiftc is not on the PATH",
                                  sourceLocation: sourceLocation)
        let objects = try ["ProcessKit", "CProcessKit"].flatMap { target in
            try FileManager.default.contentsOfDirectory(atPath: "\(ownBuild)/\(target).build")
                .filter { $0.hasSuffix(".o") }.map { "\(ownBuild)/\(target).build/\($0)" }
        }
        let directory = try Harness.temporaryDirectory()
        try source.write(toFile: directory + "/main.swift", atomically: true, encoding: .utf8)
        var arguments = ["-parse-as-library", "-I", ownBuild + "/Modules",
                         "-Xcc", "-fmodule-map-file=\(ownBuild)/CProcessKit.build/module.modulemap",
                         directory + "/main.swift", "-o", directory + "/" + name] + objects
        if let sanitizer = ProcessInfo.processInfo.environment["PROCESSKIT_SANITIZER"] {
            arguments.append("-sanitize=\(sanitizer)")
        }
        let compiled = try Harness.run(swiftc, arguments, timeout: 180, sourceLocation: sourceLocation)
        try #require(compiled.status == 0, "\(name) does not compile:\n\(compiled.stderr)", sourceLocation: sourceLocation)
        return directory + "/" + name
    }
}
#endif
