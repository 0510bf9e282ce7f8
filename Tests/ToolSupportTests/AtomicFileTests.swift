import Foundation
import ProcessKit
import Testing
@testable import ToolSupport

/// AtomicFile's writes in a directory someone else can write: whatever sits at the temporary name is
/// refused (EEXIST) and left alone without being followed, opened or waited on; the final path is
/// checked before use; the directory rule. The same against real binaries and another user:
/// ReboundAdversarialTests.
@Suite struct AtomicFileTests {
    func withDirectory(_ body: (String) throws -> Void) throws {
        var template = Array("/tmp/atomic-file-test-XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    /// The new contents arrive as a new file renamed over the old one, never written into the old one:
    /// a reader that opened the file before the replacement goes on reading the old contents, whole.
    @Test func aReaderOfTheOldFileNeverSeesItChange() throws {
        try withDirectory { directory in
            let path = directory + "/status.json"
            try AtomicFile.replace(Array(path.utf8), with: Array("old contents\n".utf8))
            let reader = try #require(FileHandle(forReadingAtPath: path))
            defer { try? reader.close() }
            try AtomicFile.replace(Array(path.utf8), with: Array("new\n".utf8))
            #expect(
                String(decoding: try reader.readToEnd() ?? Data(), as: UTF8.self) == "old contents\n",
                "the old file was written in place, not replaced")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory) == ["status.json"], "a temporary file was left")
        }
    }

    @Test func whatIsAlreadyAtTheTemporaryPathIsRefusedAndLeftAlone() throws {
        try withDirectory { directory in
            let target = directory + "/target", final = directory + "/status.json"
            try "secret".write(toFile: target, atomically: false, encoding: .utf8)
            let link = directory + "/link", fifo = directory + "/fifo", file = directory + "/file"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            try #require(mkfifo(fifo, 0o666) == 0)
            try "theirs".write(toFile: file, atomically: false, encoding: .utf8)
            for planted in [link, fifo, file, directory + "/dangling"] {
                if planted.hasSuffix("dangling") {
                    try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: directory + "/nowhere")
                }
                // A FIFO would block an open without O_NONBLOCK; O_EXCL refuses it before that.
                #expect(throws: Errno(rawValue: EEXIST)) {
                    try AtomicFile.replace(Array(final.utf8), with: Array("{}".utf8), through: Array(planted.utf8))
                }
            }
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "secret")
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "theirs")
            #expect(!FileManager.default.fileExists(atPath: directory + "/nowhere"))
            #expect(!FileManager.default.fileExists(atPath: final))
        }
    }

    @Test func theFileWrittenHasTheModeAskedForWhateverTheUmask() throws {
        try withDirectory { directory in
            let path = directory + "/status.json"
            let previous = umask(0o077)
            defer { umask(previous) }
            try AtomicFile.replace(Array(path.utf8), with: Array("{}\n".utf8))
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["status.json"])
        }
    }

    @Test func temporaryNamesAreHiddenBesideThePathAndNeverTheSame() {
        func temporaryPath(for path: String) -> String {
            String(decoding: AtomicFile.temporaryPath(for: Array(path.utf8)), as: UTF8.self)
        }
        let first = temporaryPath(for: "/run/db/status.json"), second = temporaryPath(for: "/run/db/status.json")
        #expect(
            first.hasPrefix("/run/db/.status.json.") && first.utf8.count == "/run/db/.status.json.".utf8.count + 16, "\(first)")
        #expect(first != second)
        #expect(temporaryPath(for: "status.json").hasPrefix(".status.json."))
    }

    @Test func finalPathsOtherThanRegularFilesAreRefused() throws {
        try withDirectory { directory in
            try #require(mkfifo(directory + "/fifo", 0o666) == 0)
            try FileManager.default.createSymbolicLink(atPath: directory + "/link", withDestinationPath: directory + "/missing")
            try "{}".write(toFile: directory + "/regular", atomically: false, encoding: .utf8)
            #expect(AtomicFile.refusal(for: Array((directory + "/fifo").utf8)) == "is not a regular file")
            #expect(AtomicFile.refusal(for: Array(("/dev/full").utf8)) == "is not a regular file")
            #expect(AtomicFile.refusal(for: Array((directory).utf8)) == "is not a regular file")
            #expect(AtomicFile.refusal(for: Array((directory + "/link").utf8)) == "is a symbolic link")
            #expect(AtomicFile.refusal(for: Array((directory + "/regular").utf8)) == nil)
            #expect(AtomicFile.refusal(for: Array((directory + "/missing").utf8)) == nil)
        }
    }

    @Test func directoriesOthersCanWriteAreWarnedAbout() {
        // Another user's directory: its owner can replace anything in it, sticky or not.
        #expect(AtomicFile.writableByOthers(owner: 65534, mode: 0o755, me: 0))
        #expect(AtomicFile.writableByOthers(owner: 65534, mode: 0o1777, me: 0))
        // Group or world writable without the sticky bit.
        #expect(AtomicFile.writableByOthers(owner: 0, mode: 0o777, me: 0))
        #expect(AtomicFile.writableByOthers(owner: 0, mode: 0o775, me: 0))
        // Not: one's own or root's directory that only its owner writes, /tmp (sticky), a directory
        // of another user's that they cannot write either.
        #expect(!AtomicFile.writableByOthers(owner: 0, mode: 0o755, me: 0))
        #expect(!AtomicFile.writableByOthers(owner: 1000, mode: 0o755, me: 1000))
        #expect(!AtomicFile.writableByOthers(owner: 0, mode: 0o755, me: 1000))
        #expect(!AtomicFile.writableByOthers(owner: 0, mode: 0o1777, me: 0))
        #expect(!AtomicFile.writableByOthers(owner: 65534, mode: 0o555, me: 0))
        #expect(AtomicFile.directoryName(of: Array("/run/db/status.json".utf8)) == Array("/run/db".utf8))
        #expect(AtomicFile.directoryName(of: Array("/status.json".utf8)) == Array("/".utf8))
        #expect(AtomicFile.directoryName(of: Array("status.json".utf8)) == Array(".".utf8))
        #expect(AtomicFile.octal(0o1777) == "1777" && AtomicFile.octal(0o755) == "0755")
    }
}
