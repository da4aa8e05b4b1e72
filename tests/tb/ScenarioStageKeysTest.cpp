// Scenario keys of the SMMU's translation stages and IPA cache: stage1 / stage2 (IDR0.S1P /
// S2P), ipa_cache_entries, ipa_cache_ways, ipa_cache_lookup_cycles — parsing, defaults, the
// path to SmmuConfig and the ID registers, overrides, validation and the YAML round trip.
// Also the text of `smmusim presets [NAME]` (presetListing, presetToYaml).
#include <gtest/gtest.h>

#include <string>

#include "Scenario.h"
#include "ScenarioErrors.h"
#include "smmu/Presets.h"

using namespace smmu;
using smmu::testing::overrideError;
using smmu::testing::parseError;

namespace {


const char* kStage2 = R"(
smmus:
  - name: s0
    stage2: true
    ipa_cache_entries: 64
    ipa_cache_ways: 8
    ipa_cache_lookup_cycles: 5
)";

}  // namespace

TEST(ScenarioStageKeys, DefaultsAreStageOneOnlyWithoutIpaCache) {
  const Scenario s = parseScenarioString("smmus: [{name: s0}]");
  const SmmuSpec& m = s.smmus[0];
  EXPECT_TRUE(m.config.features.s1p);
  EXPECT_FALSE(m.config.features.s2p);
  EXPECT_EQ(m.config.ipaCacheEntries, 0u);
  EXPECT_EQ(m.config.ipaCacheWays, 4u);
  EXPECT_EQ(m.config.timing.ipaCacheLookupCycles, 2u);
  const SmmuConfig c = toSmmuConfig(m);
  EXPECT_TRUE(c.features.s1p);
  EXPECT_FALSE(c.features.s2p);
  // SMMU_IDR0 bit 0 is S2P, bit 1 S1P (IHI 0070 6.3.1).
  EXPECT_EQ(c.features.toIdr().idr0 & 3u, 2u);
}

TEST(ScenarioStageKeys, ParseAndCarryToSmmuConfig) {
  const Scenario s = parseScenarioString(kStage2);
  const SmmuSpec& m = s.smmus[0];
  EXPECT_TRUE(m.config.features.s1p);
  EXPECT_TRUE(m.config.features.s2p);
  EXPECT_EQ(m.config.ipaCacheEntries, 64u);
  EXPECT_EQ(m.config.ipaCacheWays, 8u);
  EXPECT_EQ(m.config.timing.ipaCacheLookupCycles, 5u);
  const SmmuConfig c = toSmmuConfig(m);
  EXPECT_TRUE(c.features.s1p);
  EXPECT_TRUE(c.features.s2p);
  EXPECT_EQ(c.ipaCacheEntries, 64u);
  EXPECT_EQ(c.ipaCacheWays, 8u);
  EXPECT_EQ(c.timing.ipaCacheLookupCycles, 5u);
  EXPECT_EQ(c.features.toIdr().idr0 & 3u, 3u);  // S1P and S2P
  // The inverse carries them back.
  const SmmuSpec back = toSmmuSpec(c);
  EXPECT_TRUE(back.config.features.s1p && back.config.features.s2p);
  EXPECT_EQ(back.config.ipaCacheEntries, 64u);
  EXPECT_EQ(back.config.ipaCacheWays, 8u);
  EXPECT_EQ(back.config.timing.ipaCacheLookupCycles, 5u);
  // Booleans in every spelling the other bool keys take.
  EXPECT_TRUE(parseScenarioString("smmus: [{stage2: yes}]").smmus[0].config.features.s2p);
  EXPECT_FALSE(parseScenarioString("smmus: [{stage2: off}]").smmus[0].config.features.s2p);
}

TEST(ScenarioStageKeys, RoundTripThroughYaml) {
  const Scenario s = parseScenarioString(kStage2);
  const std::string y = scenarioToYaml(s);
  // In the documented order: the stages after pri, the IPA cache after ptw_slots, its latency
  // after walk_cache_lookup_cycles.
  EXPECT_NE(y.find("    pri: false\n    stage1: true\n    stage2: true\n"), std::string::npos)
      << y;
  EXPECT_NE(y.find("    ptw_slots: 0\n    ptw_arbitration: fifo\n    ipa_cache_entries: 64\n"
                   "    ipa_cache_ways: 8\n"),
            std::string::npos)
      << y;
  EXPECT_NE(y.find("    walk_cache_lookup_cycles: 2\n    ipa_cache_lookup_cycles: 5\n"),
            std::string::npos)
      << y;
  const Scenario b = parseScenarioString(y, "dump");
  EXPECT_EQ(scenarioToYaml(b), y);
  EXPECT_TRUE(b.smmus[0].config.features.s2p);
  EXPECT_EQ(b.smmus[0].config.ipaCacheEntries, 64u);
  EXPECT_EQ(b.smmus[0].config.ipaCacheWays, 8u);
  EXPECT_EQ(b.smmus[0].config.timing.ipaCacheLookupCycles, 5u);
  // The defaults are written too.
  const std::string y0 = scenarioToYaml(Scenario{});
  EXPECT_NE(y0.find("    stage1: true\n    stage2: false\n"), std::string::npos) << y0;
  EXPECT_NE(y0.find("    ipa_cache_entries: 0\n    ipa_cache_ways: 4\n"), std::string::npos);
  EXPECT_NE(y0.find("    ipa_cache_lookup_cycles: 2\n"), std::string::npos);
}

TEST(ScenarioStageKeys, Overrides) {
  Scenario s = defaultScenario();
  applyOverride(s, "smmus[0].stage2=true");
  applyOverride(s, "smmus[0].ipa_cache_entries=128");
  applyOverride(s, "smmus[smmu0].ipa_cache_ways=0");
  applyOverride(s, "smmus[0].ipa_cache_lookup_cycles=7");
  EXPECT_TRUE(s.smmus[0].config.features.s2p);
  EXPECT_EQ(s.smmus[0].config.ipaCacheEntries, 128u);
  EXPECT_EQ(s.smmus[0].config.ipaCacheWays, 0u);
  EXPECT_EQ(s.smmus[0].config.timing.ipaCacheLookupCycles, 7u);
  const SmmuConfig c = toSmmuConfig(s.smmus[0]);
  EXPECT_TRUE(c.features.s2p);
  EXPECT_EQ(c.ipaCacheEntries, 128u);
  EXPECT_EQ(c.timing.ipaCacheLookupCycles, 7u);
  // A preset sets them all; given keys in the same map win.
  applyOverride(s, "smmus[0].preset=default");
  EXPECT_FALSE(s.smmus[0].config.features.s2p);
  EXPECT_EQ(s.smmus[0].config.ipaCacheEntries, 0u);
  EXPECT_EQ(s.smmus[0].config.ipaCacheWays, 4u);
  EXPECT_EQ(s.smmus[0].config.timing.ipaCacheLookupCycles, 2u);
  applyOverride(s, "smmus[0]={preset: gem5-default, ipa_cache_entries: 128}");
  EXPECT_TRUE(s.smmus[0].config.features.s2p);                // gem5's IDR0.S2P
  EXPECT_EQ(s.smmus[0].config.ipaCacheEntries, 128u);   // gem5 with ipa_enable = True
  EXPECT_EQ(s.smmus[0].config.ipaCacheWays, 4u);        // ipa_assoc
  EXPECT_EQ(s.smmus[0].config.timing.ipaCacheLookupCycles, 3u);  // ipa_lat
  // Errors leave the scenario unchanged.
  const std::string before = scenarioToYaml(s);
  EXPECT_EQ(overrideError(s, "smmus[0].stage2=maybe"),
            "override 'smmus[0].stage2=maybe': smmus[0].stage2: expected true or false, got "
            "'maybe'");
  EXPECT_EQ(overrideError(s, "smmus[0].ipa_cache_ways=3"),
            "override 'smmus[0].ipa_cache_ways=3': smmus[0].ipa_cache_ways: 3 ways do not divide "
            "128 entries (0 = fully associative)");
  EXPECT_EQ(overrideError(s, "smmus[0].stage1=false"),
            "override 'smmus[0].stage1=false': smmus[0].stage1: must be true in a scenario: the "
            "host agent builds stage-1 domains for the devices (stage-2-only SMMUs are replayed "
            "with `smmusim replay`)");
  EXPECT_EQ(scenarioToYaml(s), before);
}

TEST(ScenarioStageKeys, ValidationErrors) {
  // The IPA cache follows tlm/cache's geometry rules, like the other caches.
  EXPECT_EQ(parseError("smmus:\n  - ipa_cache_entries: 48\n"),
            "t.yaml:2:5: smmus[0].ipa_cache_ways: 48 entries in 4 ways make 12 sets: the number "
            "of sets must be a power of two");
  EXPECT_EQ(parseError("smmus:\n  - ipa_cache_entries: 64\n    ipa_cache_ways: 128\n"),
            "t.yaml:3:21: smmus[0].ipa_cache_ways: 128 ways do not divide 64 entries (0 = fully "
            "associative)");
  EXPECT_EQ(parseError("smmus:\n  - ipa_cache_entries: 16777217\n    ipa_cache_ways: 0\n"),
            "t.yaml:2:24: smmus[0].ipa_cache_entries: must be at most 16777216 (got 16777217)");
  // One set (fully associative) or eight sets of 3 ways: any way count is fine (LRU).
  EXPECT_EQ(parseError("smmus:\n  - ipa_cache_entries: 24\n    ipa_cache_ways: 0\n"), "OK");
  EXPECT_EQ(parseError("smmus:\n  - ipa_cache_entries: 24\n    ipa_cache_ways: 3\n"), "OK");
  // 0 entries: no IPA cache, whatever the ways.
  EXPECT_EQ(parseError("smmus:\n  - ipa_cache_entries: 0\n    ipa_cache_ways: 3\n"), "OK");
  EXPECT_EQ(parseError("smmus:\n  - ipa_cache_entries: -1\n"),
            "t.yaml:2:24: smmus[0].ipa_cache_entries: expected an unsigned integer, got negative "
            "'-1'");
  EXPECT_EQ(parseError("smmus:\n  - ipa_cache_lookup_cycles: 1000001\n"),
            "t.yaml:2:30: smmus[0].ipa_cache_lookup_cycles: must be <= 1000000 (got 1000001)");
  // Stages: a bool, at least one, and stage 1 for the host agent's domains.
  EXPECT_EQ(parseError("smmus:\n  - stage2: [true]\n"),
            "t.yaml:2:13: smmus[0].stage2: expected true or false, got a list");
  EXPECT_EQ(parseError("smmus:\n  - stage1: false\n    stage2: false\n"),
            "t.yaml:2:13: smmus[0].stage1: an SMMU implements at least one stage (stage1 or "
            "stage2)");
  EXPECT_EQ(parseError("smmus:\n  - stage1: false\n    stage2: true\n"),
            "t.yaml:2:13: smmus[0].stage1: must be true in a scenario: the host agent builds "
            "stage-1 domains for the devices (stage-2-only SMMUs are replayed with `smmusim "
            "replay`)");
  // A preset's IPA cache is checked like a given one.
  EXPECT_EQ(parseError("smmus:\n  - preset: mmu700-server\n    ipa_cache_ways: 3\n"),
            "t.yaml:3:21: smmus[0].ipa_cache_ways: 3 ways do not divide 1024 entries (0 = fully "
            "associative)");
  // A programmatic scenario.
  Scenario s;
  s.smmus[0].config.ipaCacheEntries = 96;
  s.smmus[0].config.ipaCacheWays = 4;
  try {
    validateScenario(s);
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.path(), "smmus[0].ipa_cache_ways");
  }
}

TEST(ScenarioStageKeys, EveryPresetSetsTheNewKeys) {
  // Every preset's stage and IPA cache values reach the SMMU, as their tables give them.
  for (const auto& p : presets()) {
    SCOPED_TRACE(p.name);
    const SmmuSpec m = parseScenarioString("smmus: [{preset: " + p.name + "}]").smmus[0];
    EXPECT_EQ(m.config.features.s1p, p.config.features.s1p);
    EXPECT_EQ(m.config.features.s2p, p.config.features.s2p);
    EXPECT_EQ(m.config.ipaCacheEntries, p.config.ipaCacheEntries);
    EXPECT_EQ(m.config.ipaCacheWays, p.config.ipaCacheWays);
    EXPECT_EQ(m.config.timing.ipaCacheLookupCycles, p.config.timing.ipaCacheLookupCycles);
  }
  // Spot checks against the sources: gem5's IDR0 0x094C100F has S2P; ipa_enable False.
  const SmmuSpec g = parseScenarioString("smmus: [{preset: gem5-default}]").smmus[0];
  EXPECT_TRUE(g.config.features.s1p && g.config.features.s2p);
  EXPECT_EQ(g.config.ipaCacheEntries, 0u);
  EXPECT_EQ(g.config.timing.ipaCacheLookupCycles, 3u);
  for (const char* name : {"mmu500-like", "mmu600-like", "mmu700-server"})
    EXPECT_TRUE(parseScenarioString(std::string("smmus: [{preset: ") + name + "}]")
                    .smmus[0]
                    .config.features.s2p)
        << name;
  EXPECT_FALSE(parseScenarioString("smmus: [{preset: default}]").smmus[0].config.features.s2p);
}

TEST(ScenarioStageKeys, ReferenceListsTheKeys) {
  const std::string r = scenarioReference();
  for (const char* key : {"smmus[].stage1  (bool, default true)",
                          "smmus[].stage2  (bool, default false)",
                          "smmus[].ipa_cache_entries  (integer, default 0)",
                          "smmus[].ipa_cache_ways  (integer, default 4)",
                          "smmus[].ipa_cache_lookup_cycles  (integer, default 2)"})
    EXPECT_NE(r.find(key), std::string::npos) << key;
}

// ---------------------------------------------------------------------------------------------
// `smmusim presets [NAME]`
TEST(ScenarioPresetYaml, EveryPresetPrintsAsAScenarioThatGivesItsValues) {
  for (const auto& p : presets()) {
    SCOPED_TRACE(p.name);
    const std::string y = presetToYaml(p.name);
    // Every key once, with its value and its source as a comment.
    for (const auto& v : p.values) {
      const std::string head = "\n    " + v.key + ": " + v.value + " ";
      const size_t at = y.find(head);
      ASSERT_NE(at, std::string::npos) << head << "\n" << y;
      const size_t eol = y.find('\n', at + 1);
      EXPECT_NE(y.substr(at, eol - at).find("  # " + v.source), std::string::npos) << v.key;
      EXPECT_EQ(y.find(head, at + 1), std::string::npos) << v.key << " twice";
    }
    for (const auto& n : p.notes) EXPECT_NE(y.find("#   - " + n + "\n"), std::string::npos) << n;
    // It is a scenario: read back, the SMMU has exactly the preset's values.
    const Scenario s = parseScenarioString(y, "presets " + p.name);
    ASSERT_EQ(s.smmus.size(), 1u);
    EXPECT_EQ(s.smmus[0].preset, p.name);
    const SmmuConfig c = toSmmuConfig(s.smmus[0]);
    for (const auto& key : presetKeys())
      EXPECT_EQ(presetValueText(c, key), presetValueText(p.config, key)) << key;
  }
  // The values in it are what parses, not only what the preset sets: a changed line changes
  // the SMMU (so the test above would see a wrong value).
  std::string y = presetToYaml("gem5-default");
  const size_t at = y.find("    tlb_entries: 2048 ");
  ASSERT_NE(at, std::string::npos);
  y.replace(at, 22, "    tlb_entries: 1024 ");
  EXPECT_EQ(parseScenarioString(y).smmus[0].config.tlbEntries, 1024u);
}

TEST(ScenarioPresetYaml, ListingAndUnknownName) {
  const std::string l = presetListing();
  // One line per preset, in presets() order, summaries in one column: the longest name,
  // "mmu700-server" (13), and two spaces.
  std::string want;
  for (const auto& p : presets())
    want += p.name + std::string(15 - p.name.size(), ' ') + p.summary + "\n";
  EXPECT_EQ(l, want);
  EXPECT_EQ(l.substr(0, 15), "default        ");
  try {
    presetToYaml("mmu700");
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              "preset: unknown preset 'mmu700', did you mean 'mmu700-server'? (valid presets: "
              "default, gem5-default, mmu500-like, mmu600-like, mmu700-server)");
  }
}
