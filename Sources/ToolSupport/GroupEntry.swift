/// One group of /etc/group ("name:password:gid:member,member"), as `--user` reads it.
public struct GroupEntry: Equatable, Sendable {
    public let name: [UInt8]
    public let groupID: UInt32
    /// The users listed as members: the group is one of their supplementary groups.
    public let members: [[UInt8]]

    public init(name: [UInt8], groupID: UInt32, members: [[UInt8]]) {
        self.name = name
        self.groupID = groupID
        self.members = members
    }

    /// The groups of a group file's bytes, in order. A line that is not a group (too few fields, an
    /// id that is not a number, an empty name) is skipped, so one bad line hides no other group.
    public static func entries(in file: [UInt8]) -> [GroupEntry] {
        var entries: [GroupEntry] = []
        for fields in AccountFile.records(file, fields: 4) {
            guard !fields[0].isEmpty, let id = AccountFile.id(fields[2]) else { continue }
            var members: [[UInt8]] = []
            for member in AccountFile.split(fields[3], at: UInt8(ascii: ",")) where !member.isEmpty {
                members.append(Array(member))
            }
            entries.append(GroupEntry(name: Array(fields[0]), groupID: id, members: members))
        }
        return entries
    }
}
