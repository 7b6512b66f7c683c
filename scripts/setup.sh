#!/usr/bin/env bash
# One-time set-up on a fresh Debian machine: the system packages demystify's lessons and tests use,
# then the Node dependencies (npm ci also builds, through the `prepare` script).
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(tmux etcd-server etcd-client containerd runc containernetworking-plugins iptables nftables openssl busybox-static iproute2 util-linux curl procps xz-utils chromium asciinema)
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  # kubectl is expected on the machine already; Debian's kubernetes-client conflicts with it.
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm run build --silent
fi
