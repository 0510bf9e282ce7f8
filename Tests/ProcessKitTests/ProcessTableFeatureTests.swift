import Foundation
import Testing
@testable import ProcessKit

/// ProcessTable: reading /proc/PID/stat lines and finding the tree below a process.
@Suite struct ProcessTableFeatureTests {
    @Test func parsesStatLinesWhoseNameHasSpacesAndParentheses() throws {
        let entry = try #require(ProcessEntry(statLine: "1234 (my (odd) worker) S 17 1234 1234 0 -1 4194560 ..."))
        #expect(entry == ProcessEntry(pid: 1234, parentPID: 17, name: "my (odd) worker", state: UInt8(ascii: "S")))
        #expect(!entry.isZombie)
        #expect(ProcessEntry(statLine: "9 (z) Z 1 9 9")?.isZombie == true)
        #expect(entry.description == "1234 (my (odd) worker)")
    }

    @Test(arguments: ["", "garbage", "12 (x)", "x (y) S 1", "12 (y) S", "12 (y) SS 1", "12 (y) S -1"])
    func rejectsWhatIsNotAStatLine(_ line: String) {
        #expect(ProcessEntry(statLine: line) == nil)
    }

    @Test func descendantsFollowParentLinksDownTheWholeTree() {
        func entry(_ pid: Int32, _ parent: Int32) -> ProcessEntry {
            ProcessEntry(pid: pid, parentPID: parent, name: "p\(pid)", state: UInt8(ascii: "S"))
        }
        let table = [entry(1, 0), entry(10, 1), entry(11, 10), entry(12, 11), entry(13, 10), entry(20, 1), entry(21, 20)]
        #expect(ProcessTable.descendants(of: 10, in: table).map(\.pid) == [11, 12, 13])
        #expect(ProcessTable.descendants(of: 12, in: table).isEmpty)
        #expect(ProcessTable.descendants(of: 1, in: table).map(\.pid) == [10, 11, 12, 13, 20, 21])
    }

    @Test func findsThisProcesssRealChildAndGrandchild() throws {
        // sh starts a sleep in the background and prints its pid: both are below this test process.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "sleep 30 & echo $!; exec sleep 30"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { process.terminate() }
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let grandchild = try #require(Int32(line.trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(grandchild, SIGKILL) }
        let below = try ProcessTable.descendantsOfThisProcess().map(\.pid)
        #expect(below.contains(process.processIdentifier))
        #expect(below.contains(grandchild))
        #expect(!below.contains(getppid()))
    }
}
