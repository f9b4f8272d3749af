#!/usr/bin/env bash
# Installs the Debian packages that jmachine's build and tests use on the host.
#   --if-missing   do nothing when everything is already there (no apt-get update)
# Keep this the one place that says what the host needs.
set -euo pipefail

# what must be there (a command, or an absolute path) -> the package that provides it
REQUIREMENTS=(
  "mvn maven"
  "docker docker.io"                     # only its CLI is used; these machines ship docker 28 in /usr/local/bin
  "runc runc"                            # the OCI runtime on hybrid-cgroup hosts
  "crun crun"                            # the OCI runtime where cgroups are v2 only
  "conmon conmon"                        # one monitor per container: containers outlive the engine
  "/usr/lib/cni/bridge containernetworking-plugins"
  "ip iproute2"
  "iptables iptables"
  "tini tini"                            # docker run --init
  "busybox busybox-static"               # the tests' images are built from it
  "curl curl"
  "openssl openssl"                      # the engine bundle's class-data training run listens with mutual TLS
  "docker-registry docker-registry"      # the registry ITs and scenarios push and pull on loopback
  "skopeo skopeo"                        # images written by other tools (registry IT, engine-images scenario)
  "umoci umoci"
  "nc netcat-openbsd"                    # the machine-reach scenario
  "python3 python3"                      # the acceptance scenarios' helpers
  "docker-compose docker-compose"        # ComposeIT: Debian's docker-compose 1.29 brings a stack up and down
  "gcc gcc"                              # SeccompIT compiles a static probe for the syscalls busybox has no applet for
  "/usr/lib/x86_64-linux-gnu/libc.a libc6-dev"
  "/usr/sbin/sshd openssh-server"        # the machine ITs adopt this host over SSH with a private sshd (never the system's)
  # the kvm driver: VMs through libvirt and QEMU, and the default guest image built on this host
  "qemu-system-x86_64 qemu-system-x86"
  "qemu-img qemu-utils"                  # the qcow2 overlay on the cached base image
  "libvirtd libvirt-daemon-system"
  "virsh libvirt-clients"
  "/usr/sbin/dnsmasq dnsmasq-base"       # DHCP on libvirt networks (--kvm-network NAME; the network IT makes one)
  "mmdebstrap mmdebstrap"                # builds the default Debian guest image from the host's apt mirror
  "genisoimage genisoimage"              # the cloud-init NoCloud seed ISO
  "/usr/sbin/mkfs.ext4 e2fsprogs"        # mkfs.ext4 -d turns the image tree into a disk
)

missing=()
for requirement in "${REQUIREMENTS[@]}"; do
  read -r what package <<<"$requirement"
  if [[ $what == /* ]]; then [ -e "$what" ] && continue; else command -v "$what" >/dev/null 2>&1 && continue; fi
  missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  [ "${1:-}" = --if-missing ] || echo "host packages: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "host packages missing: ${missing[*]}; as root run: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "host packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
[ "${1:-}" = --if-missing ] && apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
