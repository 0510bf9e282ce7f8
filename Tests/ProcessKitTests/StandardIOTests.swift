import CProcessKit
import Foundation
import Testing
import TestSupport
@testable import ProcessKit

/// Every standard stream setting of `Command`, checked by what the child reads and writes; and the
/// exchange that feeds input while capturing both outputs, which must never deadlock however much
/// flows each way.
@Suite struct StandardIOTests {
    func sh(_ script: String, _ arguments: String...) -> Command {
        Command("/bin/sh", arguments: ["-c", script, "sh"] + arguments)
    }

    @Test func runCapturesOutputAndErrorSeparately() throws {
        let result = try sh("printf out; printf err >&2; exit 3").run()
        #expect(result.status == .exited(code: 3))
        #expect(result.standardOutputText == "out")
        #expect(result.standardErrorText == "err")
        #expect(!result.standardOutputTruncated && !result.standardErrorTruncated && !result.timedOut)
    }

    @Test func inputFromBytesReachesTheChild() throws {
        let result = try Command("tr", arguments: ["a-z", "A-Z"]).run(input: "hello\n")
        #expect(result.succeeded)
        #expect(result.standardOutputText == "HELLO\n")
    }

    /// run() gives a child no input unless asked: it reads end of file, never this process's stdin.
    @Test func runWithoutInputReadsEndOfFile() throws {
        let result = try Command("wc", arguments: ["-c"]).run()
        #expect(result.standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func standardErrorMergedIntoOutputKeepsTheOrder() throws {
        var command = sh("printf 1; printf 2 >&2; printf 3; printf 4 >&2")
        command.standardError = .standardOutput
        let result = try command.run()
        #expect(result.standardOutputText == "1234")
        #expect(result.standardError.isEmpty)
    }

    /// Past the limit the first `limit` bytes are kept, the flag is set, and the child still runs to
    /// its end (it is never blocked on a full pipe).
    @Test func captureLimitTruncatesAndSaysSo() throws {
        var command = sh("head -c 1000000 /dev/zero; echo done >&2")
        command.standardOutput = .capture(limit: 10)
        // Bounded: should reading stop at the limit, head would block on the full pipe for ever.
        let result = try command.run(timeout: .seconds(60))
        #expect(!result.timedOut, "the output past the limit was not read")
        #expect(result.succeeded)
        #expect(result.standardOutput == [UInt8](repeating: 0, count: 10))
        #expect(result.standardOutputTruncated)
        #expect(result.standardErrorText == "done\n" && !result.standardErrorTruncated)
    }

    @Test func filesByPathForEachStream() throws {
        try Harness.withTemporaryDirectory { directory in
            let input = directory + "/in", output = directory + "/out"
            try "from a file\n".write(toFile: input, atomically: false, encoding: .utf8)
            try "old\n".write(toFile: output, atomically: false, encoding: .utf8)
            var command = Command("cat")
            command.standardInput = .file(input)
            command.standardOutput = .file(output)
            #expect(try command.spawn().wait() == .exited(code: 0))
            #expect(try String(contentsOfFile: output, encoding: .utf8) == "from a file\n")
            command.standardOutput = .file(output, append: true)
            #expect(try command.spawn().wait() == .exited(code: 0))
            #expect(try String(contentsOfFile: output, encoding: .utf8) == "from a file\nfrom a file\n")
        }
    }

    @Test func nullAndAnExistingFileDescriptor() throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer { try? readEnd.close() }
        var command = sh("cat; printf written")
        command.standardInput = .null
        command.standardOutput = .fileDescriptor(writeEnd)
        command.standardError = .null
        let child = try command.spawn()
        try writeEnd.close()
        #expect(try child.wait() == .exited(code: 0))
        #expect(try readEnd.readToEnd(limit: 100).bytes == Array("written".utf8))
    }

    /// Asking for a pipe the child does not have: the `IfPiped` forms say nil, and the plain accessor is
    /// a programming error that stops the program (in a probe of its own) with a message naming the
    /// accessor, the program, and the setting that makes the pipe, or that the pipe was taken.
    @Test func aPipeTheCommandDidNotAskForIsNilOrStopsWithTheSetting() throws {
        let child = try Command("true").spawn()
        #expect(child.standardInputIfPiped == nil && child.standardOutputIfPiped == nil && child.standardErrorIfPiped == nil)
        #expect(try child.wait() == .exited(code: 0))

        let program = try ProbeProgram.build(
            "missing-pipe",
            """
            import ProcessKit
            var command = Command("true")
            if CommandLine.arguments[1] == "taken" { command.standardError = .pipe }
            let child = try command.spawn()
            _ = try child.wait()
            if CommandLine.arguments[1] == "taken" { try child.takeStandardError()?.close() }
            _ = child.standardError
            """, parseAsLibrary: false)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: program).deletingLastPathComponent().path) }
        for (argument, cause) in [
            ("missing", "its command did not set standardError = .pipe or .capture(limit:)"),
            ("taken", "or the pipe was taken"),
        ] {
            // Without the Swift runtime's backtracer, which a sanitizer would check as it reads the stack.
            var environment = ProcessInfo.processInfo.environment
            environment["SWIFT_BACKTRACE"] = "enable=no"
            let ran = try Harness.run(program, [argument], environment: environment)
            if Harness.sanitizer == nil {
                #expect(
                    ran.status == 128 + SIGILL || ran.status == 128 + SIGTRAP,
                    "\(argument): \(ran.status) \(ran.stdout) \(ran.stderr)")
            } else {  // a sanitizer's runtime takes the trap and ends the program its own way
                #expect(ran.status != 0, "\(argument): \(ran.status) \(ran.stdout) \(ran.stderr)")
            }
            #expect(
                ran.stderr.contains("ChildProcess.standardError: 'true' has no standard error pipe (")
                    && ran.stderr.contains(cause)
                    && ran.stderr.contains("use standardErrorIfPiped where it may be missing"), "\(argument): \(ran.stderr)")
        }
    }

    /// Streaming: the caller writes and reads the pipes itself.
    @Test func pipesTheCallerReadsAndWrites() throws {
        var command = Command("cat")
        command.standardInput = .pipe
        command.standardOutput = .pipe
        let child = try command.spawn()
        let input = child.standardInput, output = child.standardOutput
        try input.writeAll(Array("line one\n".utf8))
        #expect(try output.read(upToCount: 100) == Array("line one\n".utf8))
        child.closeStandardInput()
        #expect(child.standardInputIfPiped == nil)
        #expect(try output.read(upToCount: 100).isEmpty)
        #expect(try child.wait() == .exited(code: 0))
    }

    /// 64 MiB in and 64 MiB out through `cat` with both captured: only a loop that writes and reads at
    /// once gets through (the pipes hold 64 KiB).
    @Test func sixtyFourMiBEachWayThroughCat() throws {
        let size = 64 << 20
        var input = [UInt8](repeating: 0, count: size)
        for index in stride(from: 0, to: size, by: 4096) { input[index] = UInt8(truncatingIfNeeded: index >> 12) }
        var command = Command("cat")
        command.standardOutput = .capture(limit: size)
        let result = try command.run(input: input, timeout: .seconds(120))
        #expect(result.succeeded && !result.timedOut)
        #expect(result.standardOutput.count == size)
        #expect(result.standardOutput == input)
        #expect(!result.standardOutputTruncated)
    }

    /// A child writing 64 MiB to standard output and 64 MiB to standard error, both captured.
    @Test func sixtyFourMiBOnBothOutputs() throws {
        let size = 64 << 20
        var command = sh("head -c \(size) /dev/zero >&2 & head -c \(size) /dev/zero; wait")
        command.standardOutput = .capture(limit: size)
        command.standardError = .capture(limit: size)
        let result = try command.run(timeout: .seconds(120))
        #expect(result.succeeded && !result.timedOut)
        #expect(result.standardOutput.count == size && result.standardError.count == size)
        #expect(!result.standardOutput.contains { $0 != 0 })
    }

    /// A large output that is not a whole number of pages, every byte different from its neighbours,
    /// comes back exactly: the capture buffer grows several times on the way (its pages move into
    /// each larger buffer), and neither a page nor the odd bytes at either end of one may be lost,
    /// zeroed or doubled.
    @Test func aLargeOutputComesBackByteForByte() throws {
        try Harness.withTemporaryDirectory { directory in
            let size = (100 << 20) + 12345
            var expected = [UInt8](repeating: 0, count: size)
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            for index in 0..<size {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                expected[index] = UInt8(truncatingIfNeeded: state >> 56)
            }
            let path = directory + "/pattern"
            try Data(expected).write(to: URL(fileURLWithPath: path))
            var command = Command("cat", arguments: [path])
            command.standardOutput = .capture(limit: 1 << 30)
            let result = try command.run(timeout: .seconds(120))
            #expect(result.succeeded && !result.timedOut && !result.standardOutputTruncated)
            #expect(result.standardOutput.count == size)
            #expect(result.standardOutput == expected)

            // The same through readToEnd, which collects the same way from a blocking fd.
            let file = try FileDescriptor.open(path, .read)
            defer { try? file.close() }
            let read = try file.readToEnd(limit: size)
            #expect(read.bytes == expected && !read.truncated)
        }
    }

    /// The capture buffer grows by moving its pages into the larger buffer (``pk_move_bytes``): bytes
    /// arrive whole at an offset inside a page, from a source that an earlier move made of several
    /// mappings, and are copied when the two offsets differ. Words numbered by their position show
    /// a page lost, zeroed or put in the wrong place.
    @Test func movedPagesArriveWhole() throws {
        let size = 8 << 20, offset = 100
        let regions = (0..<4).map { _ in mmap(nil, 4 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)! }
        defer { for region in regions { munmap(region, 4 * size) } }
        #expect(!regions.contains { $0 == MAP_FAILED })
        func fill(_ base: UnsafeMutableRawPointer, words: Range<Int>) {
            for word in words { base.storeBytes(of: UInt64(word), toByteOffset: offset + word * 8, as: UInt64.self) }
        }
        func firstWrongWord(_ base: UnsafeMutableRawPointer, words: Int, shift: Int = 0) -> Int? {
            (0..<words).first { base.loadUnaligned(fromByteOffset: offset + shift + $0 * 8, as: UInt64.self) != UInt64($0) }
        }
        let firstWords = size / 8 - 100, secondWords = 2 * size / 8
        fill(regions[0], words: 0..<firstWords)
        pk_move_bytes(regions[1] + offset, regions[0] + offset, firstWords * 8)
        #expect(firstWrongWord(regions[1], words: firstWords) == nil)
        // More bytes after the moved ones, as reads add them: the source of the next move spans the
        // mapping moved in and the buffer's own.
        fill(regions[1], words: firstWords..<secondWords)
        pk_move_bytes(regions[2] + offset, regions[1] + offset, secondWords * 8 + 3)
        #expect(firstWrongWord(regions[2], words: secondWords) == nil)
        // Eight bytes further into its page: a copy.
        pk_move_bytes(regions[3] + offset + 8, regions[2] + offset, secondWords * 8)
        #expect(firstWrongWord(regions[3], words: secondWords, shift: 8) == nil)
    }

    /// A large capture gives the memory ahead of its reads in advance (``pk_prefault``): the pages of
    /// the range become resident, from the page it starts in to the last whole one, and bytes already
    /// there stay as they were.
    @Test func prefaultedPagesAreResidentAndKeepTheirBytes() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE))), pages = 64
        let region = try #require(mmap(nil, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        #expect(region != MAP_FAILED)
        defer { munmap(region, pages * page) }
        func residentPages() -> [Bool] {
            var vector = [UInt8](repeating: 0, count: pages)
            #expect(mincore(region, pages * page, &vector) == 0)
            return vector.map { $0 & 1 == 1 }
        }
        // Written: the first page and the one at 10.
        region.storeBytes(of: 0x5A, toByteOffset: 100, as: UInt8.self)
        region.storeBytes(of: 0xA5, toByteOffset: 10 * page + 7, as: UInt8.self)
        #expect(residentPages().filter { $0 }.count == 2)

        // From the middle of page 0 to the middle of page 20: pages 0 to 19 (the last page is not whole).
        pk_prefault(region + 100, 20 * page - 100 + page / 2)
        let resident = residentPages()
        #expect(resident[0..<20].allSatisfy { $0 } && !resident[20...].contains(true), "\(resident)")
        #expect(region.load(fromByteOffset: 100, as: UInt8.self) == 0x5A)
        #expect(region.load(fromByteOffset: 10 * page + 7, as: UInt8.self) == 0xA5)
        #expect(region.load(fromByteOffset: 5 * page, as: UInt8.self) == 0)
    }

    /// The limit is exact: output of exactly `limit` bytes is whole and not truncated, one byte more
    /// is truncated to the first `limit`; each stream has its own limit and flag.
    @Test func theCaptureLimitIsExactOnEachStream() throws {
        for (size, limit) in [(65536, 65536), (65537, 65536), (1 << 20, 3 << 19), (5 << 20, 1 << 20), (3, 1)] {
            var command = sh("head -c \(size) /dev/zero | tr '\\0' x; head -c \(size) /dev/zero | tr '\\0' y >&2")
            command.standardOutput = .capture(limit: limit)
            command.standardError = .capture(limit: limit + 1)
            let result = try command.run(timeout: .seconds(120))
            #expect(result.succeeded)
            // Counts and one Bool, not the arrays: a failure prints a line, not megabytes.
            #expect(
                result.standardOutput.count == min(size, limit) && result.standardOutput.allSatisfy { $0 == UInt8(ascii: "x") },
                "\(size) \(limit): kept \(result.standardOutput.count)")
            #expect(result.standardOutputTruncated == (size > limit), "\(size) \(limit)")
            #expect(
                result.standardError.count == min(size, limit + 1) && result.standardError.allSatisfy { $0 == UInt8(ascii: "y") },
                "\(size) \(limit): kept \(result.standardError.count)")
            #expect(result.standardErrorTruncated == (size > limit + 1), "\(size) \(limit)")
        }
    }

    /// A small output does not come back holding a large buffer: many small results stay small.
    @Test func aSmallOutputIsKeptAtItsSize() throws {
        let result = try sh("printf hello").run()
        #expect(result.standardOutputText == "hello")
        #expect(result.standardOutput.capacity < 4096, "capacity \(result.standardOutput.capacity)")
    }

    /// run() has nobody to hand a pipe to: a pipe for output is captured, a pipe for input is closed at
    /// once, so a child that writes a lot or reads to the end cannot hang it.
    @Test func runWithPipeSettingsCannotHang() throws {
        var command = Command("/bin/sh", arguments: ["-c", "cat; head -c 200000 /dev/zero; echo e >&2"])
        command.standardInput = .pipe
        command.standardOutput = .pipe
        command.standardError = .pipe
        let result = try command.run(timeout: .seconds(60))
        #expect(result.succeeded && !result.timedOut)
        #expect(result.standardOutput.count == 200_000 && result.standardErrorText == "e\n")
    }

    /// A child that stops reading its input early is no error: the rest has no reader.
    @Test func aChildThatStopsReadingInput() throws {
        let result = try Command("head", arguments: ["-c", "5"]).run(input: [UInt8](repeating: 65, count: 4 << 20))
        #expect(result.succeeded)
        #expect(result.standardOutputText == "AAAAA")
    }

    /// Only fds 0-2 and those passed explicitly reach the child, close-on-exec or not.
    @Test func onlyStandardAndPassedFileDescriptorsReachTheChild() throws {
        let (keptRead, keptWrite) = try FileDescriptor.pipe()
        let (leakRead, leakWrite) = try FileDescriptor.pipe()
        defer { for fd in [keptRead, keptWrite, leakRead, leakWrite] { try? fd.close() } }
        // Neither write end is close-on-exec now: only the explicit one may reach the child.
        _ = clearCloseOnExec(keptWrite.rawValue)
        _ = clearCloseOnExec(leakWrite.rawValue)
        var command = Command("/bin/sh", arguments: ["-c", "ls /proc/self/fd | sort -n | tr '\\n' ' '"])
        command.inheritedFileDescriptors = [keptWrite]
        let result = try command.run()
        let fds = result.standardOutputText.split(separator: " ").compactMap { Int32($0) }
        // ls itself opens one fd for reading the directory.
        #expect(fds.contains(keptWrite.rawValue), "\(fds)")
        #expect(!fds.contains(leakWrite.rawValue), "\(fds)")
        #expect(fds.filter { $0 > 2 && $0 != keptWrite.rawValue }.count <= 1, "\(fds)")
    }

    /// A passed fd reaches the child although it is close-on-exec here, as every fd ProcessKit opens is:
    /// the child clears the flag on the fds it is to keep.
    @Test func aPassedFileDescriptorReachesTheChildThoughItIsCloseOnExec() throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer { try? readEnd.close() }
        #expect(fcntl(writeEnd.rawValue, F_GETFD) & FD_CLOEXEC != 0)
        // Through /proc/self/fd: dash names only the fds 0-9 in a redirection.
        var command = Command("/bin/sh", arguments: ["-c", "echo through > /proc/self/fd/\(writeEnd.rawValue)"])
        command.inheritedFileDescriptors = [writeEnd]
        command.standardError = .null
        let status = try command.run(timeout: .seconds(60)).status
        try writeEnd.close()
        #expect(status == .exited(code: 0))
        #expect(try readEnd.readToEnd(limit: 100).bytes == Array("through\n".utf8))
    }
}

/// Clears FD_CLOEXEC with fcntl(F_SETFD, 0), as a library that opened an fd without it would have left it.
func clearCloseOnExec(_ fd: Int32) -> Int32 { fcntl(fd, F_SETFD, 0) }
