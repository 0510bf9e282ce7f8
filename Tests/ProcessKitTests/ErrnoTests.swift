import Testing
import ProcessKit

/// Errno's text is glibc's wording with either C library, including glibc's form for numbers it has
/// no text for (a musl build composes that one in Swift).
@Suite struct ErrnoTests {
    @Test func knownNumbersReadAsGlibcWordsThem() {
        #expect(Errno.noSuchFile.description == "No such file or directory")
        #expect(Errno(rawValue: 40).description == "Too many levels of symbolic links")
    }

    @Test func unknownNumbersReadAsUnknownErrorN() {
        #expect(Errno(rawValue: 4242).description == "Unknown error 4242")
        #expect(Errno(rawValue: -1).description == "Unknown error -1")
    }
}
