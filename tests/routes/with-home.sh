#!/bin/sh
# with-home.sh HOMES CMD ARGS...: run CMD with HOMES bind-mounted on /home.
# Used inside a fresh mount namespace (unshare -m) so each simulated member
# host has its own /home; exec keeps the PID the caller tracks.
set -e
mount --bind "$1" /home
shift
exec "$@"
