import Foundation
import Testing
import TestSupport

/// The examples in docs/processkit.md are code users copy: each Swift block is a whole program,
/// compiled against this build of ProcessKit and run, so an API change that breaks one fails here
/// instead of in a user's package. The line above a block says what to expect:
/// `<!-- test: exit N, output "text" -->` (exit status N, "text" somewhere in standard output).
@Suite struct DocsExampleTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// One Swift block of the guide and what running it must give.
    struct Example: CustomTestStringConvertible, Sendable {
        let code: String
        let line: Int
        let exitStatus: Int32
        let output: String?
        var testDescription: String { "docs/processkit.md:\(line)" }
    }

    /// The Swift code blocks of a Markdown file, in order, with the expectations noted above them.
    static func examples(of path: String) throws -> [Example] {
        var examples: [Example] = [], current: [Substring]?, start = 0, expectation: Substring?
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if current == nil, line.hasPrefix("```swift") {
                current = []
                start = index + 1
                expectation = index > 0 && lines[index - 1].hasPrefix("<!-- test:") ? lines[index - 1] : nil
            } else if let body = current, line.hasPrefix("```") {
                let exit = expectation.flatMap { $0.firstMatch(of: /exit (\d+)/) }.flatMap { Int32($0.1) } ?? 0
                let output = expectation.flatMap { $0.firstMatch(of: /output "([^"]*)"/) }.map { String($0.1) }
                examples.append(Example(code: body.joined(separator: "\n") + "\n", line: start, exitStatus: exit, output: output))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return examples
    }

    static let guide = (try? examples(of: repositoryRoot + "/docs/processkit.md")) ?? []

    @Test func theGuideHasItsExamples() {
        #expect(Self.guide.count >= 8, "docs/processkit.md lost its examples")
        #expect(Self.guide.contains { $0.code.contains("@main") }, "docs/processkit.md has no init example")
    }

    /// The objects of ProcessKit's and CProcessKit's current sources in this build (not those of
    /// files since deleted, which an incremental build leaves behind).
    static func objects(in build: String) throws -> [String] {
        let map = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(build)/ProcessKit.build/output-file-map.json")))
        let swiftObjects = ((map as? [String: [String: String]]) ?? [:]).compactMap { source, outputs in
            source.hasSuffix(".swift") ? outputs["object"] : nil
        }
        let cSources = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/Sources/CProcessKit").filter { $0.hasSuffix(".c") }
        return swiftObjects + cSources.map { "\(build)/CProcessKit.build/\($0).o" }
    }

    @Test(arguments: guide) func theExampleCompilesAndRuns(_ example: Example) throws {
        // The test bundle sits in the build folder beside ProcessKit's and CProcessKit's objects.
        let ownBuild = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "")
            .deletingLastPathComponent().path
        let swiftc = try #require(Harness.onPath("swiftc"), "swiftc is not on the PATH")
        let objects = try Self.objects(in: ownBuild)
        try Harness.withTemporaryDirectory { directory in
            try example.code.write(toFile: directory + "/main.swift", atomically: true, encoding: .utf8)
            var arguments = ["-I", ownBuild + "/Modules",
                             "-Xcc", "-fmodule-map-file=\(ownBuild)/CProcessKit.build/module.modulemap",
                             directory + "/main.swift", "-o", directory + "/example"] + objects
            if example.code.contains("@main") { arguments.insert("-parse-as-library", at: 0) }
            if let sanitizer = ProcessInfo.processInfo.environment["PROCESSKIT_SANITIZER"] {
                arguments.append("-sanitize=\(sanitizer)")  // the objects were built with it (scripts/test-sanitizers)
            }
            let compiled = try Harness.run(swiftc, arguments, timeout: 240)
            try #require(compiled.status == 0, "\(example.testDescription) does not compile:\n\(compiled.stderr)")
            let ran = try Harness.run(directory + "/example", [], timeout: 60)
            #expect(ran.status == example.exitStatus, "\(example.testDescription): stdout \(ran.stdout) stderr \(ran.stderr)")
            if let output = example.output {
                #expect(ran.stdout.contains(output), "\(example.testDescription) printed: \(ran.stdout)")
            }
        }
    }
}
