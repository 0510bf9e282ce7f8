import Testing
@testable import ToolSupport

@Suite struct OptionScannerTests {
    typealias Option = OptionScanner.Option

    /// Every option and the operands left, or the error.
    func scan(
        _ arguments: [String], flags: [OptionScanner.Name] = ["v", "s", "g", "w", "verbose"],
        valued: [OptionScanner.Name] = ["e", "p", "name"]
    ) -> Result<([Option], [String]), UsageError> {
        var scanner = OptionScanner(arguments.map { Array($0.utf8) }, flags: flags, valued: valued)
        var options: [Option] = []
        do {
            while let option = try scanner.next() { options.append(option) }
        } catch {
            return .failure(error)
        }
        return .success((options, scanner.operands.map { String(decoding: $0, as: UTF8.self) }))
    }

    func options(_ arguments: [String]) -> [Option]? { try? scan(arguments).get().0 }
    func operands(_ arguments: [String]) -> [String]? { try? scan(arguments).get().1 }
    func error(_ arguments: [String]) -> String? {
        if case .failure(let error) = scan(arguments) { return error.message }
        return nil
    }

    @Test func separateFlags() {
        #expect(options(["-v", "-s", "prog"]) == [Option(name: "v", value: nil), Option(name: "s", value: nil)])
        #expect(operands(["-v", "-s", "prog"]) == ["prog"])
    }

    @Test func clusters() {
        #expect(
            options(["-vvg", "x"]) == [
                Option(name: "v", value: nil), Option(name: "v", value: nil), Option(name: "g", value: nil),
            ])
        // A valued option ends a cluster: the rest of it, or the next argument, is its value.
        #expect(
            options(["-vse143", "x"]) == [
                Option(name: "v", value: nil), Option(name: "s", value: nil), Option(name: "e", value: Array("143".utf8)),
            ])
        #expect(options(["-ve", "143", "x"]) == [Option(name: "v", value: nil), Option(name: "e", value: Array("143".utf8))])
        #expect(operands(["-ve", "143", "x"]) == ["x"])
    }

    @Test func valueAttachedOrSeparate() {
        #expect(options(["-e143", "x"]) == [Option(name: "e", value: Array("143".utf8))])
        #expect(options(["-e", "143", "x"]) == [Option(name: "e", value: Array("143".utf8))])
        #expect(operands(["-e", "143", "x", "y"]) == ["x", "y"])
        // A separate value is taken as is, even when it looks like an option.
        #expect(options(["-e", "-v", "x"]) == [Option(name: "e", value: Array("-v".utf8))])
        #expect(options(["-e", "", "x"]) == [Option(name: "e", value: Array("".utf8))])
    }

    @Test func longOptions() {
        #expect(options(["--name=value", "x"]) == [Option(name: "name", value: Array("value".utf8))])
        #expect(options(["--name", "value", "x"]) == [Option(name: "name", value: Array("value".utf8))])
        #expect(options(["--name=", "x"]) == [Option(name: "name", value: Array("".utf8))])
        #expect(options(["--name=a=b", "x"]) == [Option(name: "name", value: Array("a=b".utf8))])
        #expect(options(["--verbose", "x"]) == [Option(name: "verbose", value: nil)])
        #expect(error(["--verbose=1", "x"]) == "option '--verbose' takes no value")
    }

    @Test func missingValue() {
        #expect(error(["-e"]) == "option '-e' needs a value")
        #expect(error(["-ve"]) == "option '-e' needs a value")
        #expect(error(["--name"]) == "option '--name' needs a value")
    }

    @Test func unknownOptions() {
        #expect(error(["-x", "prog"]) == "unknown option '-x'")
        #expect(error(["-vx", "prog"]) == "unknown option '-x'")
        #expect(error(["--nope", "prog"]) == "unknown option '--nope'")
        #expect(error(["--nope=1", "prog"]) == "unknown option '--nope'")
    }

    @Test func stopsAtTheFirstNonOption() {
        let arguments = ["-v", "sh", "-s", "-c", "exit 3"]
        #expect(options(arguments) == [Option(name: "v", value: nil)])
        #expect(operands(arguments) == ["sh", "-s", "-c", "exit 3"])
        // A lone "-" is an operand (stdin), not an option.
        #expect(options(["-", "-v"]) == [])
        #expect(operands(["-", "-v"]) == ["-", "-v"])
        // Nothing after the options.
        #expect(operands(["-v"]) == [])
        #expect(operands([]) == [])
    }

    @Test func doubleDashEndsOptions() throws {
        #expect(options(["-v", "--", "-s", "prog"]) == [Option(name: "v", value: nil)])
        #expect(operands(["-v", "--", "-s", "prog"]) == ["-s", "prog"])
        #expect(operands(["--"]) == [])
        // Only the first "--" is taken; a later one belongs to the program.
        #expect(operands(["--", "--", "x"]) == ["--", "x"])
        // Once the options have ended, next() keeps returning nil.
        var scanner = OptionScanner([Array("--".utf8), Array("-v".utf8)], flags: ["v"], valued: [])
        #expect(try scanner.next() == nil)
        #expect(try scanner.next() == nil)
        #expect(scanner.operands == [Array("-v".utf8)])
    }

    @Test func operandsKeepTheirBytes() throws {
        let latin1: [UInt8] = [0x63, 0x61, 0x66, 0xE9]  // "café" in Latin-1: not UTF-8
        var scanner = OptionScanner([Array("-v".utf8), latin1, [0xFF]], flags: ["v"], valued: [])
        #expect(try scanner.next() == Option(name: "v", value: nil))
        #expect(try scanner.next() == nil)
        #expect(scanner.operands == [latin1, [0xFF]])
    }

    @Test func optionValuesKeepTheirBytes() throws {
        // A path or a command that is not UTF-8, attached, separate and in a cluster.
        let value: [UInt8] = [0x73, 0x74, 0xFF, 0x2E, 0x6A]
        var scanner = OptionScanner(
            [
                Array("--name=".utf8) + value, Array("--name".utf8), value, Array("-ve".utf8) + value,
                Array("-e".utf8), value, Array("x".utf8),
            ], flags: ["v"], valued: ["e", "name"])
        #expect(try scanner.next() == Option(name: "name", value: value))
        #expect(try scanner.next() == Option(name: "name", value: value))
        #expect(try scanner.next() == Option(name: "v", value: nil))
        #expect(try scanner.next() == Option(name: "e", value: value))
        #expect(try scanner.next() == Option(name: "e", value: value))
        #expect(try scanner.next() == nil)
    }

    @Test func unknownOptionsAreNamedOnOneLine() {
        var scanner = OptionScanner([Array("--a\nb".utf8), [UInt8(ascii: "-"), 0xFF]], flags: [], valued: [])
        #expect(throws: UsageError(message: "unknown option '--a\\x0ab'")) { try scanner.next() }
        #expect(throws: UsageError(message: "unknown option '-\\xff'")) { try scanner.next() }
    }
}
