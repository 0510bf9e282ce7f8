import CProcessKit

/// This process's command-line arguments, argv[0] first. Works in Embedded Swift too, where
/// `CommandLine` does not exist: the C target captures argv before `main` runs.
public enum Arguments {
    /// argv exactly as the kernel passed it, each argument's bytes without the NUL: an argument
    /// need not be UTF-8 (a Latin-1 file name), and a program and arguments handed on to a child
    /// must reach it unchanged.
    public static var currentBytes: [[UInt8]] {
        let argv = pk_argv()
        return (0..<Int(pk_argc())).map { Array(UnsafeRawBufferPointer(start: argv[$0], count: strlen(argv[$0]))) }
    }
}
