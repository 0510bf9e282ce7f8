import Foundation
import Testing
@testable import ToolSupport

@Suite struct AtomicFileTests {
    /// The new contents arrive as a new file renamed over the old one, never written into the old one:
    /// a reader that opened the file before the replacement goes on reading the old contents, whole.
    @Test func aReaderOfTheOldFileNeverSeesItChange() throws {
        let directory = NSTemporaryDirectory() + "atomic-file-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/status.json"
        try AtomicFile.replace(path, with: Array("old contents\n".utf8))
        let reader = try #require(FileHandle(forReadingAtPath: path))
        defer { try? reader.close() }
        try AtomicFile.replace(path, with: Array("new\n".utf8))
        #expect(String(decoding: try reader.readToEnd() ?? Data(), as: UTF8.self) == "old contents\n",
                "the old file was written in place, not replaced")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["status.json"], "a temporary file was left")
    }
}
