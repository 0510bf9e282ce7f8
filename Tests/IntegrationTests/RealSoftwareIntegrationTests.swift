import Foundation
import Testing
import TestSupport

/// The two stories swinit and rebound exist for, with the real software from Debian (`postgresql`,
/// `redis-server`, `ruby-sidekiq`) and the programs of Dockerfiles/examples: a PostgreSQL pod whose control plane
/// crashes under rebound, and a Sidekiq worker whose entrypoint does not `exec`, under swinit. The init
/// is PID 1 of a fresh PID namespace, as in a container. Everything starts in a temporary directory:
/// PostgreSQL and Redis listen on Unix sockets there, with no TCP. Each test also shows the failure
/// the feature prevents, so it proves it can fail. Every wait is bounded and polls for a sign of
/// progress (a file, a log line, a row), never a fixed sleep.
@Suite(.serialized) struct RealSoftwareIntegrationTests {
    /// Dockerfiles/examples of this checkout: the programs Dockerfile.database-pod and
    /// Dockerfile.sidekiq-worker put in their images.
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Dockerfiles/examples").path

    /// The newest Debian PostgreSQL's programs, /usr/lib/postgresql/N/bin (not a wrapper on the PATH).
    static var postgresBin: String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return versions.compactMap { Int($0) }.sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin" }
            .first {
                FileManager.default.isExecutableFile(atPath: $0 + "/pg_ctl")
                    && FileManager.default.isExecutableFile(atPath: $0 + "/initdb")
            }
    }

    /// Shell helpers: bounded polling for a file, a line in a file, or a command's success; the
    /// host pid of the child of `$1` whose pid inside the namespace is `$2`.
    static let prelude = #"""
        set -u
        fail() { echo "FAILED: $*" >&2; exit 90; }
        wait_until() { limit=$1; shift; i=0; while ! "$@" 2>/dev/null; do i=$((i+1)); [ $i -gt $((limit*20)) ] && fail "waited $limit s for: $*"; sleep 0.05; done; }
        has() { grep -q "$2" "$1"; }
        nonempty() { [ -s "$1" ]; }
        host_pid() { for p in $(cat /proc/$1/task/$1/children); do [ "$(awk '/^NSpid/{print $NF}' /proc/$p/status)" = "$2" ] && echo $p; done; }

        """#

    func requirePostgres() throws -> String {
        try Harness.requirePIDNamespaces()
        let bin = Self.postgresBin
        try Harness.require(bin != nil, "needs PostgreSQL (apt-get install postgresql)")
        try Harness.require(getpwnam("postgres") != nil, "needs the postgres user (apt-get install postgresql)")
        return bin!
    }

    func requireSidekiq() throws {
        try Harness.requirePIDNamespaces()
        try Harness.require(
            Harness.executable("/usr/bin/redis-server") != nil && Harness.executable("/usr/bin/redis-cli") != nil,
            "needs Redis (apt-get install redis-server)")
        try Harness.require(Harness.executable("/usr/bin/sidekiq") != nil, "needs Sidekiq (apt-get install ruby-sidekiq)")
    }

    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    // MARK: The database pod under rebound

    /// How rebound stops the database pod.
    enum DatabaseStop: String, CaseIterable, CustomTestStringConvertible {
        /// No drain: the kernel SIGKILLs PostgreSQL when rebound exits.
        case plain
        /// `--grace 30 --grace-signal INT`: PostgreSQL's fast shutdown, what the docs recommend.
        case graceInterrupt
        /// `--grace 30`: SIGTERM, PostgreSQL's smart shutdown, which waits for sessions to end; it
        /// ends cleanly too, because the drain's SIGTERM also reaches every backend and ends its session.
        case graceTerminate
        var testDescription: String { rawValue }

        var flags: String {
            switch self {
            case .plain: return ""
            case .graceInterrupt: return "--grace 30 --grace-signal INT"
            case .graceTerminate: return "--grace 30"
            }
        }
    }

    /// The control plane starts PostgreSQL with pg_ctl and keeps a session open; it crashes (SIGSEGV)
    /// twice and rebound restarts it, while the postmaster keeps its pid. Then the pod stops: SIGTERM
    /// to rebound. With --grace PostgreSQL shuts down ("database system is shut down") and the next
    /// start runs no recovery; without it the kernel SIGKILLs PostgreSQL when rebound exits, and the
    /// next start has to recover. rebound runs as root and starts the control plane as the database's
    /// user (`--user postgres`; pg_ctl refuses to run as root), and `swinit --user postgres` runs initdb
    /// and the next start: no runuser, gosu or su-exec.
    @Test(arguments: DatabaseStop.allCases)
    func databasePodStopsCleanlyOnlyWithGrace(stop: DatabaseStop) throws {
        let bin = try requirePostgres()
        try Harness.withTemporaryDirectory { directory in
            chmod(directory, 0o755)
            _ = chown(directory, getpwnam("postgres").pointee.pw_uid, getpwnam("postgres").pointee.pw_gid)
            let flags = stop.flags
            let result = try Harness.shell(
                Self.prelude + #"""
                    D=\#(directory); cd "$D"
                    export PGBIN=\#(bin) PGDATA=$D/data PGRUNDIR=$D
                    "$SWINIT" -s --user postgres -- "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres > "$D/initdb.log" 2>&1 || fail "initdb: $(cat $D/initdb.log)"
                    ulimit -c 0  # the crashes below dump no core
                    unshare --pid --fork --mount-proc "$REBOUND" --user postgres \#(flags) -- \#(Self.examples)/database-pod/control-plane.sh 2> "$D/rebound.log" & u=$!
                    wait_until 60 nonempty "$D/control-plane.ready"
                    rebound=$(cat /proc/$u/task/$u/children)
                    postmaster=$(cat "$D/postmaster.pid")
                    echo "postmaster $postmaster"
                    for crash in 1 2; do
                        wait_until 60 nonempty "$D/control-plane.ready"
                        cp=$(cat "$D/control-plane.ready"); rm "$D/control-plane.ready"
                        kill -SEGV "$(host_pid $rebound $cp)" || fail "no control plane to crash"
                        wait_until 60 has "$D/rebound.log" "killed by signal 11, restarting ($crash)"
                    done
                    wait_until 60 nonempty "$D/control-plane.ready"
                    [ "$(cat "$D/postmaster.pid")" = "$postmaster" ] || fail "the postmaster changed: $(cat $D/postmaster.pid), was $postmaster"
                    # The control plane's client session is open when the pod stops.
                    session() { [ "$("$PGBIN/psql" -X -At -h "$D" -U postgres -d postgres -c "select count(*) from pg_stat_activity where query like 'select pg_sleep%'")" -ge 1 ]; }
                    wait_until 60 session
                    kill -TERM $rebound
                    wait $u; echo "status=$?"
                    # The next start of the database, in a namespace of its own, then a clean stop.
                    unshare --pid --fork --mount-proc "$SWINIT" --user postgres -- sh -c '
                        "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGRUNDIR/next-start.log" -w -t 60 -o "-k $PGRUNDIR -c listen_addresses=" start >/dev/null &&
                        "$PGBIN/pg_ctl" -D "$PGDATA" -w -t 60 -m fast stop >/dev/null' || fail "the next start failed: $(cat $D/next-start.log)"
                    echo "--- rebound.log"; cat "$D/rebound.log"
                    echo "--- postgresql.log"; cat "$D/postgresql.log"
                    echo "--- next-start.log"; cat "$D/next-start.log"
                    """#, timeout: 240)
            let first = read(directory + "/postgresql.log"), next = read(directory + "/next-start.log")
            let rebound = read(directory + "/rebound.log")
            #expect(!result.stderr.contains("FAILED"), "\(result.stderr)")
            #expect(result.stdout.contains("status=143"), "\(result)")
            #expect(
                rebound.contains("already running"), "the restarted control plane did not find the database running: \(rebound)")
            if stop != .plain {
                let (signal, request) = stop == .graceInterrupt ? ("SIGINT", "fast") : ("SIGTERM", "smart")
                #expect(rebound.contains("rebound: grace: sending \(signal) to "), "\(rebound)")
                #expect(rebound.contains("rebound: grace: every process left in time"), "\(rebound)")
                #expect(first.contains("received \(request) shutdown request"), "\(first)")
                #expect(first.contains("database system is shut down"), "\(first)")
                #expect(next.contains("database system was shut down at"), "\(next)")
                #expect(!next.contains("automatic recovery in progress"), "the next start recovered: \(next)")
            } else {
                #expect(!first.contains("database system is shut down"), "\(first)")
                #expect(next.contains("database system was not properly shut down; automatic recovery in progress"), "\(next)")
            }
            print(result.stdout)
        }
    }

    /// The control plane touches a health file after each 1 s query; rebound's health check reads
    /// the file's age. The control plane then freezes (SIGSTOP): the checks fail, rebound restarts
    /// the control plane alone, the new one finds the database running, and the postmaster keeps
    /// its pid. Meanwhile a reader polls the status file: every read parses.
    @Test func databasePodRestartsAFrozenControlPlaneAndOnlyIt() throws {
        let bin = try requirePostgres()
        try Harness.withTemporaryDirectory { directory in
            chmod(directory, 0o755)
            _ = chown(directory, getpwnam("postgres").pointee.pw_uid, getpwnam("postgres").pointee.pw_gid)
            let check = #"[ $(( $(date +%s) - $(stat -c %Y "$HEALTH_FILE" 2>/dev/null || echo 0) )) -lt 3 ]"#
            let result = try Harness.shell(
                Self.prelude + #"""
                    D=\#(directory); cd "$D"
                    export PGBIN=\#(bin) PGDATA=$D/data PGRUNDIR=$D HEALTH_FILE=$D/control-plane.alive
                    "$SWINIT" -s --user postgres -- "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres > "$D/initdb.log" 2>&1 || fail "initdb: $(cat $D/initdb.log)"
                    unshare --pid --fork --mount-proc "$REBOUND" --user postgres --grace 30 --grace-signal INT --stop-timeout 5 \
                        --health-cmd '\#(check)' --health-interval 1 --health-retries 2 --health-start-period 60 \
                        --status-file "$D/status.json" -- \#(Self.examples)/database-pod/control-plane.sh 2> "$D/rebound.log" & u=$!
                    # A reader that parses the status file as fast as it can, until told to stop.
                    python3 -c '
                    import json, os, sys, time
                    path, stop = sys.argv[1], sys.argv[2]
                    reads = bad = 0
                    while not os.path.exists(stop):
                        time.sleep(0.001)
                        try:
                            text = open(path).read()
                        except FileNotFoundError:
                            continue
                        reads += 1
                        try:
                            json.loads(text)
                        except ValueError:
                            bad += 1
                    print("reads=%d bad=%d" % (reads, bad))
                    ' "$D/status.json" "$D/stop-reading" > "$D/reader.out" & reader=$!
                    wait_until 60 nonempty "$D/control-plane.ready"
                    rebound=$(cat /proc/$u/task/$u/children)
                    postmaster=$(cat "$D/postmaster.pid")
                    wait_until 60 has "$D/status.json" '"health":"healthy"'
                    cp=$(cat "$D/control-plane.ready"); rm "$D/control-plane.ready"
                    kill -STOP "$(host_pid $rebound $cp)" || fail "no control plane to freeze"
                    wait_until 60 has "$D/rebound.log" "unhealthy, restarting (1)"
                    wait_until 60 nonempty "$D/control-plane.ready"
                    [ "$(cat "$D/postmaster.pid")" = "$postmaster" ] || fail "the postmaster changed: $(cat $D/postmaster.pid), was $postmaster"
                    wait_until 60 has "$D/status.json" '"health":"healthy"'
                    touch "$D/stop-reading"; wait $reader
                    cat "$D/status.json"
                    kill -TERM $rebound
                    wait $u; echo "status=$?"
                    cat "$D/reader.out"
                    echo "--- rebound.log"; cat "$D/rebound.log"
                    """#, timeout: 240)
            let rebound = read(directory + "/rebound.log"), log = read(directory + "/postgresql.log")
            #expect(!result.stderr.contains("FAILED"), "\(result.stderr)\n\(rebound)")
            #expect(result.stdout.contains("status=143"), "\(result)")
            #expect(rebound.contains("rebound: health check failed (1/2): exit 1"), "\(rebound)")
            #expect(rebound.contains("rebound: health check failed (2/2): exit 1"), "\(rebound)")
            #expect(
                rebound.range(of: #"rebound: child \(pid [0-9]+\) unhealthy, restarting \(1\)"#, options: .regularExpression)
                    != nil, "\(rebound)")
            #expect(
                rebound.contains("already running"), "the restarted control plane did not find the database running: \(rebound)")
            #expect(
                rebound.components(separatedBy: "rebound: starting ").count == 3,
                "the control plane started other than twice: \(rebound)")
            // One start of PostgreSQL, no crash, and a clean stop by the drain.
            #expect(log.components(separatedBy: "database system is ready to accept connections").count == 2, "\(log)")
            #expect(log.contains("database system is shut down"), "\(log)")
            #expect(result.stdout.contains("bad=0") && !result.stdout.contains("reads=0 "), "\(result.stdout)")
            #expect(result.stdout.contains(#""state":"running""#) && result.stdout.contains(#""restarts":1"#), "\(result.stdout)")
            print(result.stdout)
        }
    }

    // MARK: The Sidekiq worker under swinit

    /// How swinit runs the example entrypoint, and what must become of the long job in flight.
    enum SidekiqStop: String, CaseIterable, CustomTestStringConvertible {
        /// No drain: swinit exits when the entrypoint shell dies, and the kernel kills Sidekiq mid-job.
        case plain
        /// tini in swinit's place: the same loss.
        case tini
        /// --grace: Sidekiq gets SIGTERM and its -t seconds, then pushes the job back to Redis.
        case grace
        /// -g --stop-sequence TSTP,N,TERM --grace: Sidekiq goes quiet at once and takes no new job.
        case stopSequence
        var testDescription: String { rawValue }

        var flags: String {
            switch self {
            case .plain, .tini: return ""
            case .grace: return "--grace 10"
            case .stopSequence: return "-g --stop-sequence TSTP,3,TERM --grace 10"
            }
        }
    }

    @Test(arguments: SidekiqStop.allCases)
    func sidekiqJobInFlightSurvivesTheStopOnlyWithADrain(stop: SidekiqStop) throws {
        try requireSidekiq()
        let tini = Harness.executable("/usr/bin/tini", "/usr/local/bin/tini")
        if stop == .tini { try Harness.require(tini != nil, "needs tini to compare with (apt-get install tini)") }
        let initProgram = stop == .tini ? tini! : "\"$SWINIT\""
        try Harness.withTemporaryDirectory { directory in
            func job(_ name: String, _ seconds: Int) -> String {
                #"{"class":"SlowJob","args":["\#(name)",\#(seconds)],"jid":"\#(name)-job-0123456789abc","queue":"default","retry":false,"created_at":1700000000.0,"enqueued_at":1700000000.0}"#
            }
            let result = try Harness.shell(
                Self.prelude + #"""
                    D=\#(directory); cd "$D"
                    redis-server --port 0 --unixsocket "$D/redis.sock" --daemonize yes --dir "$D" --save "" --appendonly no \
                        --pidfile "$D/redis.pid" --logfile "$D/redis.log" || fail "redis-server did not start"
                    trap 'kill $(cat "$D/redis.pid") 2>/dev/null' EXIT
                    wait_until 30 test -S "$D/redis.sock"
                    redis() { redis-cli -s "$D/redis.sock" "$@"; }
                    export REDIS_SOCKET=$D/redis.sock MARKER_DIR=$D SIDEKIQ_TIMEOUT=3 SIDEKIQ_CONCURRENCY=2
                    unshare --pid --fork --mount-proc \#(initProgram) -v \#(stop.flags) -- \#(Self.examples)/sidekiq-worker/entrypoint.sh > "$D/out.log" 2>&1 & u=$!
                    redis SADD queues default > /dev/null
                    redis LPUSH queue:default '\#(job("long", 60))' > /dev/null
                    wait_until 60 nonempty "$D/long.started"
                    init=$(cat /proc/$u/task/$u/children)
                    kill -TERM $init
                    if [ \#(stop == .stopSequence ? 1 : 0) = 1 ]; then
                        wait_until 30 has "$D/out.log" "Received TSTP, no longer accepting new work"
                        # A new job now stays in Redis: Sidekiq is quiet, though one of its two threads is free.
                        redis LPUSH queue:default '\#(job("late", 0))' > /dev/null
                    fi
                    wait $u; echo "status=$?"
                    echo "queued: $(redis LRANGE queue:default 0 -1 | sed -n 's/.*"args":\["\([a-z]*\)".*/\1/p' | sort | tr '\n' ' ')"
                    ls "$D"
                    """#, timeout: 120)
            let output = read(directory + "/out.log")
            #expect(!result.stderr.contains("FAILED"), "\(result.stderr)\n\(output)")
            // The entrypoint shell died of the SIGTERM (or, stopped by SIGTSTP with -g, of the SIGTERM that followed).
            #expect(result.stdout.contains("status=143"), "\(result)\n\(output)")
            #expect(!result.stdout.contains("long.done"), "the 60 s job cannot have finished")
            switch stop {
            case .plain, .tini:
                #expect(
                    result.stdout.contains("queued: \n"),
                    "the job should be lost: neither done nor in Redis\n\(result)\n\(output)")
                #expect(!output.contains("Pushed 1 jobs back to Redis"), "\(output)")
            case .grace:
                #expect(result.stdout.contains("queued: long \n"), "the job is not back in Redis\n\(result)\n\(output)")
                #expect(output.contains("Pushed 1 jobs back to Redis"), "\(output)")
                #expect(output.contains("Grace: every process left in time"), "\(output)")
            case .stopSequence:
                #expect(result.stdout.contains("queued: late long \n"), "\(result)\n\(output)")
                #expect(!result.stdout.contains("late.started"), "Sidekiq took a job after SIGTSTP\n\(result)\n\(output)")
                #expect(output.contains("Pushed 1 jobs back to Redis"), "\(output)")
            }
            print(output)
        }
    }
}
