#!/usr/bin/env bash
# Prints "png WIDTHxHEIGHT" for a PNG file (from its signature and IHDR
# chunk), or "not a png".
set -euo pipefail
signature=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
if [[ "$signature" != "89504e470d0a1a0a" ]]; then
  echo "not a png"
  exit 0
fi
read -r -a b <<<"$(od -An -tu1 -j16 -N8 "$1")"
echo "png $(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]))x$(((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]))"
