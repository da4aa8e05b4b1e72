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
