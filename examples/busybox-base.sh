#!/usr/bin/env bash
# Creates a busybox base image offline, from Debian's busybox-static package, and imports it into
# the tsbuild store as busybox:1.36 (the examples' FROM). Usage: examples/busybox-base.sh [NAME]
set -euo pipefail
name="${1:-busybox:1.36}"
busybox=/bin/busybox # from busybox-static: the image needs a statically linked binary
[[ -x "$busybox" ]] || { echo "$busybox not found: apt-get install busybox-static" >&2; exit 1; }

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{bin,etc,root,tmp,home,var,usr/bin}
chmod 1777 "$rootfs/tmp"
chmod 700 "$rootfs/root"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [[ "$applet" == busybox ]] || ln -sf busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"

cd "$(dirname "$0")/.."
node dist/cli.js import "$rootfs" "$name"
