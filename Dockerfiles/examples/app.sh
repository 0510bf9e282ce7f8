#!/bin/sh
# The example program of Dockerfile.debian-slim: runs until SIGTERM, then finishes cleanly.
echo "app: started as pid $$"
trap 'echo "app: SIGTERM, finishing"; exit 0' TERM
while :; do sleep 1; done
