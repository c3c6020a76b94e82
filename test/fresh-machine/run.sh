#!/usr/bin/env bash
# Runs README.md's command 1 verbatim in a freshly made minimal Debian root (debootstrap minbase,
# plus only Node, npm and a C compiler), so a step missing from it fails CI instead of a new user.
#
# Usage (as root): test/fresh-machine/run.sh [--prepare-only]
#   --prepare-only    make (or reuse) the prepared root, print its path and stop (other tests use it
#                     as a Debian base image with Node, npm and gcc: test/container-image/)
#   TSBUILD_CI_CACHE  where the prepared root is cached between runs (default /var/cache/tsbuild-ci),
#                     keyed by suite, architecture and Node version; delete it to force a cold run.
# Reaches only this machine's apt mirror (from its apt sources) and the npm registry.
set -euo pipefail

say() { printf 'fresh-machine: %s\n' "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }
[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap, chroot and the build itself need it)"
for tool in debootstrap chroot mount umount git node dpkg; do
  command -v "$tool" >/dev/null || die "host tool $tool is missing (apt-get install debootstrap git)"
done

repo="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
cache="${TSBUILD_CI_CACHE:-/var/cache/tsbuild-ci}"
started=$SECONDS

# --- the host's apt mirror and suite (deb822 .sources first, then one-line lists) ----------------
mirror_and_suite() {
  local file
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] || continue
    # The first stanza of type deb that is not the security archive.
    awk 'BEGIN { RS = ""; FS = "\n" }
      {
        types = uris = suites = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^Types:/) types = $i
          if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris); split(uris, u, /[ \t]+/); uris = u[1] }
          if ($i ~ /^Suites:/) { suites = $i; sub(/^Suites:[ \t]*/, "", suites); split(suites, s, /[ \t]+/); suites = s[1] }
          if ($i ~ /^Enabled:[ \t]*no/) types = ""
        }
        if (types ~ /(^|[ \t])deb([ \t]|$)/ && uris != "" && suites !~ /-security$/) { print uris, suites; exit }
      }' "$file"
  done
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | sed -E 's/\[[^]]*\]//' | awk '$1 == "deb" && $3 !~ /-security$/ { print $2, $3; exit }'
}
read -r mirror suite < <(mirror_and_suite | head -n 1) || true
[[ -n ${mirror:-} && -n ${suite:-} ]] || die "no deb source found in /etc/apt/sources.list{,.d}"
arch="$(dpkg --print-architecture)"
node_version="$(node --version)"
key="$suite-$arch-node$node_version"
say "suite $suite from $mirror ($arch), host Node $node_version"

# --- the prepared root: debootstrap minbase + Node + npm + a C compiler, cached by key -----------
mounts=()
cleanup() {
  local i point
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -R "${mounts[i]}" 2>/dev/null || umount -Rl "${mounts[i]}" 2>/dev/null || true; done
  # Whatever tsbuild left mounted inside the throwaway root (a failed run) goes before rm.
  if [[ -n ${work:-} ]]; then
    awk -v root="$work/" 'index($2, root) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r point; do
      umount -l "$point" || true
    done
  fi
  [[ -n ${work:-} ]] && rm -rf --one-file-system "$work"
  [[ -n ${partial:-} ]] && rm -rf --one-file-system "$partial"
  return 0
}
trap cleanup EXIT

# Bind-mounts what a real machine has into root $1 (private, so unmounting never reaches the host).
enter_mounts() {
  local root=$1
  # A machine's / is a mount point (the sandbox makes it private; a plain chroot dir is not one).
  mount --bind "$root" "$root" && mount --make-private "$root" && mounts+=("$root")
  mount -t proc proc "$root/proc" && mounts+=("$root/proc")
  mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys" && mounts+=("$root/sys")
  mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" && mounts+=("$root/dev")
}
leave_mounts() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -R "${mounts[i]}" || umount -Rl "${mounts[i]}"; done
  mounts=()
}

# Host network settings a fresh machine on this network would have: apt sources and proxy/validity
# settings, CA certificates (a TLS-intercepting proxy), DNS, npm's registry/CA config.
copy_host_network_config() {
  local root=$1 file
  rm -f "$root/etc/apt/sources.list"
  cp -a /etc/apt/sources.list "$root/etc/apt/" 2>/dev/null || true
  mkdir -p "$root/etc/apt/sources.list.d"
  for file in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] && cp "$file" "$root/etc/apt/sources.list.d/"
  done
  for file in /etc/apt/apt.conf.d/*; do
    grep -q '^[[:space:]]*Acquire::' "$file" 2>/dev/null && cp "$file" "$root/etc/apt/apt.conf.d/"
  done
  mkdir -p "$root/etc/ssl/certs" "$root/usr/local/share/ca-certificates"
  cp -aL /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/" 2>/dev/null || true
  cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
  rm -f "$root/etc/resolv.conf" && cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  for file in /root/.npmrc /etc/npmrc /usr/etc/npmrc; do
    if [[ -f $file ]]; then mkdir -p "$root$(dirname "$file")" && cp "$file" "$root$file"; fi
  done
  return 0
}

in_root() { chroot "$1" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "${@:2}"; }

# Node >= 20 from the suite when it has one; otherwise the host's own node binary and npm (the
# files npm really runs from, which may be newer than its package's), at the same paths, so the
# chroot runs the Node and npm CI uses.
install_node() {
  local root=$1 candidate
  candidate="$(in_root "$root" apt-cache policy nodejs | awk '/Candidate:/ { print $2 }')"
  if [[ $candidate =~ ^([0-9]+:)?([0-9]+)\. ]] && ((BASH_REMATCH[2] >= 20)); then
    say "Node: $suite's nodejs $candidate (+ npm)"
    in_root "$root" apt-get install -y --no-install-recommends nodejs npm
    return
  fi
  local node_bin npm_link npm_cli npm_dir bin_dir
  node_bin="$(command -v node)"
  npm_link="$(command -v npm)" || die "the host has node but no npm to copy"
  npm_cli="$(readlink -f "$npm_link")"
  npm_dir="$(dirname "$(dirname "$npm_cli")")"
  bin_dir="$(dirname "$npm_link")"
  say "Node: $suite has nodejs ${candidate:-none} (< 20); copying the host's $node_bin ($node_version) and $npm_dir ($(npm --version))"
  mkdir -p "$root$(dirname "$node_bin")" "$root$(dirname "$npm_dir")" "$root$bin_dir"
  cp -L "$node_bin" "$root$node_bin"
  cp -a "$npm_dir" "$root$(dirname "$npm_dir")/"
  ln -sf "$npm_dir/bin/npm-cli.js" "$root$bin_dir/npm"
  ln -sf "$npm_dir/bin/npx-cli.js" "$root$bin_dir/npx"
  in_root "$root" node --version >/dev/null || die "the copied Node does not run in the $suite root"
  in_root "$root" npm --version >/dev/null || die "the copied npm does not run in the $suite root"
}

prepared="$cache/$key"
if [[ ! -f $prepared/.tsbuild-ci-complete ]]; then
  say "cold: debootstrap --variant=minbase $suite (cache $prepared)"
  mkdir -p "$cache"
  partial="$(mktemp -d "$cache/.partial-$key.XXXXXX")"
  debootstrap --variant=minbase "$suite" "$partial" "$mirror" >&2 || die "debootstrap failed"
  copy_host_network_config "$partial"
  enter_mounts "$partial"
  in_root "$partial" apt-get update
  in_root "$partial" apt-get install -y --no-install-recommends gcc libc6-dev
  install_node "$partial"
  leave_mounts
  in_root "$partial" apt-get clean
  touch "$partial/.tsbuild-ci-complete"
  rm -rf --one-file-system "$prepared"
  mv "$partial" "$prepared"
  partial=
else
  say "warm: reusing $prepared"
fi
say "prepared root ready after $((SECONDS - started)) s"
if [[ ${1:-} == --prepare-only ]]; then
  printf '%s\n' "$prepared"
  exit 0
fi

# --- a throwaway copy of the prepared root, the repository as `git archive` of HEAD ------------
work="$(mktemp -d "$cache/.run-$key.XXXXXX")"
cp -a "$prepared/." "$work/"
copy_host_network_config "$work"
mkdir -p "$work/src/tsbuild"
git -C "$repo" archive --format=tar HEAD | tar -C "$work/src/tsbuild" -xf -

command1="$(awk '/^```sh/ { inside = 1; next } /^```/ { if (inside) exit } inside && !/^[[:space:]]*(#|$)/ { print; exit }' "$repo/README.md")"
[[ -n $command1 ]] || die "no command found in README.md's first sh block"
say "README command 1: $command1"

enter_mounts "$work"
step=$SECONDS
if ! in_root "$work" /bin/bash -euo pipefail -c "cd /src/tsbuild && $command1"; then
  die "README command 1 failed in a fresh $suite root (after $((SECONDS - step)) s)"
fi
leave_mounts
say "PASSED: README command 1 took $((SECONDS - step)) s; total $((SECONDS - started)) s"
