import ProcessKit
import ToolSupport

/// swinit: PID 1 for containers, a drop-in tini. It starts one child, forwards signals to it,
/// reaps every zombie and exits with the child's exit code.
@main
struct Swinit {
    static func main() {
        let request: SwinitRequest
        // swinit's settings in the environment all start with TINI_ or SWINIT_: one pass picks them out.
        let settings = EnvironmentVariables(prefixes: "TINI_", "SWINIT_")
        do {
            request = try SwinitOptions.parse(Array(Arguments.currentBytes.dropFirst()), environment: settings.value(of:))
        } catch {
            Output.error("swinit: " + error.message)
            Output.error(SwinitText.usage)
            ProcessControl.exit(1)
        }
        switch request {
        case .help:
            Output.standard(SwinitText.usage)
            ProcessControl.exit(0)
        case .version:
            Output.standard(SwinitText.version)
            ProcessControl.exit(0)
        case .license:
            Output.standard(SwinitText.license)
            ProcessControl.exit(0)
        case .run(let options):
            ProcessControl.exit(Supervisor(options: options).run())
        }
    }
}
