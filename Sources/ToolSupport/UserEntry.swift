/// One user of /etc/passwd ("name:password:uid:gid:gecos:home:shell"), as `--user` reads it.
public struct UserEntry: Equatable, Sendable {
    public let name: [UInt8]
    public let userID: UInt32
    public let groupID: UInt32
    public let home: [UInt8]

    public init(name: [UInt8], userID: UInt32, groupID: UInt32, home: [UInt8]) {
        self.name = name
        self.userID = userID
        self.groupID = groupID
        self.home = home
    }

    /// The users of a passwd file's bytes, in order. A line that is not a user (too few fields, an
    /// id that is not a number, an empty name) is skipped, so one bad line hides no other user.
    public static func entries(in file: [UInt8]) -> [UserEntry] {
        var entries: [UserEntry] = []
        for fields in AccountFile.records(file, fields: 7) {
            guard !fields[0].isEmpty, let user = AccountFile.id(fields[2]), let group = AccountFile.id(fields[3]) else {
                continue
            }
            entries.append(UserEntry(name: Array(fields[0]), userID: user, groupID: group, home: Array(fields[5])))
        }
        return entries
    }
}
