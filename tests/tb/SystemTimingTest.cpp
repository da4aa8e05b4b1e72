// Whole-system timing that must add up by hand: the host's setup work does not leak into the
// traffic's memory-channel calendar, and a data access costs by its size.
#include <gtest/gtest.h>

#include "Scenario.h"
#include "tb/RunInChild.h"

using namespace smmu;
using namespace smmu::tb;

namespace {

// Two GPUs with 64 MiB buffers mapped with 4 KiB pages (32 Ki PTEs written by the host, with
// memory channels limited while it writes them), one 128-byte read each.
Scenario twoGpus() {
  return parseScenarioString(R"(
name: gpus
memory: {latency_ns: 90, channels: 4, occupancy_ns: 5,
         regions: [{base: 0x80000000, size: 8GiB}]}
smmus: [{name: smmu0}]
devices:
  - {name: gpu, count: 2, pattern: random, footprint_bytes: 64MiB, access_bytes: 128,
     write_fraction: 0, outstanding: 1, transactions: 1}
run: {progress: off}
)");
}

}  // namespace

// Regression: with memory channels the host's table writes were placed at a running sum of
// their latencies from a stale time base, milliseconds into the future, and filled the
// calendar's ring there: the first DMA after setup took 2.6 ms instead of its parts.
TEST(SystemTiming, HostSetupDoesNotDelayTheFirstDma) {
  const auto j = runInChild(twoGpus());
  // Each DMA walks everything (2-level stream table: L1 descriptor + STE, CD, 4 table levels =
  // 7 reads of 90 ns) after tlb 2 + walker issue 4 + config 2 cycles of 1 ns, then reads its
  // data (one burst, 90 ns). The two GPUs' reads share slots: 2 accesses of 4 channels.
  const double expected = 8 + 7 * 90 + 90;
  EXPECT_EQ(j["totals"]["completed"].get<uint64_t>(), 2u);
  EXPECT_EQ(j["totals"]["latency_ns"]["min"].get<double>(), expected);
  EXPECT_EQ(j["totals"]["latency_ns"]["max"].get<double>(), expected);
}

// The same with bursts of occupancy_ns x channel_bytes_per_ns = 5 x 12.8 = 64 bytes: the walk's
// 8- and 64-byte reads are one burst each, a 4 KiB data read 64 bursts back to back.
TEST(SystemTiming, DataAccessCostsByItsSize) {
  Scenario s = twoGpus();
  applyOverride(s, "memory.channel_bytes_per_ns=12.8");
  applyOverride(s, "devices[0].access_bytes=4096");
  const auto j = runInChild(s);
  const double expected = 8 + 7 * 90 + (90 + 63 * 5);
  EXPECT_EQ(j["totals"]["latency_ns"]["min"].get<double>(), expected);
  EXPECT_EQ(j["totals"]["latency_ns"]["max"].get<double>(), expected);
  // LT mode serves data through DMI where memory grants it: not for sized transfers, whose
  // time a DMI latency cannot carry (nor with limited channels).
  for (const char* channels : {"memory.channels=4", "memory.channels=0"}) {
    Scenario lt = s;
    applyOverride(lt, channels);
    applyOverride(lt, "run.mode=lt");
    const auto l = runInChild(lt);
    EXPECT_EQ(l["totals"]["latency_ns"]["max"].get<double>(), expected) << channels;
  }
  // 64-byte accesses stay one burst.
  applyOverride(s, "devices[0].access_bytes=64");
  const auto k = runInChild(s);
  EXPECT_EQ(k["totals"]["latency_ns"]["max"].get<double>(), 8 + 7 * 90 + 90);
}

// One channel of 5 ns slots (time is cut into slots from 0): the two GPUs issue at the same
// instant T0, so the second device's first read takes the next slot, up to 5 ns later; its
// later reads then arrive one slot after the first device's and never wait again.
TEST(SystemTiming, OneChannelDelaysTheSecondDeviceByLessThanASlot) {
  Scenario s = twoGpus();
  applyOverride(s, "memory.channels=1");
  const auto j = runInChild(s);
  const double first = j["totals"]["latency_ns"]["min"].get<double>();
  const double second = j["totals"]["latency_ns"]["max"].get<double>();
  EXPECT_EQ(first, 8 + 7 * 90 + 90);
  EXPECT_GT(second, first);
  EXPECT_LE(second, first + 5);
  EXPECT_LE(j["totals"]["memory_channels"]["max_wait_ns"].get<double>(), 5);
}
