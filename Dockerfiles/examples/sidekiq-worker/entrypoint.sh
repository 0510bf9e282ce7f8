#!/bin/sh
# The worker image's entrypoint, as many are written: it prepares, then runs Sidekiq WITHOUT `exec`.
# So the shell stays the container's main process and Sidekiq is its child: docker stop's SIGTERM
# reaches the shell, which dies, and Sidekiq is killed mid-job unless the init drains it
# (swinit --grace). SIDEKIQ_TIMEOUT is Sidekiq's own -t: how long it lets running jobs finish after
# SIGTERM before it pushes them back to Redis.
cd "$(dirname "$0")" || exit 1
echo "entrypoint: starting sidekiq" >&2
sidekiq -r ./worker.rb -c "${SIDEKIQ_CONCURRENCY:-2}" -t "${SIDEKIQ_TIMEOUT:-8}"
echo "entrypoint: sidekiq exited with $?" >&2
