// processkit-bench: the measurements bench/run makes of ProcessKit, each printed as one JSON object.
//
//   processkit-bench spawn GIB RUNS          spawn+wait of /bin/true from a parent with GIB GiB resident:
//                                            ProcessKit, posix_spawn from C, Foundation's Process,
//                                            interleaved run by run; medians in microseconds
//   processkit-bench capture BYTES ROUNDS ZEROS [METHOD,...]
//                                            BYTES of a child's output (ZEROS BYTES writes them) read by a
//                                            plain C read() loop (discarding; keeping), ProcessKit's run()
//                                            capture (sync; async), ProcessKit's pipe read loop, Foundation's
//                                            Pipe; each sample a fresh process, methods rotated round by
//                                            round; median GiB/s and median CPU time of the reading process
//                                            per GiB (JSON), and a table with the ratios to the C loop that
//                                            keeps the bytes on standard error (METHODS: only those)
//   processkit-bench capture-one BYTES ZEROS METHOD
//                                            one sample of one method in this process (e.g. under perf)
//   processkit-bench async COUNT             COUNT concurrent `run()`s of /bin/true from async code with
//                                            ProcessKit, and with Foundation's Process (terminationHandler):
//                                            wall time and the most threads the process had
import CBench
import Foundation
import ProcessKit
import Synchronization

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty
        ? 0 : sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// CPU time (user + system) this process has used, in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func threadCount() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0 }

/// Runs async `body` to its end from synchronous code: the task runs on the cooperative pool while
/// this thread waits.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let semaphore = DispatchSemaphore(value: 0)
    let outcome = Mutex<Result<T, any Error>?>(nil)
    Task {
        do { let value = try await body(); outcome.withLock { $0 = .success(value) } } catch {
            outcome.withLock { $0 = .failure(error) }
        }
        semaphore.signal()
    }
    semaphore.wait()
    return try outcome.withLock { $0! }.get()
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// Process's child inherits the calling thread's signal mask; a benchmark does not care, but the
/// children are all /bin/true or zeros, which block nothing.
func foundationRun(_ path: String, _ arguments: [String] = [], output: Pipe? = nil) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let output { process.standardOutput = output }
    try process.run()
    return process
}

/// The most threads seen, shared by tasks.
final class Most: Sendable {
    let value = Atomic<Int>(0)
    func note() { _ = value.max(threadCount(), ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

func asyncBench(count: Int) async throws {
    let before = threadCount()
    let most = Most()
    let start = DispatchTime.now().uptimeNanoseconds
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<count {
            group.addTask {
                let result = try await Command("/bin/true").run()
                precondition(result.status == .exited(code: 0))
                most.note()
            }
        }
        try await group.waitForAll()
    }
    let processKitSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let foundationBefore = threadCount()
    let foundationMost = Most()
    let foundationStart = DispatchTime.now().uptimeNanoseconds
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<count {
            group.addTask {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/bin/true")
                    process.terminationHandler = { _ in continuation.resume() }
                    do { try process.run() } catch { continuation.resume(throwing: error) }
                }
                foundationMost.note()
            }
        }
        try await group.waitForAll()
    }
    let foundationSeconds = Double(DispatchTime.now().uptimeNanoseconds - foundationStart) / 1e9
    emit([
        "count": count,
        "processkit_seconds": (processKitSeconds * 1000).rounded() / 1000, "processkit_threads_before": before,
        "processkit_threads_most": most.count,
        "foundation_seconds": (foundationSeconds * 1000).rounded() / 1000, "foundation_threads_before": foundationBefore,
        "foundation_threads_most": foundationMost.count,
    ])
}

/// The readers `capture` compares, each reading BYTES from `zeros BYTES` and checking it got them all.
let captureMethods: [(name: String, body: (Int, String) throws -> Void)] = [
    ("c_read_loop", { bytes, zeros in precondition(cbench_read_loop(zeros, "\(bytes)", 65536) == bytes) }),
    ("c_read_keeping", { bytes, zeros in precondition(cbench_read_loop_keeping(zeros, "\(bytes)", 65536) == bytes) }),
    (
        "processkit_capture",
        { bytes, zeros in
            var command = Command(zeros, arguments: ["\(bytes)"])
            command.standardOutput = .capture(limit: bytes)
            let result = try command.run()
            precondition(result.standardOutput.count == bytes && !result.standardOutputTruncated)
        }
    ),
    (
        "processkit_capture_async",
        { bytes, zeros in
            var setting = Command(zeros, arguments: ["\(bytes)"])
            setting.standardOutput = .capture(limit: bytes)
            let command = setting
            let result = try blocking { try await command.run() }
            precondition(result.standardOutput.count == bytes && !result.standardOutputTruncated)
        }
    ),
    (
        "processkit_stream",
        { bytes, zeros in
            var command = Command(zeros, arguments: ["\(bytes)"])
            command.standardOutput = .pipe
            let child = try command.spawn()
            let output = child.standardOutput
            var total = 0
            try withUnsafeTemporaryAllocation(byteCount: 65536, alignment: 16) { buffer in
                while true {
                    let count = try output.read(into: buffer)
                    if count == 0 { break }
                    total += count
                }
            }
            _ = try child.wait()
            precondition(total == bytes)
        }
    ),
    (
        "foundation",
        { bytes, zeros in
            let pipe = Pipe()
            let process = try foundationRun(zeros, ["\(bytes)"], output: pipe)
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            precondition(data.count == bytes)
        }
    ),
]

let arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "spawn":
    let gibibytes = Int32(arguments[2])!, runs = Int(arguments[3])!
    guard cbench_make_resident(gibibytes) == 0 else { fatalError("cannot make \(gibibytes) GiB resident") }
    var samples: [String: [Double]] = ["processkit": [], "posix_spawn": [], "foundation": []]
    let methods: [(String, () throws -> Void)] = [
        ("processkit", { _ = try Command("/bin/true").spawn().wait() }),
        ("posix_spawn", { precondition(cbench_posix_spawn_wait("/bin/true") == 0) }),
        ("foundation", { try foundationRun("/bin/true").waitUntilExit() }),
    ]
    for method in methods { try method.1() }  // warm-up: first-use costs (PATH, dyld) out of the figures
    for run in 0..<runs {
        for index in 0..<methods.count {
            let (name, body) = methods[(run + index) % methods.count]
            samples[name]!.append(try seconds(body))
        }
    }
    var result: [String: Any] = ["resident_gib": Int(gibibytes), "runs": runs]
    for (name, values) in samples { result[name + "_us"] = (median(values) * 1e6 * 10).rounded() / 10 }
    emit(result)

case "capture":
    // Each sample in a fresh process (`capture-one`), methods rotated round by round: a reader that
    // frees 1 GiB changes what the next one's fresh memory costs, so none may run in another's wake
    // in the same process, and none always follows the same one.
    let bytes = Int(arguments[2])!, rounds = Int(arguments[3])!, zeros = arguments[4]
    let methods = arguments.count > 5 ? arguments[5].split(separator: ",").map(String.init) : captureMethods.map { $0.name }
    for name in methods where !captureMethods.contains(where: { $0.name == name }) { fatalError("no capture method \(name)") }
    var samples: [String: [Double]] = [:], cpu: [String: [Double]] = [:]
    for round in 0..<rounds {
        for index in methods.indices {
            let name = methods[(round + index) % methods.count]
            let result = try Command("/proc/self/exe", arguments: ["capture-one", "\(bytes)", zeros, name]).run()
            let fields = result.standardOutputText.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Double($0) }
            guard result.succeeded, fields.count == 2 else {
                fatalError("capture-one \(name): \(result.status) \(result.standardErrorText)")
            }
            samples[name, default: []].append(fields[0])
            cpu[name, default: []].append(fields[1])
        }
    }
    var result: [String: Any] = ["bytes": bytes, "rounds": rounds]
    for (name, values) in samples { result[name + "_gibps"] = (median(values) * 1000).rounded() / 1000 }
    for (name, values) in cpu { result[name + "_cpu_s_per_gib"] = (median(values) * 1000).rounded() / 1000 }
    // For a person: the medians side by side with their ratios to the C loop that keeps the bytes.
    let base = (samples["c_read_keeping"].map(median), cpu["c_read_keeping"].map(median))
    var table =
        "capture of \(bytes) bytes, medians of \(rounds) rounds, each sample a fresh process; ratios to the C loop that keeps the bytes "
        + "(throughput; CPU time, higher is less)\n"
    for name in methods {
        let rate = median(samples[name]!), seconds = median(cpu[name]!)
        let ratios = base.0.map { String(format: " %5.2f×", rate / $0) } ?? ""
        let cpuRatios = base.1.map { String(format: " %5.2f×", $0 / seconds) } ?? ""
        table +=
            "  " + name.padding(toLength: 26, withPad: " ", startingAt: 0)
            + String(format: " %6.3f GiB/s", rate) + ratios + String(format: "   %6.3f CPU s/GiB", seconds) + cpuRatios + "\n"
    }
    table += "reproduce: \(arguments.joined(separator: " "))\n"
    FileHandle.standardError.write(Data(table.utf8))
    emit(result)

case "capture-one":
    // One sample: throughput and this process's CPU time per GiB, as "GIBPS CPU".
    let bytes = Int(arguments[2])!, zeros = arguments[3]
    let method = captureMethods.first { $0.name == arguments[4] }!
    let cpuBefore = processCPUSeconds()
    let elapsed = try seconds { try method.body(bytes, zeros) }
    let gibibytes = Double(bytes) / 1_073_741_824
    print("\(gibibytes / elapsed) \((processCPUSeconds() - cpuBefore) / gibibytes)")

case "async":
    try await asyncBench(count: Int(arguments[2])!)

default:
    FileHandle.standardError.write(
        Data(
            "usage: processkit-bench spawn GIB RUNS | capture BYTES ROUNDS ZEROS [METHOD,...] | capture-one BYTES ZEROS METHOD | async COUNT\n"
                .utf8))
    exit(2)
}
