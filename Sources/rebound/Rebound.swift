import ProcessKit

/// rebound: PID 1 that restarts its child when it crashes. (Being written.)
@main
struct Rebound {
    static func main() {
        Output.error("rebound: not implemented yet")
        ProcessControl.exit(1)
    }
}
