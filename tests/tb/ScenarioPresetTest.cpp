// Scenario keys for SMMU presets and the micro-architecture knobs: `preset:` and its precedence,
// the new SMMU, memory, run and device keys, their round trip, overrides and validation.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "Scenario.h"
#include "ScenarioErrors.h"
#include "smmu/Presets.h"

using namespace smmu;
using smmu::testing::overrideError;
using smmu::testing::parseError;

namespace {


// Every new key set to a value different from its default.
const char* kKnobs = R"(
memory:
  channels: 4
  occupancy_ns: 12
smmus:
  - name: s0
    utlb_entries: 16
    utlb_ways: 4
    utlb_policy: plru
    tlb_policy: random
    tbu_xlate_slots: 24
    config_cache_policy: fifo
    walk_cache_entries: [8, 64, 512]
    walk_cache_ways: 8
    walk_cache_policy: plru
    ptw_slots: 6
    seed: 77
    utlb_lookup_cycles: 3
    walk_cache_lookup_cycles: 5
devices:
  - name: d
    trace: traces/d.csv
run:
  mode: lt
  quantum_ns: 250
)";

}  // namespace

// ---------------------------------------------------------------------------------------------
TEST(ScenarioPreset, EveryPresetLoadsWithItsValues) {
  for (const auto& name : presetNames()) {
    SCOPED_TRACE(name);
    const Scenario s = parseScenarioString("smmus:\n  - preset: " + name + "\n");
    const SmmuSpec& m = s.smmus[0];
    EXPECT_EQ(m.preset, name);
    // Not set by a preset.
    EXPECT_EQ(m.config.name, "smmu0");
    EXPECT_EQ(m.config.regBase, 0x2b400000u);
    SmmuConfig want;
    ASSERT_TRUE(findPreset(name, want));
    const SmmuConfig got = toSmmuConfig(m);
    for (const auto& key : presetKeys())
      EXPECT_EQ(presetValueText(got, key), presetValueText(want, key)) << key;
    // The canonical YAML writes each value as the preset table does.
    const std::string y = scenarioToYaml(s);
    EXPECT_NE(y.find("    preset: " + name + "\n"), std::string::npos);
    for (const auto& v : findPresetInfo(name)->values)
      EXPECT_NE(y.find("\n    " + v.key + ": " + v.value + "\n"), std::string::npos)
          << v.key << ": " << v.value << "\n" << y;
  }
}

TEST(ScenarioPreset, SpotChecksAgainstPublishedFigures) {
  // gem5 SMMUv3.py (PRESETS.md §5).
  const SmmuSpec g = parseScenarioString("smmus: [{preset: gem5-default}]").smmus[0];
  EXPECT_EQ(g.config.utlbEntries, 32u);
  EXPECT_EQ(g.config.tlbEntries, 2048u);
  EXPECT_EQ(g.config.tlbWays, 4u);
  EXPECT_EQ(g.config.configCacheEntries, 64u);
  EXPECT_EQ(g.config.walkCacheEntries, (std::array<unsigned, 3>{{4, 28, 348}}));
  EXPECT_EQ(g.config.ptwSlots, 16u);
  EXPECT_EQ(g.config.tbuXlateSlots, 16u);
  EXPECT_EQ(g.config.timing.walkerIssueCycles, 8u);
  EXPECT_EQ(g.config.timing.tlbLookupCycles, 3u);
  EXPECT_EQ(g.config.tlbPolicy, "fifo");
  EXPECT_FALSE(g.config.features.gran16k);
  // Agilex 5 MMU-600 (PRESETS.md §3).
  const SmmuSpec a = parseScenarioString("smmus: [{preset: mmu600-like}]").smmus[0];
  EXPECT_EQ(a.config.walkCacheEntries, (std::array<unsigned, 3>{{256, 256, 256}}));
  EXPECT_EQ(a.config.configCacheEntries, 256u);
  EXPECT_EQ(a.config.tbuXlateSlots, 64u);
  EXPECT_EQ(a.config.features.sidBits, 24u);
  EXPECT_EQ(a.config.features.ssidBits, 20u);
  EXPECT_TRUE(a.config.features.ats && a.config.features.pri);
  EXPECT_EQ(a.config.features.httu, 0u);
  // MMU-700 server: HTTU A+D.
  const SmmuSpec h = parseScenarioString("smmus: [{preset: mmu700-server}]").smmus[0];
  EXPECT_EQ(h.config.features.httu, 2u);
  EXPECT_EQ(h.config.features.sidBits, 32u);
  // MMU-500: 512-entry macro TLB, 8 PTWs, no 16K granule.
  const SmmuSpec f = parseScenarioString("smmus: [{preset: mmu500-like}]").smmus[0];
  EXPECT_EQ(f.config.tlbEntries, 512u);
  EXPECT_EQ(f.config.ptwSlots, 8u);
  EXPECT_FALSE(f.config.features.gran16k);
}

TEST(ScenarioPreset, OtherKeysOverrideThePresetWhereverTheyStand) {
  // Keys before and after `preset:` both win over it.
  const Scenario s = parseScenarioString(
      "smmus:\n"
      "  - tlb_entries: 1024\n"
      "    name: big\n"
      "    preset: mmu600-like\n"
      "    walk_cache_ways: 8\n"
      "    reg_base: 0x2b500000\n"
      "  - name: plain\n");
  const SmmuSpec& m = s.smmus[0];
  EXPECT_EQ(m.preset, "mmu600-like");
  EXPECT_EQ(m.config.name, "big");
  EXPECT_EQ(m.config.regBase, 0x2b500000u);
  EXPECT_EQ(m.config.tlbEntries, 1024u);   // given
  EXPECT_EQ(m.config.walkCacheWays, 8u);   // given
  EXPECT_EQ(m.config.tlbWays, 4u);         // the preset's
  EXPECT_EQ(m.config.tlbPolicy, "random");  // the preset's
  EXPECT_EQ(m.config.features.sidBits, 24u);        // the preset's
  EXPECT_EQ(m.config.walkCacheEntries, (std::array<unsigned, 3>{{256, 256, 256}}));
  // The SMMU without a preset has the defaults.
  const SmmuSpec& d = s.smmus[1];
  EXPECT_EQ(d.preset, "default");
  EXPECT_EQ(d.config.tlbEntries, SmmuConfig{}.tlbEntries);
  EXPECT_EQ(d.config.features.sidBits, SmmuConfig{}.features.sidBits);
  // The dump says where the values started and gives them all: it reads back the same.
  const std::string y = scenarioToYaml(s);
  EXPECT_EQ(scenarioToYaml(parseScenarioString(y)), y);
  EXPECT_EQ(parseScenarioString(y).smmus[0].config.tlbEntries, 1024u);
}

TEST(ScenarioPreset, UnknownPresetNamesTheValidOnes) {
  EXPECT_EQ(parseError("smmus:\n  - preset: mmu-600\n"),
            "t.yaml:2:13: smmus[0].preset: unknown preset 'mmu-600' (valid presets: default, "
            "gem5-default, mmu500-like, mmu600-like, mmu700-server)");
  EXPECT_EQ(parseError("smmus:\n  - name: a\n  - name: b\n    reg_base: 0x2b500000\n"
                       "    preset: gem5-defualt\n"),
            "t.yaml:5:13: smmus[1].preset: unknown preset 'gem5-defualt', did you mean "
            "'gem5-default'? (valid presets: default, gem5-default, mmu500-like, mmu600-like, "
            "mmu700-server)");
  EXPECT_EQ(parseError("smmus: [{preset: [a]}]"),
            "t.yaml:1:18: smmus[0].preset: expected a preset name (default, gem5-default, "
            "mmu500-like, mmu600-like, mmu700-server), got a list");
  EXPECT_EQ(parseError("smmus: [{preset: default, preset: default}]"),
            "t.yaml:1:27: smmus[0].preset: duplicate key");
  // The programmatic paths.
  SmmuSpec spec;
  try {
    applyPreset(spec, "MMU700");
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              "preset: unknown preset 'MMU700' (valid presets: default, gem5-default, "
              "mmu500-like, mmu600-like, mmu700-server)");
  }
  EXPECT_EQ(spec.preset, "default");  // unchanged
  Scenario s;
  s.smmus[0].preset = "bogus";
  try {
    validateScenario(s);
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.path(), "smmus[0].preset");
  }
}

TEST(ScenarioPreset, ApplyPresetKeepsNameAndPlacement) {
  SmmuSpec spec;
  spec.config.name = "x";
  spec.config.regBase = 0x10000000;
  spec.config.tlbEntries = 8;
  applyPreset(spec, "gem5-default");
  EXPECT_EQ(spec.config.name, "x");
  EXPECT_EQ(spec.config.regBase, 0x10000000u);
  EXPECT_EQ(spec.config.tlbEntries, 2048u);
  EXPECT_EQ(spec.preset, "gem5-default");
  // toSmmuSpec is the inverse of toSmmuConfig on every preset.
  for (const auto& p : presets()) {
    const SmmuConfig back = toSmmuConfig(toSmmuSpec(p.config));
    for (const auto& key : presetKeys())
      EXPECT_EQ(presetValueText(back, key), presetValueText(p.config, key)) << p.name << key;
  }
}

// ---------------------------------------------------------------------------------------------
TEST(ScenarioKnobs, ParseAndCarryToSmmuConfig) {
  const Scenario s = parseScenarioString(kKnobs);
  EXPECT_EQ(s.memory.channels, 4u);
  EXPECT_EQ(s.memory.occupancyNs, 12u);
  EXPECT_EQ(s.run.mode, RunMode::Lt);
  EXPECT_EQ(s.run.quantumNs, 250u);
  EXPECT_EQ(s.devices[0].trace, "traces/d.csv");
  const SmmuConfig c = toSmmuConfig(s.smmus[0]);
  EXPECT_EQ(c.utlbEntries, 16u);
  EXPECT_EQ(c.utlbWays, 4u);
  EXPECT_EQ(c.utlbPolicy, "plru");
  EXPECT_EQ(c.tlbPolicy, "random");
  EXPECT_EQ(c.tbuXlateSlots, 24u);
  EXPECT_EQ(c.configCachePolicy, "fifo");
  EXPECT_EQ(c.walkCacheEntries, (std::array<unsigned, 3>{{8, 64, 512}}));
  EXPECT_EQ(c.walkCacheWays, 8u);
  EXPECT_EQ(c.walkCachePolicy, "plru");
  EXPECT_EQ(c.ptwSlots, 6u);
  EXPECT_EQ(c.seed, 77u);
  EXPECT_EQ(c.timing.utlbLookupCycles, 3u);
  EXPECT_EQ(c.timing.walkCacheLookupCycles, 5u);
  // Defaults of the new keys.
  const Scenario d;
  EXPECT_EQ(d.memory.channels, 0u);
  EXPECT_EQ(d.memory.occupancyNs, 0u);
  EXPECT_EQ(d.run.mode, RunMode::Contention);
  EXPECT_EQ(d.run.quantumNs, 1000u);
  EXPECT_EQ(d.devices[0].trace, "");
  EXPECT_EQ(d.smmus[0].preset, "default");
  const SmmuConfig def;
  EXPECT_EQ(d.smmus[0].config.walkCacheEntries, def.walkCacheEntries);
  EXPECT_EQ(d.smmus[0].config.utlbPolicy, def.utlbPolicy);
  EXPECT_EQ(d.smmus[0].config.seed, def.seed);
}

TEST(ScenarioKnobs, RoundTripThroughYaml) {
  const Scenario s = parseScenarioString(kKnobs);
  const std::string y = scenarioToYaml(s);
  EXPECT_NE(y.find("  channels: 4\n  occupancy_ns: 12\n"), std::string::npos) << y;
  EXPECT_NE(y.find("    walk_cache_entries: [8, 64, 512]\n"), std::string::npos) << y;
  EXPECT_NE(y.find("    trace: traces/d.csv\n"), std::string::npos) << y;
  EXPECT_NE(y.find("run:\n  progress: auto\n  mode: lt\n  quantum_ns: 250\n"), std::string::npos)
      << y;
  const Scenario b = parseScenarioString(y, "dump");
  EXPECT_EQ(scenarioToYaml(b), y);
  EXPECT_EQ(b.memory.channels, 4u);
  EXPECT_EQ(b.run.mode, RunMode::Lt);
  EXPECT_EQ(b.devices[0].trace, "traces/d.csv");
  EXPECT_EQ(b.smmus[0].config.walkCacheEntries, (std::array<unsigned, 3>{{8, 64, 512}}));
  EXPECT_EQ(b.smmus[0].config.utlbPolicy, "plru");
  EXPECT_EQ(b.smmus[0].config.seed, 77u);
  // No trace: written as an empty string, read back as none.
  const std::string y0 = scenarioToYaml(Scenario{});
  EXPECT_NE(y0.find("    trace: \"\"\n"), std::string::npos) << y0;
  EXPECT_EQ(parseScenarioString(y0).devices[0].trace, "");
  EXPECT_EQ(parseScenarioString("devices: [{trace: ~}]").devices[0].trace, "");
}

TEST(ScenarioKnobs, Overrides) {
  Scenario s = defaultScenario();
  applyOverride(s, "smmus[0].utlb_entries=64");
  EXPECT_EQ(s.smmus[0].config.utlbEntries, 64u);
  applyOverride(s, "smmus[0].walk_cache_entries=[0, 64, 512]");
  EXPECT_EQ(s.smmus[0].config.walkCacheEntries, (std::array<unsigned, 3>{{0, 64, 512}}));
  applyOverride(s, "smmus[smmu0].tlb_policy=random");
  EXPECT_EQ(s.smmus[0].config.tlbPolicy, "random");
  applyOverride(s, "smmus[0].ptw_slots=2");
  EXPECT_EQ(s.smmus[0].config.ptwSlots, 2u);
  applyOverride(s, "smmus[0].walk_cache_lookup_cycles=7");
  EXPECT_EQ(s.smmus[0].config.timing.walkCacheLookupCycles, 7u);
  applyOverride(s, "memory.channels=8");
  applyOverride(s, "memory.occupancy_ns=20");
  EXPECT_EQ(s.memory.channels, 8u);
  EXPECT_EQ(s.memory.occupancyNs, 20u);
  applyOverride(s, "run.mode=lt");
  applyOverride(s, "run.quantum_ns=500");
  EXPECT_EQ(s.run.mode, RunMode::Lt);
  EXPECT_EQ(s.run.quantumNs, 500u);
  applyOverride(s, "devices[kvs].trace=kvs.csv");
  EXPECT_EQ(s.devices[3].trace, "kvs.csv");
  // A preset alone re-applies the preset over the current values (name and reg_base stay).
  applyOverride(s, "smmus[0].preset=mmu700-server");
  EXPECT_EQ(s.smmus[0].preset, "mmu700-server");
  EXPECT_EQ(s.smmus[0].config.name, "smmu0");
  EXPECT_EQ(s.smmus[0].config.utlbEntries, 64u);  // the preset's value, which happens to be 64
  EXPECT_EQ(s.smmus[0].config.ptwSlots, 64u);     // the override's 2 is gone
  EXPECT_EQ(s.smmus[0].config.tlbEntries, 4096u);
  // A preset with keys in one map: the keys win, in either order.
  applyOverride(s, "smmus[0]={ptw_slots: 4, preset: gem5-default}");
  EXPECT_EQ(s.smmus[0].preset, "gem5-default");
  EXPECT_EQ(s.smmus[0].config.ptwSlots, 4u);
  EXPECT_EQ(s.smmus[0].config.tlbEntries, 2048u);
  // Errors leave the scenario unchanged.
  const std::string before = scenarioToYaml(s);
  EXPECT_EQ(overrideError(s, "smmus[0].preset=mmu500-lke"),
            "override 'smmus[0].preset=mmu500-lke': smmus[0].preset: unknown preset "
            "'mmu500-lke', did you mean 'mmu500-like'? (valid presets: default, gem5-default, "
            "mmu500-like, mmu600-like, mmu700-server)");
  // The start of exactly one name suggests it.
  EXPECT_EQ(overrideError(s, "smmus[0].preset=mmu600"),
            "override 'smmus[0].preset=mmu600': smmus[0].preset: unknown preset 'mmu600', did "
            "you mean 'mmu600-like'? (valid presets: default, gem5-default, mmu500-like, "
            "mmu600-like, mmu700-server)");
  // Too far from every name for a suggestion.
  EXPECT_EQ(overrideError(s, "smmus[0].preset=mmu800"),
            "override 'smmus[0].preset=mmu800': smmus[0].preset: unknown preset 'mmu800' (valid "
            "presets: default, gem5-default, mmu500-like, mmu600-like, mmu700-server)");
  EXPECT_EQ(overrideError(s, "smmus[0].walk_cache_entries[1]=64"),
            "override 'smmus[0].walk_cache_entries[1]=64': smmus[0].walk_cache_entries: is not "
            "a list");
  EXPECT_EQ(overrideError(s, "run.mode=at"),
            "override 'run.mode=at': run.mode: unknown value 'at' (expected contention, lt)");
  EXPECT_EQ(scenarioToYaml(s), before);
}

// ---------------------------------------------------------------------------------------------
TEST(ScenarioKnobs, ValidationErrors) {
  // Geometry: ways divide entries, a power-of-two set count (tlm/cache's rule), every cache.
  EXPECT_EQ(parseError("smmus:\n  - utlb_entries: 12\n    utlb_ways: 8\n"),
            "t.yaml:3:16: smmus[0].utlb_ways: 8 ways do not divide 12 entries (0 = fully "
            "associative)");
  EXPECT_EQ(parseError("smmus:\n  - tlb_entries: 384\n"),
            "t.yaml:2:5: smmus[0].tlb_ways: 384 entries in 4 ways make 96 sets: the number of "
            "sets must be a power of two");
  EXPECT_EQ(parseError("smmus:\n  - walk_cache_entries: [4, 28, 0]\n"),
            "t.yaml:2:5: smmus[0].walk_cache_ways: 28 entries of walk_cache_entries[1] in 4 ways "
            "make 7 sets: the number of sets must be a power of two");
  EXPECT_EQ(parseError("smmus:\n  - walk_cache_entries: [2, 0, 0]\n"),
            "t.yaml:2:5: smmus[0].walk_cache_ways: 4 ways do not divide 2 entries of "
            "walk_cache_entries[0] (0 = fully associative)");
  EXPECT_EQ(parseError("smmus:\n  - walk_cache_entries: [0, 0, 16777217]\n    walk_cache_ways: "
                       "0\n"),
            "t.yaml:2:32: smmus[0].walk_cache_entries[2]: must be at most 16777216 (got "
            "16777217)");
  // gem5's 4-way walk cache sizes fit once fully associative (the preset's choice).
  EXPECT_EQ(parseError("smmus:\n  - walk_cache_entries: [4, 28, 348]\n    walk_cache_ways: 0\n"),
            "OK");
  // 0 entries: no micro TLB / no walk cache at that level, whatever the ways.
  EXPECT_EQ(parseError("smmus:\n  - utlb_entries: 0\n    utlb_ways: 3\n"), "OK");
  // Policies: names, and plru's power-of-two ways.
  EXPECT_EQ(parseError("smmus:\n  - tlb_policy: mru\n"),
            "t.yaml:2:17: smmus[0].tlb_policy: unknown value 'mru' (expected lru, plru, fifo, "
            "random)");
  EXPECT_EQ(parseError("smmus:\n  - config_cache_entries: 48\n    config_cache_ways: 12\n"
                       "    config_cache_policy: plru\n"),
            "t.yaml:4:26: smmus[0].config_cache_policy: plru needs a power-of-two number of ways "
            "(12 ways)");
  EXPECT_EQ(parseError("smmus:\n  - utlb_entries: 24\n    utlb_policy: plru\n"),
            "t.yaml:3:18: smmus[0].utlb_policy: plru needs a power-of-two number of ways (24 "
            "ways)");
  // Lists and counts.
  EXPECT_EQ(parseError("smmus:\n  - walk_cache_entries: [1, 2]\n"),
            "t.yaml:2:25: smmus[0].walk_cache_entries: expected a list of 3 entry counts [L0, L1, "
            "L2], got a list of 2");
  EXPECT_EQ(parseError("smmus:\n  - walk_cache_entries: 64\n"),
            "t.yaml:2:25: smmus[0].walk_cache_entries: expected a list of 3 entry counts [L0, L1, "
            "L2], got a scalar '64'");
  EXPECT_EQ(parseError("smmus:\n  - walk_cache_entries: [1, x, 2]\n"),
            "t.yaml:2:29: smmus[0].walk_cache_entries[1]: expected an unsigned integer, got 'x'");
  EXPECT_EQ(parseError("smmus:\n  - ptw_slots: -1\n"),
            "t.yaml:2:16: smmus[0].ptw_slots: expected an unsigned integer, got negative '-1'");
  EXPECT_EQ(parseError("smmus:\n  - tbu_xlate_slots: 70000\n"),
            "t.yaml:2:22: smmus[0].tbu_xlate_slots: must be <= 65536, 0 = unlimited (got 70000)");
  EXPECT_EQ(parseError("smmus:\n  - utlb_lookup_cycles: 2000000\n"),
            "t.yaml:2:25: smmus[0].utlb_lookup_cycles: must be <= 1000000 (got 2000000)");
  EXPECT_EQ(parseError("smmus:\n  - walk_cache_lookup_cycles: 1000001\n"),
            "t.yaml:2:31: smmus[0].walk_cache_lookup_cycles: must be <= 1000000 (got 1000001)");
  EXPECT_EQ(parseError("memory:\n  channels: 70000\n"),
            "t.yaml:2:13: memory.channels: must be <= 65536, 0 = unlimited (got 70000)");
  EXPECT_EQ(parseError("memory:\n  occupancy_ns: 2000000000000\n"),
            "t.yaml:2:17: memory.occupancy_ns: must be <= 1000000000000");
  EXPECT_EQ(parseError("run:\n  quantum_ns: 0\n"),
            "t.yaml:2:15: run.quantum_ns: must be between 1 and 1000000000000 (got 0)");
  EXPECT_EQ(parseError("run:\n  mode: tlm\n"),
            "t.yaml:2:9: run.mode: unknown value 'tlm' (expected contention, lt)");
  EXPECT_EQ(parseError("devices:\n  - trace: [a.csv]\n"),
            "t.yaml:2:12: devices[0].trace: expected a string, got a list");
  // A preset's values are checked like given ones: an override that breaks one is named.
  EXPECT_EQ(parseError("smmus:\n  - preset: gem5-default\n    walk_cache_ways: 4\n"),
            "t.yaml:3:22: smmus[0].walk_cache_ways: 28 entries of walk_cache_entries[1] in 4 "
            "ways make 7 sets: the number of sets must be a power of two");
  // A programmatic scenario with a bad policy name.
  Scenario s;
  s.smmus[0].config.walkCachePolicy = "lfu";
  try {
    validateScenario(s);
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              "smmus[0].walk_cache_policy: unknown value 'lfu' (expected lru, plru, fifo, "
              "random)");
  }
}

// ---------------------------------------------------------------------------------------------
TEST(ScenarioKnobs, TracePathsAreRelativeToTheScenarioFile) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("smmusim-preset-test-" +
                                                    std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  const fs::path file = dir / "sub" / "s.yaml";
  {
    std::ofstream out(file);
    out << "devices:\n  - {name: a, trace: t/a.csv}\n  - {name: b, trace: /abs/b.csv}\n"
           "  - {name: c}\n";
  }
  const Scenario s = parseScenarioFile(file.string());
  EXPECT_EQ(s.baseDir, (dir / "sub").string());
  EXPECT_EQ(tracePathFor(s, 0), (dir / "sub" / "t" / "a.csv").string());
  EXPECT_EQ(tracePathFor(s, 1), "/abs/b.csv");
  EXPECT_EQ(tracePathFor(s, 2), "");
  // The YAML keeps the path as written.
  EXPECT_NE(scenarioToYaml(s).find("    trace: t/a.csv\n"), std::string::npos);
  // Parsed from a string: relative to the working directory.
  const Scenario t = parseScenarioString("devices: [{trace: t/a.csv}]");
  EXPECT_EQ(t.baseDir, "");
  EXPECT_EQ(tracePathFor(t, 0), "t/a.csv");
  fs::remove_all(dir);
}

TEST(ScenarioKnobs, ReferenceListsTheNewKeys) {
  const std::string r = scenarioReference();
  for (const char* key :
       {"smmus[].preset  (one of: default | gem5-default | mmu500-like | mmu600-like | "
        "mmu700-server, default default)",
        "smmus[].utlb_entries  (integer, default 0)", "smmus[].utlb_ways", "smmus[].utlb_policy",
        "smmus[].tlb_policy  (one of: lru | plru | fifo | random, default lru)",
        "smmus[].tbu_xlate_slots", "smmus[].config_cache_policy",
        "smmus[].walk_cache_entries  (list of 3 integers, default [0, 0, 0])",
        "smmus[].walk_cache_ways", "smmus[].walk_cache_policy", "smmus[].ptw_slots",
        "smmus[].seed", "smmus[].utlb_lookup_cycles", "smmus[].walk_cache_lookup_cycles",
        "memory.channels  (integer, default 0)", "memory.occupancy_ns  (integer, default 0)",
        "run.mode  (one of: contention | lt, default contention)",
        "run.quantum_ns  (integer, default 1000)", "devices[].trace  (string"})
    EXPECT_NE(r.find(key), std::string::npos) << key;
  EXPECT_EQ(runModeName(RunMode::Contention), "contention");
  EXPECT_EQ(runModeName(RunMode::Lt), "lt");
}
