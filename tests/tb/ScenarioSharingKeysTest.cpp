// The scenario keys of the TCU's shared work: stage-2 walk caches, walk-prefix coalescing and
// the contiguous hint reach SmmuConfig, and bad values are named with their place.
#include <gtest/gtest.h>

#include "Scenario.h"
#include "ScenarioErrors.h"

using namespace smmu;
using namespace smmu::testing;

TEST(ScenarioSharingKeys, ReachTheSmmuConfig) {
  const Scenario s = parseScenarioString(R"(smmus:
  - s2_walk_cache_entries: [0, 16, 64]
    s2_walk_cache_ways: 0
    walk_prefix_coalescing: yes
    contiguous_hint: false
)");
  const SmmuConfig c = toSmmuConfig(s.smmus[0]);
  EXPECT_EQ(c.s2WalkCacheEntries, (std::array<unsigned, 3>{0, 16, 64}));
  EXPECT_EQ(c.s2WalkCacheWays, 0u);
  EXPECT_TRUE(c.walkPrefixCoalescing);
  EXPECT_FALSE(c.contiguousHint);
  // Defaults: no stage-2 walk cache, no prefix coalescing, contiguous hint used.
  const SmmuConfig d = toSmmuConfig(parseScenarioString("smmus: [{}]").smmus[0]);
  EXPECT_EQ(d.s2WalkCacheEntries, (std::array<unsigned, 3>{0, 0, 0}));
  EXPECT_FALSE(d.walkPrefixCoalescing);
  EXPECT_TRUE(d.contiguousHint);
}

TEST(ScenarioSharingKeys, BadValuesAreNamed) {
  EXPECT_NE(parseError("smmus: [{s2_walk_cache_entries: [0, 16]}]")
                .find("smmus[0].s2_walk_cache_entries: expected a list of 3 entry counts"),
            std::string::npos)
      << parseError("smmus: [{s2_walk_cache_entries: [0, 16]}]");
  const std::string geo = parseError("smmus: [{s2_walk_cache_entries: [0, 12, 0]}]");
  EXPECT_NE(geo.find("s2_walk_cache_entries[1]"), std::string::npos) << geo;
  const std::string b = parseError("smmus: [{walk_prefix_coalescing: maybe}]");
  EXPECT_NE(b.find("t.yaml:1:"), std::string::npos) << b;
  EXPECT_NE(b.find("walk_prefix_coalescing"), std::string::npos) << b;
}

TEST(ScenarioSharingKeys, WalkerArbitrationAndQos) {
  const Scenario s = parseScenarioString(R"(smmus:
  - ptw_arbitration: qos
devices:
  - {name: a, qos: 15}
  - {name: b}
)");
  EXPECT_EQ(toSmmuConfig(s.smmus[0]).ptwArbitration, ArbitrationPolicy::Qos);
  EXPECT_EQ(s.devices[0].qos, 15);
  EXPECT_EQ(s.devices[1].qos, 0);  // default
  EXPECT_EQ(toSmmuConfig(parseScenarioString("smmus: [{}]").smmus[0]).ptwArbitration,
            ArbitrationPolicy::Fifo);
  const std::string bad = parseError("smmus: [{ptw_arbitration: lottery}]");
  EXPECT_NE(bad.find("t.yaml:1:"), std::string::npos) << bad;
  EXPECT_NE(bad.find("unknown value 'lottery' (expected fifo, round_robin, qos)"),
            std::string::npos)
      << bad;
  const std::string q = parseError("devices: [{name: a, qos: 16}]");
  EXPECT_NE(q.find("devices[0].qos: must be between 0 and 15 (got 16)"), std::string::npos) << q;
  // A policy other than fifo decides when a walker frees: contention mode only.
  const std::string lt =
      parseError("smmus: [{ptw_arbitration: round_robin}]\nrun: {mode: lt}\n");
  EXPECT_NE(lt.find("smmus[0].ptw_arbitration: round_robin needs run.mode: contention"),
            std::string::npos)
      << lt;
  EXPECT_EQ(parseError("smmus: [{ptw_arbitration: fifo}]\nrun: {mode: lt}\n"), "OK");
  // A thread per outstanding slot: bounded.
  const std::string many = parseError(
      "smmus: [{ptw_arbitration: qos}]\n"
      "devices: [{name: a, count: 2048, outstanding: 64, footprint_bytes: 4KiB}]\n");
  EXPECT_NE(many.find("smmus[0].ptw_arbitration: qos runs a thread per outstanding device slot: "
                      "the devices of SMMU 'smmu0' have 131072 (at most 65536"),
            std::string::npos)
      << many;
}
