import ProcessKit

/// Who a child runs as: what a ``UserSpecification`` (`--user`) resolves to.
public struct UserIdentity: Equatable, Sendable {
    public var userID: UInt32
    public var groupID: UInt32
    /// Exactly the child's supplementary groups (none when empty).
    public var supplementaryGroups: [UInt32]
    /// The user's home directory, the child's HOME.
    public var home: [UInt8]

    public init(userID: UInt32, groupID: UInt32, supplementaryGroups: [UInt32], home: [UInt8]) {
        self.userID = userID
        self.groupID = groupID
        self.supplementaryGroups = supplementaryGroups
        self.home = home
    }

    /// `command` started as this user: its ids and groups, and HOME, whatever HOME was (as gosu does).
    public func apply(to command: inout Command) {
        command.userID = userID
        command.groupID = groupID
        command.supplementaryGroups = supplementaryGroups
        command.environment.set(Array("HOME".utf8), to: home)
    }
}
