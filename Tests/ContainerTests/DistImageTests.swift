import Foundation
import Testing
import TestSupport

/// The README's offline route: an image built from dist/ alone (Dockerfiles/Dockerfile.dist, FROM
/// scratch, nothing pulled), for amd64 and arm64. The architecture that is not this machine's runs
/// under qemu-user through binfmt_misc (.ci/run registers it). Part of ContainerTests, whose podman
/// runs are serialized.
extension ContainerTests {
    static var hostArchitecture: String {
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return machine == "aarch64" ? "arm64" : "amd64"
    }

    @Test(arguments: ["amd64", "arm64"])
    func imageBuiltFromDistRunsOnItsArchitecture(architecture: String) throws {
        _ = try ContainerImage.shared()  // podman, runc and root are here, or the test skips
        if architecture != Self.hostArchitecture {
            let qemu = architecture == "arm64" ? "qemu-aarch64" : "qemu-x86_64"
            if !FileManager.default.fileExists(atPath: "/proc/sys/fs/binfmt_misc/" + qemu) {
                try Test.cancel(
                    "skipped: \(architecture) containers need \(qemu) registered with binfmt_misc, which this kernel does not have"
                )
            }
        }
        let build = try Harness.run(ContainerImage.packageRoot + "/scripts/build-static", ["--arch", architecture], timeout: 900)
        try #require(build.status == 0, "scripts/build-static --arch \(architecture): \(build.stderr)")

        // A tag of this test's own, as in dockerfileVariantsRunTheirProgramAndStopCleanly.
        let image = "localhost/processkit-dist:" + architecture + "-" + UUID().uuidString.prefix(8).lowercased()
        try Podman.run(
            [
                "build", "-q", "--platform", "linux/" + architecture, "-f",
                ContainerImage.packageRoot + "/Dockerfiles/Dockerfile.dist", "-t", image,
                ContainerImage.packageRoot + "/dist",
            ], timeout: 300)
        defer { _ = try? Podman.run(["rmi", "-f", image], check: false) }
        let inspected = try Podman.run(["image", "inspect", "--format", "{{.Architecture}}", image])
        #expect(inspected.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == architecture)

        // swinit (the ENTRYPOINT, PID 1) runs rebound, which runs swinit again: both binaries work there.
        let nested = try Container.runToEnd(
            image: image, arguments: ["/rebound", "-r", "1", "--", "/swinit", "--version"],
            timeout: 120)
        #expect(nested.status == 0, "\(nested)")
        #expect(nested.stdout.contains("swinit version"), "\(nested)")
        // The child's exit code is the container's.
        let missing = try Container.runToEnd(image: image, arguments: ["/nonexistent"], timeout: 120)
        #expect(missing.status == 127, "\(missing)")
    }
}
