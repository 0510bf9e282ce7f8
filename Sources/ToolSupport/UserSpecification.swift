import CProcessKit
import ProcessKit

/// The value of `--user USER[:GROUP]`, read as gosu reads its user-spec (the rules of runc's
/// libcontainer/user, which gosu uses):
/// - USER is a name in /etc/passwd, or a number: the user with that id, or that id alone when no
///   user has it (the group id then stays this process's, as with gosu and `docker run --user`);
///   empty (":GROUP") is this process's user.
/// - A user found in /etc/passwd brings its group id and home directory, and, without GROUP, every
///   group of /etc/group that lists it as a member as its supplementary groups.
/// - GROUP is a name in /etc/group, or a number: the group with that id, or that id alone. With
///   GROUP the child has no supplementary groups.
/// - HOME is set to the user's home directory, "/" for an id with no user.
///
/// The files are read directly, without NSS (see ``AccountFile``).
public struct UserSpecification: Equatable, Sendable {
    /// The text as given, for messages.
    public let text: String
    let user: [UInt8]
    let group: [UInt8]

    /// The highest id gosu accepts (runc's range); larger ids are refused as they would be there.
    static let maximumID: UInt32 = 2_147_483_647

    /// Checks the form only; the names are looked up by ``resolve(users:groups:ownUserID:ownGroupID:)``.
    public init(parsing bytes: [UInt8], for option: String) throws(UsageError) {
        text = String(decoding: bytes, as: UTF8.self)
        let parts = AccountFile.split(bytes[...], at: UInt8(ascii: ":"))
        guard !bytes.isEmpty, parts.count <= 2 else {
            throw UsageError(message: "not a valid user for \(option): '\(text)' (use USER, USER:GROUP, UID or UID:GID)")
        }
        user = Array(parts[0])
        group = parts.count > 1 ? Array(parts[1]) : []
    }

    /// The identity this names, looked up in the contents of /etc/passwd (`users`) and /etc/group
    /// (`groups`); this process's ids are what an empty USER or an id with no user keeps.
    public func resolve(
        users: [UserEntry], groups: [GroupEntry], ownUserID: UInt32, ownGroupID: UInt32
    ) throws(UsageError) -> UserIdentity {
        let userNumber = try number(user)
        // A number is always an id, never a name, as in gosu.
        let entry = users.first { candidate in
            if user.isEmpty { return candidate.userID == ownUserID }
            if let userNumber { return candidate.userID == userNumber }
            return candidate.name == user
        }
        var identity = UserIdentity(userID: ownUserID, groupID: ownGroupID, supplementaryGroups: [], home: Array("/".utf8))
        if let entry {
            identity = UserIdentity(userID: entry.userID, groupID: entry.groupID, supplementaryGroups: [], home: entry.home)
        } else if let userNumber {
            identity.userID = userNumber
        } else if !user.isEmpty {
            throw UsageError(message: "no user '\(String(decoding: user, as: UTF8.self))' in /etc/passwd (--user \(text))")
        }
        if !group.isEmpty {
            let groupNumber = try number(group)
            if let found = groups.first(where: { candidate in
                groupNumber.map { candidate.groupID == $0 } ?? (candidate.name == group)
            }) {
                identity.groupID = found.groupID
            } else if let groupNumber {
                identity.groupID = groupNumber
            } else {
                throw UsageError(message: "no group '\(String(decoding: group, as: UTF8.self))' in /etc/group (--user \(text))")
            }
        } else if let entry {
            for candidate in groups where candidate.members.contains(entry.name) {
                identity.supplementaryGroups.append(candidate.groupID)
            }
        }
        return identity
    }

    /// The identity this names on this system: /etc/passwd and /etc/group as they are now, and
    /// this process's own ids.
    public func resolve() throws(UsageError) -> UserIdentity {
        func read(_ path: String) throws(UsageError) -> [UInt8] {
            do { return try AccountFile.read(path) } catch {
                throw UsageError(message: "cannot read \(path) for --user \(text): \(error)")
            }
        }
        return try resolve(
            users: UserEntry.entries(in: read("/etc/passwd")), groups: GroupEntry.entries(in: read("/etc/group")),
            ownUserID: getuid(), ownGroupID: getgid())
    }

    /// The id that `part` (all digits) names; nil for a name. Ids above ``maximumID`` are refused.
    private func number(_ part: [UInt8]) throws(UsageError) -> UInt32? {
        guard !part.isEmpty, part.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        guard let id = AccountFile.id(part[...]), id <= UserSpecification.maximumID else {
            throw UsageError(message: "user and group ids go up to \(UserSpecification.maximumID): --user \(text)")
        }
        return id
    }
}
