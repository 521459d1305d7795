#!/bin/sh
# deps.sh - the Debian 12 packages netpolc needs, installed when missing.
#
#   sh .ci/deps.sh            install build + test dependencies (as root)
#   sh .ci/deps.sh --demo     only what `make demo` needs to build
#   sh .ci/deps.sh --list     print the package list and exit
#
# As root, missing packages are installed with apt-get; otherwise the exact
# apt-get line is printed and the script fails.
set -eu
BUILD_PKGS="gcc make pkg-config libyaml-dev libjansson-dev libcmocka-dev flex bison clang libbpf-dev linux-libc-dev"
TEST_PKGS="bpftool nftables iproute2 iptables ipset clang clang-format libclang-rt-14-dev valgrind iprange procps groff-base"
mode=${1:-all}
case "$mode" in
--demo) pkgs=$BUILD_PKGS ;;
--list) echo "$BUILD_PKGS $TEST_PKGS"; exit 0 ;;
*) pkgs="$BUILD_PKGS $TEST_PKGS" ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "netpolc needs these Debian packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
