#!/usr/bin/env bash
# Makes sure Debian's tor (0.4.9) and libsodium are present; installs them when running as root.
set -eu
missing=()
command -v tor >/dev/null 2>&1 || missing+=(tor)
command -v tor-gencert >/dev/null 2>&1 || missing+=(tor)
ls /usr/lib/*/libsodium.so.23 >/dev/null 2>&1 || missing+=(libsodium23)
# Tests: Prometheus scrapes the relay and promtool checks its metrics; systemd-analyze verifies the units.
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
# The IPv6 exit interop test runs a network inside a network namespace of its own (unshare --net, ip).
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
# NativeAOT links with clang (or gcc) and objcopy; without them `make build` publishes the JIT build instead.
if ! { command -v clang || command -v gcc; } >/dev/null 2>&1 || ! command -v objcopy >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    missing+=(clang binutils)
  else
    echo "No clang or gcc with objcopy: bin/torrelay will be the JIT build (more memory, needs the .NET runtime)." >&2
    echo "For NativeAOT:  sudo apt-get install -y clang binutils" >&2
  fi
fi
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: $pkgs" >&2
  echo "Install them as root:  sudo apt-get update && sudo apt-get install -y $pkgs" >&2
  exit 1
fi
echo "Installing Debian packages: $pkgs"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >/dev/null
# The packages start system services: tor would reach the public network, prometheus would scrape; tests run their own.
if command -v systemctl >/dev/null 2>&1; then systemctl stop prometheus prometheus-node-exporter 2>/dev/null || true; fi
if command -v systemctl >/dev/null 2>&1; then systemctl stop tor tor@default 2>/dev/null || true; systemctl disable tor 2>/dev/null || true; fi
if command -v service >/dev/null 2>&1; then service tor stop >/dev/null 2>&1 || true; fi
for pid in $(pgrep -x tor || true); do
  if [ "$(ps -o user= -p "$pid" | tr -d ' ')" = "debian-tor" ]; then kill "$pid" 2>/dev/null || true; fi
done
