import Foundation
import Testing
import TestSupport

/// The examples in ProcessKit's DocC articles (Sources/ProcessKit/ProcessKit.docc) and in docs/ are code
/// users copy: each Swift block is a whole program, compiled against this build of ProcessKit and run, so
/// an API change that breaks one fails here instead of in a user's package. The line above a block says
/// what to expect: `<!-- test: exit N, output "text" -->` (exit status N, "text" somewhere in standard output).
@Suite struct DocsExampleTests {
    /// One Swift block of the guide and what running it must give.
    struct Example: CustomTestStringConvertible, Sendable {
        let code: String
        let file: String
        let line: Int
        let exitStatus: Int32
        let output: String?
        var testDescription: String { "\(file):\(line)" }
    }

    /// The Swift code blocks of a Markdown file, in order, with the expectations noted above them.
    static func examples(of file: String) throws -> [Example] {
        var examples: [Example] = [], current: [Substring]?, start = 0, expectation: Substring?
        let lines = try String(contentsOfFile: ProbeProgram.repositoryRoot + "/" + file, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if current == nil, line.hasPrefix("```swift") {
                current = []
                start = index + 1
                expectation = index > 0 && lines[index - 1].hasPrefix("<!-- test:") ? lines[index - 1] : nil
            } else if let body = current, line.hasPrefix("```") {
                let exit = expectation.flatMap { $0.firstMatch(of: /exit (\d+)/) }.flatMap { Int32($0.1) } ?? 0
                let output = expectation.flatMap { $0.firstMatch(of: /output "([^"]*)"/) }.map { String($0.1) }
                examples.append(Example(code: body.joined(separator: "\n") + "\n", file: file, line: start,
                                        exitStatus: exit, output: output))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return examples
    }

    static let catalog = "Sources/ProcessKit/ProcessKit.docc"

    /// The Markdown files whose examples run: the catalog's articles and the guide.
    static let documents = ((try? FileManager.default.contentsOfDirectory(atPath: ProbeProgram.repositoryRoot + "/" + catalog))
        ?? []).filter { $0.hasSuffix(".md") }.sorted().map { catalog + "/" + $0 } + ["docs/processkit.md"]

    static let guide = documents.flatMap { (try? examples(of: $0)) ?? [] }

    @Test func theGuideHasItsExamples() {
        #expect(Self.guide.count >= 8, "the DocC articles lost their examples: \(Self.documents)")
        #expect(Self.guide.contains { $0.code.contains("@main") && $0.file.hasSuffix("WritingAnInit.md") },
                "WritingAnInit.md has no init example")
    }

    @Test(arguments: guide) func theExampleCompilesAndRuns(_ example: Example) throws {
        let program = try ProbeProgram.build("example", example.code, parseAsLibrary: example.code.contains("@main"),
                                             timeout: 240)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: program).deletingLastPathComponent().path) }
        let ran = try Harness.run(program, [], timeout: 60)
        #expect(ran.status == example.exitStatus, "\(example.testDescription): stdout \(ran.stdout) stderr \(ran.stderr)")
        if let output = example.output {
            #expect(ran.stdout.contains(output), "\(example.testDescription) printed: \(ran.stdout)")
        }
    }
}
