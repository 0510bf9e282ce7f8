import CProcessKit

/// NUL-terminated copies of byte strings in one block of `char *` slots, in groups each ended by a
/// NULL (argv, envp, ...), freed when it goes away. Notes the first string that has a NUL byte of
/// its own, which C would read as its end.
final class CStringArray {
    private let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int
    private var groupStarts: [Int] = []
    /// Where the first string with a NUL byte is: its group and its index there.
    private(set) var firstWithNUL: (group: Int, index: Int)?

    init(groups: [[[UInt8]]]) {
        var total = 0
        for group in groups { total += group.count + 1 }
        count = total
        pointer = .allocate(capacity: total)
        var slot = 0
        for (groupIndex, group) in groups.enumerated() {
            groupStarts.append(slot)
            for (index, bytes) in group.enumerated() {
                let copy = malloc(bytes.count + 1)!  // freed in deinit
                bytes.withUnsafeBytes { source in
                    if let base = source.baseAddress { copy.copyMemory(from: base, byteCount: bytes.count) }
                }
                copy.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
                if firstWithNUL == nil && memchr(copy, 0, bytes.count) != nil { firstWithNUL = (groupIndex, index) }
                pointer[slot] = copy.assumingMemoryBound(to: CChar.self)
                slot += 1
            }
            pointer[slot] = nil
            slot += 1
        }
    }

    /// The NULL-terminated slots of group `index`.
    func group(_ index: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> { pointer + groupStarts[index] }

    /// True when `byte` occurs in `bytes` (memchr: one small call instead of a generic search per use).
    static func has(_ byte: UInt8, in bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { $0.count > 0 && memchr($0.baseAddress!, Int32(byte), $0.count) != nil }
    }

    deinit {
        for index in 0..<count { free(pointer[index]) }
        pointer.deallocate()
    }
}
