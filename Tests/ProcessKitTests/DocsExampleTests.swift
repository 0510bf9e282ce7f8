import Foundation
import Testing
import TestSupport

/// The examples in ProcessKit's DocC articles (Sources/ProcessKit/ProcessKit.docc) and in docs/ are code
/// users copy: each Swift block is a whole program, built as a user's package builds it and run, so an
/// API change that breaks one, or code that only compiles in Swift 5 mode, fails here instead of in a
/// user's package. The line above a block says what to expect: `<!-- test: exit N, output "text" -->`
/// (exit status N, "text" somewhere in standard output).
///
/// All examples are executable targets of one consumer package (`// swift-tools-version: 6.1`, so Swift 6
/// language mode with strict concurrency) that depends on this checkout by path, built once with one
/// `swift build`. The package and its scratch folder sit beside this test bundle in the build folder, so
/// a second run rebuilds only what changed.
@Suite struct DocsExampleTests {
    /// One Swift block of the guide and what running it must give.
    struct Example: CustomTestStringConvertible, Sendable {
        let code: String
        let file: String
        let line: Int
        let exitStatus: Int32
        let output: String?
        /// Its executable target in the consumer package: the article's name and the block's number in it.
        let target: String
        var testDescription: String { "\(file):\(line)" }
        /// `@main` code cannot live in a file named main.swift.
        var sourceFile: String { code.contains("@main") ? "Example.swift" : "main.swift" }
    }

    /// The Swift code blocks of a Markdown file, in order, with the expectations noted above them.
    static func examples(of file: String) throws -> [Example] {
        var examples: [Example] = [], current: [Substring]?, start = 0, expectation: Substring?
        let lines = try String(contentsOfFile: ProbeProgram.repositoryRoot + "/" + file, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let article = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent.filter { $0.isLetter || $0.isNumber }
        for (index, line) in lines.enumerated() {
            if current == nil, line.hasPrefix("```swift") {
                current = []
                start = index + 1
                expectation = index > 0 && lines[index - 1].hasPrefix("<!-- test:") ? lines[index - 1] : nil
            } else if let body = current, line.hasPrefix("```") {
                let exit = expectation.flatMap { $0.firstMatch(of: /exit (\d+)/) }.flatMap { Int32($0.1) } ?? 0
                let output = expectation.flatMap { $0.firstMatch(of: /output "([^"]*)"/) }.map { String($0.1) }
                examples.append(
                    Example(
                        code: body.joined(separator: "\n") + "\n", file: file, line: start,
                        exitStatus: exit, output: output,
                        target: "\(article)Example\(examples.count + 1)"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return examples
    }

    static let catalog = "Sources/ProcessKit/ProcessKit.docc"

    /// The Markdown files whose examples run: the catalog's articles and the guide.
    static let documents =
        ((try? FileManager.default.contentsOfDirectory(atPath: ProbeProgram.repositoryRoot + "/" + catalog))
        ?? []).filter { $0.hasSuffix(".md") }.sorted().map { catalog + "/" + $0 } + ["docs/processkit.md"]

    static let guide = documents.flatMap { (try? examples(of: $0)) ?? [] }

    // MARK: The consumer package

    /// A stand-in for swift-system's `SystemPackage` module, declaring its `FileDescriptor` and `Errno` with
    /// swift-system's shapes (a `CInt` raw value) and the members whose names ProcessKit's types share, so
    /// that an example importing it beside ProcessKit meets the same name clash a user does, without
    /// fetching swift-system. Nothing here is ever called.
    static let systemPackageStandIn = """
        public struct FileDescriptor: RawRepresentable, Hashable, Sendable {
            public let rawValue: CInt
            public init(rawValue: CInt) { self.rawValue = rawValue }
            public static var standardInput: FileDescriptor { FileDescriptor(rawValue: 0) }
            public static var standardOutput: FileDescriptor { FileDescriptor(rawValue: 1) }
            public static var standardError: FileDescriptor { FileDescriptor(rawValue: 2) }
            public static func pipe() throws(Errno) -> (readEnd: FileDescriptor, writeEnd: FileDescriptor) {
                throw Errno(rawValue: 38)
            }
            public func close() throws(Errno) {}
        }

        public struct Errno: RawRepresentable, Error, Hashable, Sendable {
            public let rawValue: CInt
            public init(rawValue: CInt) { self.rawValue = rawValue }
        }

        """

    /// The consumer's manifest: tools-version 6.1 (Swift 6 language mode), this checkout by path, one
    /// executable target per example. The examples' own warnings are errors, as a warning in code users
    /// copy is a defect, and only an error shows again when an unchanged example is not recompiled.
    /// (`unsafeFlags` is fine here: this package is the root of its build and nobody depends on it.)
    static func manifest(_ examples: [Example]) -> String {
        let literal = { (text: String) in
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        // A path dependency's package name is its folder's, as a URL's is its last component.
        let checkout = URL(fileURLWithPath: ProbeProgram.repositoryRoot).lastPathComponent
        let targets = examples.map { example in
            """
                    .executableTarget(name: \(literal(example.target)),
                                      dependencies: [.product(name: "ProcessKit", package: \(literal(checkout))), "SystemPackage"],
                                      swiftSettings: [.unsafeFlags(["-warnings-as-errors"])]),
            """
        }
        return """
            // swift-tools-version: 6.1
            import PackageDescription

            let package = Package(
                name: "DocsExamples",
                dependencies: [.package(path: \(literal(ProbeProgram.repositoryRoot)))],
                targets: [
                    .target(name: "SystemPackage"),
            \(targets.joined(separator: "\n"))
                ]
            )

            """
    }

    /// What building the consumer package gave: the folder of its executables, and the build's output.
    struct ConsumerBuild: Sendable {
        let binaries: String
        let succeeded: Bool
        let log: String
    }

    /// The consumer package, beside this test bundle (a separate scratch per build folder, sanitizer
    /// builds included), written with only the files whose text changed, then built once.
    static let consumer: Result<ConsumerBuild, ConsumerSetupFailure> = {
        do {
            let ownBuild = URL(
                fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
            )
            .deletingLastPathComponent().path
            guard let swift = Harness.onPath("swift") else { throw ConsumerSetupFailure(description: "swift is not on the PATH") }
            let package = ownBuild + "/docs-examples"
            var files = ["Package.swift": manifest(guide), "Sources/SystemPackage/SystemPackage.swift": systemPackageStandIn]
            for example in guide { files["Sources/\(example.target)/\(example.sourceFile)"] = example.code }
            try write(files, into: package)
            var arguments = ["build", "--package-path", package, "--scratch-path", package + "/.build"]
            if let sanitizer = ProcessInfo.processInfo.environment["PROCESSKIT_SANITIZER"] {
                arguments.append("--sanitize=\(sanitizer)")  // as the rest of this run (scripts/test-sanitizers)
            }
            // A first build compiles ProcessKit again for the consumer; later ones only what changed.
            let built = try Harness.run(swift, arguments, timeout: 900)
            return .success(
                ConsumerBuild(
                    binaries: package + "/.build/debug", succeeded: built.status == 0,
                    log: built.stdout + built.stderr))
        } catch let failure as ConsumerSetupFailure {
            return .failure(failure)
        } catch {
            return .failure(ConsumerSetupFailure(description: "the consumer package could not be written: \(error)"))
        }
    }()

    struct ConsumerSetupFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Makes `directory` hold exactly `files` (paths relative to it) under Package.swift and Sources/,
    /// rewriting a file only when its text changed, so that the build finds unchanged examples up to date.
    static func write(_ files: [String: String], into directory: String) throws {
        let manager = FileManager.default
        let sources = directory + "/Sources"
        for target in (try? manager.contentsOfDirectory(atPath: sources)) ?? [] {
            let kept = files.keys.contains { $0.hasPrefix("Sources/\(target)/") }
            if !kept { try manager.removeItem(atPath: sources + "/" + target) }
        }
        for (path, text) in files {
            let full = directory + "/" + path
            if (try? String(contentsOfFile: full, encoding: .utf8)) == text { continue }
            let folder = URL(fileURLWithPath: full).deletingLastPathComponent().path
            // A target folder holds its one source: main.swift may have become Example.swift, or back.
            for stale in (try? manager.contentsOfDirectory(atPath: folder)) ?? []
            where path.hasPrefix("Sources/") && folder + "/" + stale != full {
                try manager.removeItem(atPath: folder + "/" + stale)
            }
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
    }

    // MARK: Tests

    @Test func theGuideHasItsExamples() {
        #expect(Self.guide.count >= 8, "the DocC articles lost their examples: \(Self.documents)")
        #expect(
            Self.guide.contains { $0.code.contains("@main") && $0.file.hasSuffix("WritingAnInit.md") },
            "WritingAnInit.md has no init example")
        #expect(
            Self.guide.contains { $0.code.contains("import SystemPackage") },
            "no example shows ProcessKit beside swift-system's SystemPackage")
        #expect(Set(Self.guide.map(\.target)).count == Self.guide.count, "two examples share a target name")
    }

    /// The README's manifest lines name the package as SwiftPM does: the last path component of the URL,
    /// without `.git` (SwiftPM compares it ignoring case).
    @Test func theReadmeNamesThePackageByItsURL() throws {
        let readme = try String(contentsOfFile: ProbeProgram.repositoryRoot + "/README.md", encoding: .utf8)
        let url = try #require(readme.firstMatch(of: /\.package\(url: "([^"]+)"/)?.1, "the README shows no .package(url:)")
        let package = try #require(
            readme.firstMatch(of: /\.product\(name: "ProcessKit", package: "([^"]+)"\)/)?.1,
            "the README shows no .product(name: \"ProcessKit\", package:)")
        var last = Substring(url.split(separator: "/").last ?? "")
        if last.hasSuffix(".git") { last = last.dropLast(4) }
        #expect(package.lowercased() == last.lowercased(), "package: \"\(package)\" for the URL \(url)")
    }

    @Test(arguments: guide) func theExampleCompilesAndRuns(_ example: Example) throws {
        let build = try Self.consumer.get()
        // The compiler names each diagnostic's file; an example's own ones are its failure.
        let diagnostics = build.log.split(separator: "\n").filter {
            $0.contains("/Sources/\(example.target)/") && ($0.contains(" error: ") || $0.contains(" warning: "))
        }
        #expect(
            diagnostics.isEmpty,
            "\(example.testDescription) does not build in Swift 6 mode:\n\(diagnostics.joined(separator: "\n"))")
        guard diagnostics.isEmpty else { return }
        // A failed build may have stopped before this example, leaving nothing or an old binary.
        guard build.succeeded else {
            let errors = build.log.split(separator: "\n").filter { $0.hasPrefix("/") && $0.contains(" error: ") }
            let inExamples = { (line: Substring) in line.contains("/docs-examples/Sources/") }
            // The examples that failed are named (their own tests show why); errors elsewhere, in ProcessKit
            // say, are shown here.
            let examples = Set(errors.filter(inExamples).compactMap { $0.split(separator: ":").first }).sorted()
            let others = Set(errors.filter { !inExamples($0) }).sorted().prefix(20)
            let cause =
                errors.isEmpty
                ? "the package:\n\(build.log.suffix(3000))"
                : (examples + others).joined(separator: "\n")
            Issue.record("\(example.testDescription) was not built: the build stopped at errors in\n\(cause)")
            return
        }
        let ran = try Harness.run(build.binaries + "/" + example.target, [], timeout: 60)
        #expect(ran.status == example.exitStatus, "\(example.testDescription): stdout \(ran.stdout) stderr \(ran.stderr)")
        if let output = example.output {
            #expect(ran.stdout.contains(output), "\(example.testDescription) printed: \(ran.stdout)")
        }
    }
}
