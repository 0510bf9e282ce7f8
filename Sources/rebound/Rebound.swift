import ProcessKit
import ToolSupport

/// rebound: keeps a crashing program alive inside a container. It runs as PID 1 (or as a child
/// subreaper), restarts the program by the C rebound's rules with crash-loop backoff, forwards
/// signals to it and reaps every zombie.
@main
struct Rebound {
    static func main() {
        switch UsageError.parseOrExit("rebound", usage: ReboundText.usage, ReboundOptions.parse) {
        case .help: Output.exit(showing: ReboundText.usage)
        case .version: Output.exit(showing: ReboundText.version)
        case .run(let options):
            let user = UsageError.orExit("rebound") { () throws(UsageError) in try options.user?.resolve() }
            ProcessControl.exit(RestartLoop(options: options, user: user).run())
        }
    }
}
