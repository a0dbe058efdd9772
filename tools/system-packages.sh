#!/usr/bin/env bash
# Install the Debian packages named on the command line that are not installed yet.
# Used by `make run` / `make test` and by .ci/run, so a fresh machine needs nothing by hand.
# Quiet and quick when everything is present; needs root or sudo only when something is missing.
set -euo pipefail

missing=()
for package in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system packages: ${missing[*]}; this machine has no apt-get: install them by hand." >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "Missing system packages: ${missing[*]}; run as root or install sudo." >&2
        exit 1
    fi
    sudo="sudo"
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
