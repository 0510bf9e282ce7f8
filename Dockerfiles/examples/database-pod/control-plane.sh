#!/bin/sh
# A database pod's control plane, reduced to what matters to its init: it starts PostgreSQL with
# pg_ctl (which daemonizes the postmaster, so the postmaster is re-parented to PID 1, rebound), keeps a
# client session open, and otherwise waits. It runs as the database's user: rebound --user postgres
# starts it so (pg_ctl refuses to run as root). If it crashes, rebound starts it again; it then finds the
# database running and leaves it alone. It never stops the database: on pod stop, rebound's --grace
# drain does (--grace-signal INT: PostgreSQL's fast shutdown).
#
# Settings (environment):
#   PGDATA        the data directory (initdb'ed)
#   PGRUNDIR      a directory for the Unix socket, the server log and this script's state files
#   PGBIN         where pg_ctl and psql are (default: the first /usr/lib/postgresql/*/bin)
#   HEALTH_FILE   optional: a file the control plane touches about once a second while it works,
#                 for rebound's --health-cmd to read (a control plane that hangs stops touching it)
set -u
: "${PGDATA:?set PGDATA}" "${PGRUNDIR:?set PGRUNDIR}"
if [ -z "${PGBIN:-}" ]; then
    for dir in /usr/lib/postgresql/*/bin; do PGBIN=$dir; done
fi
echo $$ > "$PGRUNDIR/control-plane.pid"
echo "control plane $$: starting" >&2

if "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    echo "control plane $$: PostgreSQL is already running (postmaster pid $(head -1 "$PGDATA/postmaster.pid")), leaving it alone" >&2
else
    # No TCP: only the Unix socket in PGRUNDIR.
    "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGRUNDIR/postgresql.log" -w -t 60 \
        -o "-k $PGRUNDIR -c listen_addresses=''" start >&2 || exit 1
    echo "control plane $$: started PostgreSQL (postmaster pid $(head -1 "$PGDATA/postmaster.pid"))" >&2
fi
head -1 "$PGDATA/postmaster.pid" > "$PGRUNDIR/postmaster.pid"

echo "control plane $$: ready" >&2
echo $$ > "$PGRUNDIR/control-plane.ready"
# The control plane's own client session, open for as long as it runs (a real one would watch the
# database through it). Not in the background: a non-interactive shell starts background commands
# with SIGINT ignored, and then the drain's SIGINT could not end them.
if [ -n "${HEALTH_FILE:-}" ]; then
    # With a heartbeat: one short query a second, the file touched after each (the sign of life
    # rebound's health check reads), so a hung control plane or a hung session shows within seconds.
    while :; do
        if "$PGBIN/psql" -X -q -h "$PGRUNDIR" -U postgres -d postgres -c "select pg_sleep(1)" >/dev/null 2>&1; then
            touch "$HEALTH_FILE"
        else
            sleep 1
        fi
    done
fi
while :; do
    "$PGBIN/psql" -X -q -h "$PGRUNDIR" -U postgres -d postgres -c "select pg_sleep(86400)" >/dev/null 2>&1
    sleep 1
done
