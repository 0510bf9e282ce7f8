#!/bin/sh
# The example program of Dockerfile.debian-slim: runs until SIGTERM, then finishes cleanly.
trap 'echo "app: SIGTERM, finishing"; exit 0' TERM
echo "app: started as pid $$"
while :; do sleep 1; done
