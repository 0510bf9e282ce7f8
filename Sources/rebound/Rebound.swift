import ProcessKit
import ToolSupport

/// rebound: keeps a crashing program alive inside a container. It runs as PID 1 (or as a child
/// subreaper), restarts the program by the C rebound's rules with crash-loop backoff, forwards
/// signals to it and reaps every zombie.
@main
struct Rebound {
    static func main() {
        let request: ReboundRequest
        do {
            request = try ReboundOptions.parse(Array(Arguments.currentBytes.dropFirst()))
        } catch {
            Output.error("rebound: " + error.message)
            Output.error(ReboundText.usage)
            ProcessControl.exit(1)
        }
        switch request {
        case .help:
            Output.standard(ReboundText.usage)
            ProcessControl.exit(0)
        case .version:
            Output.standard(ReboundText.version)
            ProcessControl.exit(0)
        case .run(let options):
            ProcessControl.exit(RestartLoop(options: options).run())
        }
    }
}
