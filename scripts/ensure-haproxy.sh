#!/usr/bin/env bash
# `make serve` and the replica tests put Debian's HAProxy in front of the app's replicas.
# Installs it when missing (the machines this project runs on are Debian, as root).
set -euo pipefail
if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then exit 0; fi
echo "HAProxy not found: installing Debian's haproxy package" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq haproxy >/dev/null
/usr/sbin/haproxy -v | head -1
