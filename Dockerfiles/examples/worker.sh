#!/bin/sh
# The example program of Dockerfile.alpine: crashes after 5 s (rebound restarts it), stops on SIGTERM.
trap 'echo "worker: SIGTERM, stopping"; exit 0' TERM
echo "worker: started as pid $$"
sleep 5 & wait $!
echo "worker: crashing"
exit 1
