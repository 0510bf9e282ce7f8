import Testing
import TestSupport

@Suite struct SwinitSmokeTests {
    @Test func exitsWithTheChildsCode() throws {
        try Harness.requireSubreaper()
        let result = try Harness.run(Harness.swinit, ["-s", "sh", "-c", "exit 3"])
        #expect(result.status == 3)
    }
}
