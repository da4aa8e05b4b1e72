#!/usr/bin/env bash
# Installs the Debian (bookworm) packages the project builds, tests and benchmarks with.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  cmake ninja-build g++ pkg-config make \
  libsystemc-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  python3-matplotlib python3-numpy \
  slurmctld slurmd slurm-client munge >/dev/null
# python3-matplotlib: scripts/plot_sweep.py. Slurm + munge: `smmusim sweep --slurm` and its test,
# which starts a private single-node cluster (tests/slurm/); the packages' own services are not
# needed.
