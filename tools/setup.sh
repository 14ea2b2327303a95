#!/usr/bin/env bash
# Installs the Debian packages vigil needs to build, test and plot. Idempotent: when every
# package is present it prints nothing and changes nothing. Uses sudo when not run as root.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config git
    libboost-dev libboost-math-dev
    libhdf5-dev hdf5-tools
    libtomlplusplus-dev libcli11-dev libfmt-dev nlohmann-json3-dev librandom123-dev
    libeigen3-dev libnlopt-cxx-dev
    libopenmpi-dev openmpi-bin
    clang-14 libclang-rt-14-dev libomp-14-dev libfftw3-dev libcsv-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    clang-format time
    python3 python3-numpy python3-h5py python3-matplotlib
)

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "vigil setup: installing ${missing[*]}" >&2
as_root=()
[[ $(id -u) -eq 0 ]] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
# Waits for another apt process's lock instead of failing; errors still reach stderr.
apt_options=(-o DPkg::Lock::Timeout=600 -qq)
"${as_root[@]}" apt-get "${apt_options[@]}" update >/dev/null
"${as_root[@]}" apt-get "${apt_options[@]}" install -y --no-install-recommends "${missing[@]}" \
    >/dev/null
