import Foundation
import Testing
import TestSupport
import ProcessKit

/// ProcessKit in a process that ignores SIGCHLD, where the kernel would reap children itself and
/// their status would be lost: a program of its own (the test runner must not ignore SIGCHLD, its
/// other tests' children would be reaped away), which ignores SIGCHLD before every form of start and
/// wait, sync and async, and prints what each gave.
@Suite struct IgnoredChildSignalTests {
    static let source = #"""
        import ProcessKit

        @main struct Probe {
            static func ignoreChildSignal() { try? Signal.child.setDisposition(.ignore) }
            static func statuses(_ result: PipelineResult) -> String { result.statuses.map { $0.description }.joined(separator: ", ") }

            static let exit3 = Command("/bin/sh", arguments: ["-c", "exit 3"])
            static let echo4 = Command("/bin/sh", arguments: ["-c", "echo out; exit 4"])
            static let pipeline = Command("/bin/echo", arguments: ["x"]) | Command("/bin/sh", arguments: ["-c", "cat; exit 5"])

            /// The synchronous forms, outside the async main, which would pick the async overloads.
            static func synchronousForms() {
                ignoreChildSignal()
                do { print("wait: \(try exit3.spawn().wait())") } catch { print("wait: \(error)") }
                print("SIGCHLD after a start: \(Signal.child.disposition)")
                ignoreChildSignal()
                do { print("wait until: \(try exit3.spawn().wait(until: .after(.seconds(60))).map { $0.description } ?? "deadline")") } catch { print("wait until: \(error)") }
                ignoreChildSignal()
                do { let result = try echo4.run(); print("run: \(result.status) \(result.standardOutputText)", terminator: "") } catch { print("run: \(error)") }
                ignoreChildSignal()
                do { let result = try pipeline.run(); print("pipeline: \(statuses(result)) \(result.standardOutputText)", terminator: "") } catch { print("pipeline: \(error)") }
            }

            /// Ignored again while a child runs: the kernel reaps it at its end, and the wait says so.
            static func lateChild() throws -> ChildProcess {
                var command = Command("/bin/sh", arguments: ["-c", "read line"])
                command.standardInput = .pipe
                let child = try command.spawn()
                ignoreChildSignal()
                child.closeStandardInput()
                return child
            }

            static func lateWait() {
                do { print("late wait: \(try lateChild().wait())") } catch { print("late wait: \(error)") }
            }

            static func main() async {
                synchronousForms()
                ignoreChildSignal()
                do { print("async wait: \(try await exit3.spawn().wait())") } catch { print("async wait: \(error)") }
                ignoreChildSignal()
                do { let result = try await echo4.run(); print("async run: \(result.status) \(result.standardOutputText)", terminator: "") } catch { print("async run: \(error)") }
                ignoreChildSignal()
                do { let result = try await pipeline.run(); print("async pipeline: \(statuses(result)) \(result.standardOutputText)", terminator: "") } catch { print("async pipeline: \(error)") }
                lateWait()
                do { print("late async wait: \(try await lateChild().wait())") } catch { print("late async wait: \(error)") }
            }
        }
        """#

    static let probe = Result { try ProbeProgram.build("ignored-sigchld", source) }

    /// Every form gets the child's real status: SIGCHLD is set back to its default action when a
    /// child starts. One ignored again while a child runs ends that child's wait with ECHILD, and no
    /// wait hangs (the run is bounded).
    @Test func everyFormGetsTheRealStatus() throws {
        let probe = try Self.probe.get()
        let result = try Harness.run(probe, [], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.split(separator: "\n").map(String.init) == [
                "wait: exited with status 3",
                "SIGCHLD after a start: default",
                "wait until: exited with status 3",
                "run: exited with status 4 out",
                "pipeline: exited with status 0, exited with status 5 x",
                "async wait: exited with status 3",
                "async run: exited with status 4 out",
                "async pipeline: exited with status 0, exited with status 5 x",
                "late wait: No child processes",
                "late async wait: No child processes",
            ], "\(result.stdout)")
    }
}
