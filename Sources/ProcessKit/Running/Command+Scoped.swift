#if !hasFeature(Embedded)
extension Command {
    /// Starts the program (standard streams as set, inherited where nil), runs `body` with the child,
    /// and once `body` has returned or thrown stops the child with `teardown` if it still runs and
    /// reaps it: the child never outlives the call, and never stays a zombie. To let it finish
    /// instead, wait for it in `body` (`try child.wait()`).
    ///
    /// ```swift
    /// var command = Command("sh", arguments: ["-c", "echo ready; sleep 30"])
    /// command.standardOutput = .pipe
    /// let first = try command.run { child in try child.standardOutput.read(upToCount: 6) }   // "ready\n", sh stopped
    /// ```
    ///
    /// Hosted builds only (`body` throws untyped errors); Embedded code calls ``spawn()`` and then
    /// ``ChildProcess/tearDown(_:)-8fyqs`` in a `defer`.
    public func run<Value>(teardown: Teardown = .standard, _ body: (ChildProcess) throws -> Value) throws -> Value {
        let child = try spawn()
        defer { _ = try? child.tearDown(teardown) }
        return try body(child)
    }
}
#endif
