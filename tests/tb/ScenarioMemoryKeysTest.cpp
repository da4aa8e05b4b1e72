// memory.channel_bytes_per_ns: read, validated with the field named, and turned into the burst
// size the memory model uses (occupancy_ns x bandwidth).
#include <gtest/gtest.h>

#include "Scenario.h"
#include "tb/ScenarioErrors.h"

using namespace smmu;
using smmu::testing::parseError;

TEST(ScenarioMemoryKeys, BandwidthGivesTheBurstSize) {
  const Scenario s = parseScenarioString(
      "memory: {channels: 4, occupancy_ns: 5, channel_bytes_per_ns: 12.8}\n", "t.yaml");
  EXPECT_DOUBLE_EQ(s.memory.channelBytesPerNs, 12.8);
  EXPECT_EQ(burstBytesOf(s.memory), 64u);  // 5 ns x 12.8 B/ns
  MemorySpec m;
  EXPECT_EQ(burstBytesOf(m), 0u);  // default: size-independent accesses
  m.occupancyNs = 2;
  m.channelBytesPerNs = 25.6;
  EXPECT_EQ(burstBytesOf(m), 51u);  // 51.2 rounds to 51
  m.channelBytesPerNs = 0.1;
  EXPECT_EQ(burstBytesOf(m), 1u);  // at least a byte per burst
}

TEST(ScenarioMemoryKeys, BandwidthErrorsNameTheField) {
  EXPECT_EQ(parseError("memory: {occupancy_ns: 5, channel_bytes_per_ns: -1}\n"),
            "t.yaml:1:49: memory.channel_bytes_per_ns: must be between 0 and 1000000 (got -1)");
  EXPECT_EQ(parseError("memory: {channel_bytes_per_ns: 12.8}\n"),
            "t.yaml:1:32: memory.channel_bytes_per_ns: needs memory.occupancy_ns > 0: a burst carries "
            "occupancy_ns x channel_bytes_per_ns bytes");
  EXPECT_EQ(parseError("memory: {occupancy_ns: 5, channel_bytes_per_ns: fast}\n"),
            "t.yaml:1:49: memory.channel_bytes_per_ns: expected a number, got 'fast'");
}

// memory.atomic_extra_ns: what an atomic read-modify-write (the walkers' hardware AF update)
// costs beyond latency_ns: read and range-checked (System passes it to SparseMemory).
TEST(ScenarioMemoryKeys, AtomicExtraReachesTheMemory) {
  const Scenario s =
      parseScenarioString("memory: {latency_ns: 80, atomic_extra_ns: 30}\n", "t.yaml");
  EXPECT_EQ(s.memory.atomicExtraNs, 30u);
  EXPECT_EQ(MemorySpec{}.atomicExtraNs, 0u);  // default: an atomic costs one access
  EXPECT_EQ(parseError("memory: {atomic_extra_ns: 2000000000000}\n"),
            "t.yaml:1:27: memory.atomic_extra_ns: must be <= 1000000000000");
  EXPECT_EQ(parseError("memory: {atomic_extra_ns: -3}\n"),
            "t.yaml:1:27: memory.atomic_extra_ns: expected an unsigned integer, got negative '-3'");
}
