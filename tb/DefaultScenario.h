// The built-in default scenario, the same text as tb/scenarios/default.yaml (a test checks
// that they agree). Used when smmusim runs without a scenario file.
#pragma once

namespace smmu {

inline constexpr const char* kDefaultScenarioYaml = R"yaml(
# The built-in default scenario (also embedded in tb/DefaultScenario.h): one SMMU with the
# MMU-600 figures (preset mmu600-like: 16 walkers, 32-entry micro TLBs, a 256-entry main TLB,
# walk caches; docs/presets.md gives each source) in
# front of 64 devices of four kinds, buffers mapped with 4 KiB pages, and a loaded memory: 4
# channels, 5 ns per 64-byte burst (12.8 GB/s each). 229,376 transactions in all. The previous
# default (unlimited walkers, no memory contention) is tb/scenarios/classic.yaml.
name: default
seed: 1
memory:
  latency_ns: 100
  channels: 4
  occupancy_ns: 5
  channel_bytes_per_ns: 12.8
  regions:
    - {base: 0x80000000, size: 8GiB}
smmus:
  - name: smmu0
    preset: mmu600-like  # every other key: the preset's values
devices:
  # Streaming DMA engines (copy/crypto offload): 256-byte bursts through a 1 MiB buffer.
  - name: dma
    count: 32
    pattern: sequential
    footprint_bytes: 1MiB
    access_bytes: 256
    write_fraction: 0.5
    outstanding: 16
    transactions: 3072
  # NIC queues: one 64-byte access per 2 KiB packet buffer of a 1 MiB ring (512 buffers).
  - name: nic
    count: 16
    pattern: strided
    footprint_bytes: 1MiB
    access_bytes: 64
    stride_bytes: 2KiB
    write_fraction: 0.5
    outstanding: 8
    transactions: 4096
    think_ns: 10
  # Accelerators gathering 64-byte lines uniformly from a 64 MiB working set.
  - name: accel
    count: 8
    pattern: random
    footprint_bytes: 64MiB
    access_bytes: 64
    write_fraction: 0.25
    outstanding: 32
    transactions: 4096
  # Key-value caches: Zipf(0.99) popularity over the 4 KiB pages of a 256 MiB table.
  - name: kvs
    count: 8
    pattern: zipf
    footprint_bytes: 256MiB
    access_bytes: 64
    zipf_s: 0.99
    write_fraction: 0.1
    outstanding: 16
    transactions: 4096
run:
  progress: auto
)yaml";

}  // namespace smmu
