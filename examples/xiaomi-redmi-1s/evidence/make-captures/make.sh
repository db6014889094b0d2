#!/usr/bin/env bash
# Rebuilds the reconstructed captures of the Xiaomi example from scratch.
#
# NEEDS ROOT: it adds addresses to the loopback interface `lo`, captures on it
# with tcpdump and binds ports 53, 80 and 123. It removes the addresses it
# added when it ends (also on failure).
#
# Needs: node >= 20 with the project's node_modules (playwright-core),
# tcpdump, tshark, editcap, mergecap, capinfos, chromium (/usr/bin/chromium,
# or CHROMIUM=/path). Run from anywhere:
#
#   sudo examples/xiaomi-redmi-1s/evidence/make-captures/make.sh
#
# Writes, next to this folder: capture-2014-08-06-no-signin.pcapng,
# retest-2014-08-14.pcapng, capture-2014-08-06-micloud-signin.recorded.har,
# and here: captures.expected.json (read back from the files with tshark).
# Contents, ports and frame order are fixed by scenes.mjs; TCP sequence
# numbers, IP ids and the sub-millisecond timing are the kernel's, so a
# rebuild gives equivalent but not byte-identical files (check the frame
# numbers in captures.expected.json before citing them).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
evidence="$(dirname "$here")"
if [ "$(id -u)" -ne 0 ]; then
  echo "make.sh: needs root (addresses on lo, tcpdump, ports 53/80/123)" >&2
  exit 1
fi
for tool in node tcpdump tshark editcap mergecap capinfos ip; do
  command -v "$tool" >/dev/null || { echo "make.sh: $tool not found" >&2; exit 1; }
done

work="$(mktemp -d)"
added=()
cleanup() {
  for a in "${added[@]}"; do ip addr del "$a/32" dev lo || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The phone, its resolver and the servers (scenes.mjs is the one list).
mapfile -t addresses < <(cd "$here" && node --input-type=module -e \
  "import { LOOPBACK_ADDRESSES } from './scenes.mjs'; console.log(LOOPBACK_ADDRESSES.join('\n'))")
for a in "${addresses[@]}"; do
  if ! ip -4 -o addr show dev lo | grep -q " $a/"; then
    ip addr add "$a/32" dev lo
    added+=("$a")
  fi
done

node "$here/lab.mjs" "$evidence" "$work"
node "$here/har.mjs" "$evidence" "$work"
node "$here/expected.mjs" "$evidence" > "$here/captures.expected.json"

for f in capture-2014-08-06-no-signin.pcapng retest-2014-08-14.pcapng; do
  capinfos -c -u -a -e "$evidence/$f" | sed 's/^/  /'
done
(cd "$evidence" && ls -l capture-2014-08-06-no-signin.pcapng retest-2014-08-14.pcapng \
  capture-2014-08-06-micloud-signin.recorded.har && sha256sum capture-2014-08-06-no-signin.pcapng \
  retest-2014-08-14.pcapng capture-2014-08-06-micloud-signin.recorded.har)
