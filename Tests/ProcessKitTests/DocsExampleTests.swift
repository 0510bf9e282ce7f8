import Foundation
import Testing

/// The example in docs/processkit.md is code users copy: it is compiled against this build of
/// ProcessKit and run, so an API change that breaks it fails here instead of in a user's package.
@Suite struct DocsExampleTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The Swift code blocks of a Markdown file, in order.
    static func swiftBlocks(of path: String) throws -> [String] {
        var blocks: [String] = [], current: [Substring]?
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.hasPrefix("```swift") {
                current = []
            } else if let lines = current, line.hasPrefix("```") {
                blocks.append(lines.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test func theMinimalInitCompilesAndExitsWithItsChildsCode() throws {
        let example = try #require(Self.swiftBlocks(of: Self.repositoryRoot + "/docs/processkit.md").first { $0.contains("@main") },
                                   "docs/processkit.md has no @main example")
        // The test bundle sits in the build folder beside ProcessKit's and CProcessKit's objects.
        let ownBuild = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "")
            .deletingLastPathComponent().path
        let swiftc = try #require(Harness.onPath("swiftc"), "swiftc is not on the PATH")
        let objects = try ["ProcessKit", "CProcessKit"].flatMap { target in
            try FileManager.default.contentsOfDirectory(atPath: "\(ownBuild)/\(target).build")
                .filter { $0.hasSuffix(".o") }.map { "\(ownBuild)/\(target).build/\($0)" }
        }
        try Harness.withTemporaryDirectory { directory in
            try example.write(toFile: directory + "/main.swift", atomically: true, encoding: .utf8)
            var arguments = ["-parse-as-library", "-I", ownBuild + "/Modules",
                             "-Xcc", "-fmodule-map-file=\(ownBuild)/CProcessKit.build/module.modulemap",
                             directory + "/main.swift", "-o", directory + "/mini-init"] + objects
            if let sanitizer = ProcessInfo.processInfo.environment["PROCESSKIT_SANITIZER"] {
                arguments.append("-sanitize=\(sanitizer)")  // the objects were built with it (scripts/test-sanitizers)
            }
            let compiled = try Harness.run(swiftc, arguments, timeout: 120)
            try #require(compiled.status == 0, "the docs example does not compile:\n\(compiled.stderr)")
            // It runs `sh -c 'sleep 1; exit 3'` as its child and exits with the child's code.
            let ran = try Harness.run(directory + "/mini-init", [], timeout: 20)
            #expect(ran.status == 3, "stderr: \(ran.stderr)")
        }
    }
}
