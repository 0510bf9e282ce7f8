import Foundation
import Testing
import ToolSupport

@Suite struct ReleaseVersionTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The version is MAJOR.MINOR.PATCH, as SemVer and Debian's version ordering both read it.
    @Test func versionIsThreeNumbers() {
        let parts = ReleaseVersion.number.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }, "\(ReleaseVersion.number)")
    }

    /// CHANGELOG.md's newest entry is the version the tools print, so a bump cannot forget the changelog
    /// (the Debian packages' changelogs are made from it).
    @Test func changelogStartsWithThisVersion() throws {
        let changelog = try String(contentsOfFile: Self.packageRoot + "/CHANGELOG.md", encoding: .utf8)
        let newest = changelog.split(separator: "\n").first { $0.hasPrefix("## ") }
        #expect(newest?.hasPrefix("## " + ReleaseVersion.number + " ") == true, "newest CHANGELOG.md entry: \(newest ?? "none")")
    }
}
