import Foundation
import Testing
import TestSupport

/// `--user` of the built swinit and rebound against gosu, the tool it follows, on this machine's own
/// /etc/passwd and /etc/group: for each user-spec the child's ids and groups (from its
/// /proc/self/status) and HOME are gosu's, and a spec gosu refuses is refused with exit code 1 and
/// one line.
@Suite struct UserOptionIntegrationTests {
    /// The specs compared: names, ids with and without entries, groups by name and id, the caller's
    /// own user (":GROUP"), and ones that name nothing. The postgres user and the ssl-cert group come
    /// with Debian's postgresql package.
    static let specs = [
        "postgres", "postgres:postgres", "postgres:ssl-cert", "postgres:0", "postgres:4243", "101",
        "nobody", "nobody:nogroup", "65534", "65534:65534", "4242", "4242:4243", "4242:postgres",
        "root", "0", ":postgres", "nosuch", "postgres:nosuch", "nosuch:postgres",
    ]

    static let probe =
        #"echo "HOME=$HOME"; while read -r name value; do case $name in Uid:|Gid:|Groups:) echo "$name $value";; esac; done < /proc/self/status"#

    func requirements() throws -> String {
        try Harness.require(geteuid() == 0, "needs root (changing ids)")
        let gosu = Harness.executable("/usr/sbin/gosu", "/usr/bin/gosu")
        try Harness.require(gosu != nil, "needs gosu as the reference (apt-get install gosu)")
        return gosu!
    }

    /// The ids, groups and HOME a child reports, or the exit code when it did not run.
    func outcome(_ run: ProgramRun) -> String {
        run.status == 0 ? run.stdout : "exit \(run.status)"
    }

    @Test(arguments: ["swinit", "rebound"])
    func userIsGosusUser(tool: String) throws {
        let gosu = try requirements()
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = "/somewhere/else"
        for spec in Self.specs {
            let expected = try Harness.run(gosu, [spec, "/bin/sh", "-c", Self.probe], environment: environment)
            let arguments =
                tool == "swinit"
                ? ["--user", spec, "--", "/bin/sh", "-c", Self.probe]
                : ["-q", "--user", spec, "--", "/bin/sh", "-c", Self.probe]
            let ours = try Harness.run(tool == "swinit" ? Harness.swinit : Harness.rebound, arguments, environment: environment)
            #expect(outcome(ours) == outcome(expected), "--user \(spec): \(ours.stderr)")
            if ours.status != 0 {
                let lines = ours.stderr.split(separator: "\n").filter { $0.hasPrefix(tool + ": ") }
                #expect(lines.count == 1 && lines[0].contains(" in /etc/"), "--user \(spec): \(ours.stderr)")
                #expect(!ours.stderr.contains("Usage:"), "a name not found is no usage error: \(ours.stderr)")
            }
        }
    }
}
