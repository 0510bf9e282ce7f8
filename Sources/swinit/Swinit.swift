import ProcessKit
import ToolSupport

/// swinit: PID 1 for containers, a drop-in tini. It starts one child, forwards signals to it,
/// reaps every zombie and exits with the child's exit code.
@main
struct Swinit {
    static func main() {
        // swinit's settings in the environment all start with TINI_ or SWINIT_: one pass picks them out.
        let settings = EnvironmentVariables(prefixes: "TINI_", "SWINIT_")
        switch UsageError.parseOrExit(
            "swinit", usage: SwinitText.usage,
            { arguments throws(UsageError) in
                try SwinitOptions.parse(arguments, environment: settings.value(of:))
            })
        {
        case .help: Output.exit(showing: SwinitText.usage)
        case .version: Output.exit(showing: SwinitText.version)
        case .license: Output.exit(showing: SwinitText.license)
        case .run(let options):
            let user = UsageError.orExit("swinit") { () throws(UsageError) in try options.user?.resolve() }
            ProcessControl.exit(Supervisor(options: options, user: user).run())
        }
    }
}
