#!/usr/bin/env bash
# Installs the Debian packages that jmachine's build and tests use on the host.
#   --if-missing   do nothing when every command is already there (no apt-get update)
# The list grows with the features that need it; keep it the one place that says what the host needs.
set -euo pipefail

# command -> package that provides it
declare -A PACKAGES=(
  [mvn]=maven
  [docker]=docker.io   # only the CLI is used; the machines of this project ship docker 28 in /usr/local/bin
)

missing=()
for command in "${!PACKAGES[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${PACKAGES[$command]}")
done

if [ "${1:-}" = --if-missing ] && [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "host packages: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "host packages missing: ${missing[*]}; as root run: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "host packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
