import ProcessKit
import ToolSupport

/// rebound: keeps a crashing program alive inside a container. It runs as PID 1 (or as a child
/// subreaper), restarts the program by the C rebound's rules with crash-loop backoff, forwards
/// signals to it and reaps every zombie.
@main
struct Rebound {
    static func main() {
        let arguments = Arguments.currentBytes
        if arguments.first.map({ $0.elementsEqual(HealthCheckRunner.name.utf8) }) == true {
            HealthCheckRunner.main(Array(arguments.dropFirst()))
        }
        let request = UsageError.parseOrExit("rebound", usage: ReboundText.usage) { arguments throws(UsageError) in
            let request = try ReboundOptions.parse(arguments, environment: EnvironmentVariables(prefixes: "REBOUND_").value(of:))
            // On the file system, so not in parse, which only reads the words.
            if case .run(let options) = request, let path = options.statusFile { try StatusFile.check(path) }
            return request
        }
        switch request {
        case .help: Output.exit(showing: ReboundText.usage)
        case .version: Output.exit(showing: ReboundText.version)
        case .run(let options):
            let user = UsageError.orExit("rebound") { () throws(UsageError) in try options.user?.resolve() }
            ProcessControl.exit(RestartLoop(options: options, user: user).run())
        }
    }
}
