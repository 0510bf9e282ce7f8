#!/bin/sh
# The example program of Dockerfile.alpine: its first run in a container crashes after 5 s (rebound
# restarts it); every run stops cleanly on SIGTERM.
trap 'echo "worker: SIGTERM, stopping"; exit 0' TERM
echo "worker: started as pid $$"
if [ ! -e /tmp/worker-crashed ]; then
    sleep 5 & wait $!
    : > /tmp/worker-crashed
    echo "worker: crashing"
    exit 1
fi
while :; do sleep 1 & wait $!; done
