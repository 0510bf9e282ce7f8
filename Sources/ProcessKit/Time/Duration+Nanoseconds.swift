extension Duration {
    /// The longest span a ``Deadline`` adds: a billion seconds, about 31 years. Far beyond any
    /// sensible timeout, and far enough below `Int64.max` nanoseconds that no sum can overflow.
    static let longestWait: Int64 = 1_000_000_000

    /// This span in whole nanoseconds, as the clock readings of ``Deadline`` count: what is below a
    /// nanosecond is dropped, a negative span is 0 and more than ``longestWait`` seconds counts as
    /// that. The one place a `Duration` becomes a number, so that everything under it works in
    /// 64-bit integers (cheap in the static binaries) and no caller's value can overflow.
    package var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        if seconds < 0 || attoseconds < 0 { return 0 }  // both carry the span's sign; seconds is 0 above -1 s
        if seconds >= Duration.longestWait { return Duration.longestWait * 1_000_000_000 }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
