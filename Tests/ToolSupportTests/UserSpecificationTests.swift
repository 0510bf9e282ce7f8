import ProcessKit
import Testing
@testable import ToolSupport

/// `--user USER[:GROUP]` against sample /etc/passwd and /etc/group files with lines that are not
/// entries: the rules are gosu's (Tests/IntegrationTests/UserOptionIntegrationTests compares the
/// built tools with gosu itself on this machine's files).
@Suite struct UserSpecificationTests {
    static let passwd = Array(
        """
        root:x:0:0:root:/root:/bin/bash
        # a comment
        daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin

        a line that is no entry
        short:x:5:5
        baduid:x:abc:5::/home/bad:/bin/sh
        :x:7:7::/nameless:/bin/sh
        postgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash
        second101:x:101:999::/second:/bin/sh
        app:x:1000:1000::/home/app:/bin/sh
        """.utf8)
    static let group = Array(
        """
        root:x:0:
        ssl-cert:x:103:postgres
        postgres:x:104:
        bad:x:notanumber:postgres
        staff:x:50:app,postgres
        app:x:1000:
        short:x:9
        """.utf8)

    /// What `spec` resolves to in the sample files, for a caller running as uid 0, gid 7.
    func resolve(_ spec: String) throws(UsageError) -> UserIdentity {
        try UserSpecification(parsing: Array(spec.utf8), for: "--user").resolve(
            users: UserEntry.entries(in: Self.passwd), groups: GroupEntry.entries(in: Self.group), ownUserID: 0, ownGroupID: 7)
    }

    func rejection(_ spec: String) -> String? {
        do throws(UsageError) {
            _ = try resolve(spec)
            return nil
        } catch {
            return error.message
        }
    }

    func identity(_ user: UInt32, _ group: UInt32, _ groups: [UInt32], _ home: String) -> UserIdentity {
        UserIdentity(userID: user, groupID: group, supplementaryGroups: groups, home: Array(home.utf8))
    }

    @Test func linesThatAreNoEntriesAreSkipped() {
        #expect(
            UserEntry.entries(in: Self.passwd).map { String(decoding: $0.name, as: UTF8.self) }
                == ["root", "daemon", "postgres", "second101", "app"])
        #expect(
            GroupEntry.entries(in: Self.group).map { String(decoding: $0.name, as: UTF8.self) }
                == ["root", "ssl-cert", "postgres", "staff", "app"])
        #expect(GroupEntry.entries(in: Self.group)[3].members == [Array("app".utf8), Array("postgres".utf8)])
        #expect(UserEntry.entries(in: []).isEmpty && GroupEntry.entries(in: Array("\n\n".utf8)).isEmpty)
    }

    @Test func aNameBringsItsIdsHomeAndTheGroupsThatListIt() throws {
        #expect(try resolve("postgres") == identity(101, 104, [103, 50], "/var/lib/postgresql"))
        // A number is the first user with that id.
        #expect(try resolve("101") == identity(101, 104, [103, 50], "/var/lib/postgresql"))
        #expect(try resolve("app") == identity(1000, 1000, [50], "/home/app"))
        #expect(try resolve("root") == identity(0, 0, [], "/root"))
        // "user:" is the user alone.
        #expect(try resolve("postgres:") == identity(101, 104, [103, 50], "/var/lib/postgresql"))
    }

    @Test func aGroupReplacesTheGroupIdAndTheSupplementaryGroups() throws {
        #expect(try resolve("postgres:postgres") == identity(101, 104, [], "/var/lib/postgresql"))
        #expect(try resolve("postgres:staff") == identity(101, 50, [], "/var/lib/postgresql"))
        #expect(try resolve("postgres:50") == identity(101, 50, [], "/var/lib/postgresql"))
        #expect(try resolve("postgres:4243") == identity(101, 4243, [], "/var/lib/postgresql"))
        // Empty USER: the caller's user, found by its id.
        #expect(try resolve(":app") == identity(0, 1000, [], "/root"))
    }

    @Test func anIdWithNoUserKeepsTheCallersGroupAndHasHomeSlash() throws {
        #expect(try resolve("4242") == identity(4242, 7, [], "/"))
        #expect(try resolve("4242:4243") == identity(4242, 4243, [], "/"))
        #expect(try resolve("4242:postgres") == identity(4242, 104, [], "/"))
        #expect(try resolve("2147483647") == identity(2_147_483_647, 7, [], "/"))
    }

    @Test func missingUsersAndGroupsAndBadFormsAreOneLineErrors() {
        #expect(rejection("nosuch") == "no user 'nosuch' in /etc/passwd (--user nosuch)")
        // Its line is not an entry, so there is no such user.
        #expect(rejection("baduid") == "no user 'baduid' in /etc/passwd (--user baduid)")
        #expect(rejection("postgres:nosuch") == "no group 'nosuch' in /etc/group (--user postgres:nosuch)")
        #expect(rejection("postgres:bad") == "no group 'bad' in /etc/group (--user postgres:bad)")
        #expect(rejection("2147483648") == "user and group ids go up to 2147483647: --user 2147483648")
        #expect(rejection("app:99999999999") == "user and group ids go up to 2147483647: --user app:99999999999")
        let form = "(use USER, USER:GROUP, UID or UID:GID)"
        #expect(rejection("") == "not a valid user for --user: '' \(form)")
        #expect(rejection("a:b:c") == "not a valid user for --user: 'a:b:c' \(form)")
    }

    @Test func theIdentityGoesOnTheCommandWithHome() {
        var command = Command("true")
        command.environment = ["HOME=/root", "PATH=/bin"]
        identity(101, 104, [103], "/var/lib/postgresql").apply(to: &command)
        #expect(command.userID == 101 && command.groupID == 104 && command.supplementaryGroups == [103])
        #expect(command.environment.value(of: "HOME") == "/var/lib/postgresql")
        #expect(command.environment.value(of: "PATH") == "/bin")
    }
}
