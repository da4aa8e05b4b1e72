// The named SMMU presets: every value has a source, the values are the published figures
// (checked here against numbers copied by hand from PRESETS.md and from the raw ID-register
// values it quotes), every preset is a geometry the caches accept, and docs/presets.md lists
// exactly what the table holds.
#include "smmu/Presets.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "arch/Features.h"
#include "cache/ReplacementPolicy.h"

using namespace smmu;

namespace {

const Preset& preset(const std::string& name) {
  const Preset* p = findPresetInfo(name);
  if (!p) throw std::runtime_error("no preset " + name);
  return *p;
}

const std::string& sourceOf(const Preset& p, const std::string& key) {
  for (const auto& v : p.values)
    if (v.key == key) return v.source;
  throw std::runtime_error("no key " + key);
}

std::string sourceDir() {
  if (const char* d = std::getenv("SMMUSIM_SOURCE_DIR")) return d;
  std::string f = __FILE__;  // <src>/tests/smmu/PresetsTest.cpp
  for (int i = 0; i < 3; ++i) f = f.substr(0, f.rfind('/'));
  return f;
}

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

TEST(Presets, NamesAndLookup) {
  EXPECT_EQ(presetNames(), (std::vector<std::string>{"default", "gem5-default", "mmu500-like",
                                                     "mmu600-like", "mmu700-server"}));
  SmmuConfig c;
  c.tlbEntries = 7;
  EXPECT_FALSE(findPreset("mmu-600", c));
  EXPECT_FALSE(findPreset("", c));
  EXPECT_FALSE(findPreset("Default", c));  // names are case-sensitive
  EXPECT_EQ(c.tlbEntries, 7u);             // unchanged on failure
  EXPECT_EQ(findPresetInfo("nope"), nullptr);
  ASSERT_TRUE(findPreset("gem5-default", c));
  EXPECT_EQ(c.tlbEntries, 2048u);
  // A preset does not name or place the instance.
  const SmmuConfig def;
  EXPECT_EQ(c.name, def.name);
  EXPECT_EQ(c.regBase, def.regBase);
}

TEST(Presets, DefaultIsSmmuConfigDefaults) {
  const SmmuConfig def;
  SmmuConfig c;
  c.tlbEntries = 3;
  c.walkCacheEntries = {{1, 2, 3}};
  ASSERT_TRUE(findPreset("default", c));
  for (const auto& key : presetKeys())
    EXPECT_EQ(presetValueText(c, key), presetValueText(def, key)) << key;
  EXPECT_EQ(c.features.toIdr().idr0, def.features.toIdr().idr0);
  EXPECT_EQ(c.features.toIdr().idr1, def.features.toIdr().idr1);
  EXPECT_EQ(c.features.toIdr().idr5, def.features.toIdr().idr5);
}

TEST(Presets, KeysAndValueText) {
  // Every SmmuConfig field but name and regBase, by its scenario key.
  const auto& k = presetKeys();
  EXPECT_EQ(k.size(), 45u);
  EXPECT_EQ(std::set<std::string>(k.begin(), k.end()).size(), k.size());
  for (const char* key :
       {"utlb_entries", "utlb_ways", "utlb_policy", "tlb_policy", "tbu_xlate_slots",
        "config_cache_policy", "walk_cache_entries", "walk_cache_ways", "walk_cache_policy",
        "ptw_slots", "seed", "utlb_lookup_cycles", "walk_cache_lookup_cycles", "granules",
        "stage1", "stage2", "ipa_cache_entries", "ipa_cache_ways", "ipa_cache_lookup_cycles",
        "s2_walk_cache_entries", "s2_walk_cache_ways", "walk_prefix_coalescing",
        "contiguous_hint", "tlb_lookup_slots", "config_lookup_slots", "walk_cache_lookup_slots",
        "ptw_arbitration"})
    EXPECT_NE(std::find(k.begin(), k.end(), key), k.end()) << key;
  SmmuConfig c;
  c.features.gran16k = false;
  c.features.httu = 2;
  c.features.stLevel2 = false;
  c.walkCacheEntries = {{0, 64, 1024}};
  c.timing.clockPeriodPs = 625;
  c.seed = 0x123456789ull;
  EXPECT_EQ(presetValueText(c, "granules"), "[4K, 64K]");
  EXPECT_EQ(presetValueText(c, "httu"), "af_dirty");
  EXPECT_EQ(presetValueText(c, "stream_table"), "linear");
  EXPECT_EQ(presetValueText(c, "walk_cache_entries"), "[0, 64, 1024]");
  EXPECT_EQ(presetValueText(c, "clock_period_ps"), "625");
  EXPECT_EQ(presetValueText(c, "seed"), "4886718345");
  EXPECT_EQ(presetValueText(c, "ats"), "false");
  EXPECT_EQ(presetValueText(c, "stage1"), "true");
  EXPECT_EQ(presetValueText(c, "stage2"), "false");
  c.features.s1p = false;
  c.features.s2p = true;
  c.ipaCacheEntries = 96;
  c.ipaCacheWays = 0;
  c.timing.ipaCacheLookupCycles = 9;
  EXPECT_EQ(presetValueText(c, "stage1"), "false");
  EXPECT_EQ(presetValueText(c, "stage2"), "true");
  EXPECT_EQ(presetValueText(c, "ipa_cache_entries"), "96");
  EXPECT_EQ(presetValueText(c, "ipa_cache_ways"), "0");
  EXPECT_EQ(presetValueText(c, "ipa_cache_lookup_cycles"), "9");
  EXPECT_EQ(presetValueText(c, "name"), "");  // not a preset key
}

TEST(Presets, EveryValueHasASource) {
  static const char* kTags[] = {"SPEC", "RANGE", "INST", "gem5:", "UNVERIFIED:", "choice:",
                                "model:"};
  for (const auto& p : presets()) {
    SCOPED_TRACE(p.name);
    EXPECT_FALSE(p.summary.empty());
    ASSERT_EQ(p.values.size(), presetKeys().size());
    for (size_t i = 0; i < p.values.size(); ++i) {
      const PresetValue& v = p.values[i];
      EXPECT_EQ(v.key, presetKeys()[i]);
      EXPECT_EQ(v.value, presetValueText(p.config, v.key)) << v.key;
      EXPECT_NE(v.source, "MISSING") << v.key;
      bool tagged = false;
      for (const char* t : kTags) tagged = tagged || startsWith(v.source, t);
      EXPECT_TRUE(tagged) << v.key << ": " << v.source;
    }
    for (const auto& n : p.notes) EXPECT_FALSE(startsWith(n, "INTERNAL")) << n;
  }
}

// gem5 src/dev/arm/SMMUv3.py defaults, copied by hand from PRESETS.md §5.
TEST(Presets, Gem5DefaultMatchesSMMUv3Py) {
  const Preset& p = preset("gem5-default");
  const SmmuConfig& c = p.config;
  EXPECT_EQ(c.utlbEntries, 32u);          // utlb_entries
  EXPECT_EQ(c.utlbWays, 0u);              // utlb_assoc 0 = full
  EXPECT_EQ(c.tlbEntries, 2048u);         // DevIfc tlb_entries
  EXPECT_EQ(c.tlbWays, 4u);               // tlb_assoc
  EXPECT_EQ(c.configCacheEntries, 64u);   // cfg_entries
  EXPECT_EQ(c.configCacheWays, 4u);       // cfg_assoc
  EXPECT_EQ(c.walkCacheEntries, (std::array<unsigned, 3>{{4, 28, 348}}));  // walk_S1L0..L2
  EXPECT_EQ(c.ptwSlots, 16u);             // ptw_slots
  EXPECT_EQ(c.tbuXlateSlots, 16u);        // DevIfc xlate_slots
  EXPECT_EQ(c.timing.utlbLookupCycles, 1u);       // utlb_lat
  EXPECT_EQ(c.timing.tlbLookupCycles, 3u);        // tlb_lat
  EXPECT_EQ(c.timing.configLookupCycles, 3u);     // cfg_lat
  EXPECT_EQ(c.timing.walkCacheLookupCycles, 4u);  // walk_lat
  EXPECT_EQ(c.timing.walkerIssueCycles, 8u);      // ifc_smmu_lat
  // "rr" everywhere, mapped to fifo.
  for (const std::string* pol : {&c.utlbPolicy, &c.tlbPolicy, &c.configCachePolicy,
                                 &c.walkCachePolicy})
    EXPECT_EQ(*pol, "fifo");
  EXPECT_NE(sourceOf(p, "tlb_policy").find("\"rr\""), std::string::npos);
  EXPECT_NE(sourceOf(p, "tlb_policy").find("fifo"), std::string::npos);
  // walk_assoc 4 cannot be kept (7 and 87 sets): a documented choice.
  EXPECT_EQ(c.walkCacheWays, 0u);
  EXPECT_TRUE(startsWith(sourceOf(p, "walk_cache_ways"), "choice:"));
  // gem5's S1L3 leaf cache has no counterpart, and the source says so.
  EXPECT_NE(sourceOf(p, "walk_cache_entries").find("walk_S1L3"), std::string::npos);
  // Features from smmu_idr0 = 0x094C100F and smmu_idr5 = 0x55, decoded by the model's own
  // IDR decoder.
  const SmmuFeatures f = SmmuFeatures::fromIdr({0x094C100Fu, 0x00E00000u, 0, 0, 0, 0x55u});
  EXPECT_EQ(c.features.oasBits, f.oasBits);
  EXPECT_EQ(c.features.oasBits, 48);
  EXPECT_EQ(c.features.gran4k, f.gran4k);
  EXPECT_EQ(c.features.gran16k, f.gran16k);
  EXPECT_FALSE(c.features.gran16k);
  EXPECT_EQ(c.features.gran64k, f.gran64k);
  EXPECT_EQ(c.features.httu, f.httu);
  EXPECT_EQ(c.features.ats, f.ats);
  EXPECT_EQ(c.features.pri, f.pri);
  EXPECT_EQ(c.features.stLevel2, f.stLevel2);
  // 0x094C100F: bits [1:0] = 0b11, S1P and S2P.
  EXPECT_TRUE(f.s1p && f.s2p);
  EXPECT_EQ(c.features.s1p, f.s1p);
  EXPECT_EQ(c.features.s2p, f.s2p);
  // IPA cache: ipa_entries 128 / ipa_assoc 4 / ipa_lat 3, but ipa_enable False: none (a
  // documented choice that names the 128 entries).
  EXPECT_EQ(c.ipaCacheEntries, 0u);
  EXPECT_EQ(c.ipaCacheWays, 4u);
  EXPECT_EQ(c.timing.ipaCacheLookupCycles, 3u);
  EXPECT_NE(sourceOf(p, "ipa_cache_entries").find("ipa_enable = False"), std::string::npos);
  EXPECT_NE(sourceOf(p, "ipa_cache_entries").find("128"), std::string::npos);
  // gem5's SIDSIZE 0 is not taken (a choice).
  EXPECT_EQ(f.sidBits, 0);
  EXPECT_EQ(c.features.sidBits, SmmuConfig{}.features.sidBits);
  EXPECT_TRUE(startsWith(sourceOf(p, "sid_bits"), "choice:"));
}

// Agilex 5 (MMU-600 r2p2), PRESETS.md §2-3; reset values of SMMU_IDR0/1/5 copied by hand.
TEST(Presets, Mmu600LikeMatchesAgilex5) {
  const Preset& p = preset("mmu600-like");
  const SmmuConfig& c = p.config;
  const SmmuFeatures f = SmmuFeatures::fromIdr({0x080F7E3Fu, 0x0E739D18u, 0, 0, 0, 0x00400075u});
  EXPECT_EQ(c.features.sidBits, 24);
  EXPECT_EQ(c.features.sidBits, f.sidBits);
  EXPECT_EQ(c.features.ssidBits, 20);
  EXPECT_EQ(c.features.ssidBits, f.ssidBits);
  EXPECT_EQ(c.features.oasBits, f.oasBits);  // 48: the register map, not the TRM's 40
  EXPECT_EQ(c.features.oasBits, 48);
  EXPECT_TRUE(c.features.gran4k && c.features.gran16k && c.features.gran64k);
  EXPECT_EQ(c.features.gran16k, f.gran16k);
  EXPECT_EQ(c.features.httu, 0);
  EXPECT_EQ(c.features.httu, f.httu);
  EXPECT_TRUE(c.features.ats);
  EXPECT_EQ(c.features.ats, f.ats);
  EXPECT_TRUE(c.features.pri);
  EXPECT_EQ(c.features.pri, f.pri);
  EXPECT_EQ(c.features.stLevel2, f.stLevel2);
  // 0x080F7E3F: bits [1:0] = 0b11, S1P and S2P.
  EXPECT_TRUE(c.features.s1p && c.features.s2p);
  EXPECT_EQ(c.features.s1p, f.s1p);
  EXPECT_EQ(c.features.s2p, f.s2p);
  EXPECT_NE(sourceOf(p, "oas_bits").find("conflicting"), std::string::npos);
  // Caches: 256 per walk-cache level, config cache 256, XLATE_SLOTS 64 = IDR5.STALL_MAX.
  EXPECT_EQ(c.walkCacheEntries, (std::array<unsigned, 3>{{256, 256, 256}}));
  EXPECT_EQ(c.configCacheEntries, 256u);
  EXPECT_EQ(c.tbuXlateSlots, 0x00400075u >> 16);
  EXPECT_EQ(c.tbuXlateSlots, 64u);
  // [A600AE] §2.1-2.2: uTLB fully associative PLRU (utlb_roundrobin 0), MTLB 4-way random,
  // config cache 4-way, walk caches 4-way round robin.
  EXPECT_EQ(c.utlbWays, 0u);
  EXPECT_EQ(c.utlbPolicy, "plru");
  EXPECT_EQ(c.tlbWays, 4u);
  EXPECT_EQ(c.tlbPolicy, "random");
  EXPECT_EQ(c.configCacheWays, 4u);
  EXPECT_EQ(c.walkCacheWays, 4u);
  EXPECT_EQ(c.walkCachePolicy, "fifo");
  // The depths no source gives are marked as guesses.
  for (const char* key : {"utlb_entries", "tlb_entries", "ptw_slots", "ipa_cache_entries",
                          "ipa_cache_ways"})
    EXPECT_TRUE(startsWith(sourceOf(p, key), "UNVERIFIED:")) << key;
}

// MMU-500 (SMMUv2) figures, PRESETS.md §3-4.
TEST(Presets, Mmu500Like) {
  const Preset& p = preset("mmu500-like");
  const SmmuConfig& c = p.config;
  EXPECT_EQ(c.utlbEntries, 32u);        // Agilex 7 non-FPGA TBUs
  EXPECT_EQ(c.tlbEntries, 512u);        // Agilex 7 macro TLB
  EXPECT_EQ(c.ptwSlots, 8u);            // 8 parallel PTWs per TBU
  EXPECT_EQ(c.tbuXlateSlots, 256u);     // 128 reads + 128 writes
  EXPECT_EQ(c.configCacheEntries, 32u); // 32 context banks
  EXPECT_EQ(c.timing.utlbLookupCycles, 2u);  // 2-clock best-case TBU hit
  EXPECT_EQ(c.features.oasBits, 48);
  EXPECT_FALSE(c.features.gran16k);
  EXPECT_EQ(c.features.ssidBits, 0);
  EXPECT_FALSE(c.features.ats);
  EXPECT_TRUE(startsWith(sourceOf(p, "walk_cache_entries"), "UNVERIFIED:"));
  EXPECT_TRUE(startsWith(sourceOf(p, "ptw_slots"), "SPEC [A500]"));
  // Stage 2 with the 4-way IPA->PA cache of [A500] §2.4.5, of unpublished size.
  EXPECT_TRUE(c.features.s2p);
  EXPECT_EQ(c.ipaCacheWays, 4u);
  EXPECT_GT(c.ipaCacheEntries, 0u);
  EXPECT_TRUE(startsWith(sourceOf(p, "ipa_cache_ways"), "SPEC [A500]"));
  EXPECT_TRUE(startsWith(sourceOf(p, "ipa_cache_entries"), "UNVERIFIED:"));
}

// MMU-700 picks lie inside the TRM's ranges (PRESETS.md §1) and are marked as picks.
TEST(Presets, Mmu700ServerPicksAreInRange) {
  const Preset& p = preset("mmu700-server");
  const SmmuConfig& c = p.config;
  const std::set<unsigned> utlbDepths = {4, 8, 12, 16, 32, 64};
  EXPECT_TRUE(utlbDepths.count(c.utlbEntries));
  EXPECT_GE(c.tlbEntries, 32u);
  EXPECT_LE(c.tlbEntries, 65536u);
  EXPECT_TRUE((std::set<unsigned>{4, 8, 16}.count(c.tlbWays)));
  EXPECT_GE(c.tbuXlateSlots, 2u);
  EXPECT_LE(c.tbuXlateSlots, 512u);
  EXPECT_GE(c.configCacheEntries, 4u);
  EXPECT_LE(c.configCacheEntries, 4096u);
  const unsigned wc = c.walkCacheEntries[0] + c.walkCacheEntries[1] + c.walkCacheEntries[2];
  EXPECT_GE(wc, 8192u);  // PRESETS.md §8: unified 8K-16K
  EXPECT_LE(wc, 16384u);
  EXPECT_TRUE((std::set<unsigned>{4, 8, 16}.count(c.walkCacheWays)));
  EXPECT_GE(c.ptwSlots, 2u);
  EXPECT_LE(c.ptwSlots, 512u);
  EXPECT_EQ(c.features.httu, 2);  // af_dirty
  EXPECT_EQ(c.features.sidBits, 32);
  EXPECT_EQ(c.features.ssidBits, 20);
  EXPECT_TRUE(c.features.ats && c.features.pri);
  EXPECT_TRUE(c.features.s1p && c.features.s2p);
  for (const char* key : {"ipa_cache_entries", "ipa_cache_ways"})
    EXPECT_TRUE(startsWith(sourceOf(p, key), "UNVERIFIED:")) << key;
  for (const char* key : {"utlb_entries", "tlb_entries", "tlb_ways", "tbu_xlate_slots",
                          "config_cache_entries", "walk_cache_entries", "walk_cache_ways",
                          "ptw_slots"}) {
    EXPECT_TRUE(startsWith(sourceOf(p, key), "RANGE")) << key;
    EXPECT_NE(sourceOf(p, key).find("pick"), std::string::npos) << key;
  }
}

// Every preset is a configuration the model's caches accept.
TEST(Presets, GeometriesAreValidForTheCaches) {
  for (const auto& p : presets()) {
    SCOPED_TRACE(p.name);
    const SmmuConfig& c = p.config;
    auto check = [](const char* what, unsigned entries, unsigned ways, const std::string& pol) {
      SCOPED_TRACE(what);
      CacheGeometry g{};
      ASSERT_NO_THROW(g = CacheGeometry::make(what, entries, ways));
      EXPECT_NO_THROW(makeReplacementPolicy(pol, g.sets, g.ways, 1));
    };
    if (c.utlbEntries) check("utlb", c.utlbEntries, c.utlbWays, c.utlbPolicy);
    check("tlb", c.tlbEntries, c.tlbWays, c.tlbPolicy);
    check("config cache", c.configCacheEntries, c.configCacheWays, c.configCachePolicy);
    for (unsigned e : c.walkCacheEntries)
      if (e) check("walk cache", e, c.walkCacheWays, c.walkCachePolicy);
    for (unsigned e : c.s2WalkCacheEntries)
      if (e) check("stage-2 walk cache", e, c.s2WalkCacheWays, c.walkCachePolicy);
    if (c.ipaCacheEntries) check("ipa cache", c.ipaCacheEntries, c.ipaCacheWays, "lru");
    EXPECT_TRUE(c.features.s1p);  // the scenarios' host agent builds stage-1 domains
  }
}

// docs/presets.md holds every preset's table, row for row, and its notes.
TEST(Presets, DocsListEveryValueWithItsSource) {
  std::ifstream in(sourceDir() + "/docs/presets.md");
  ASSERT_TRUE(in) << "docs/presets.md";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  for (const auto& p : presets()) {
    // The preset's own section: from its heading to the next one.
    const size_t begin = doc.find("## `" + p.name + "`\n");
    ASSERT_NE(begin, std::string::npos) << p.name;
    const std::string section = doc.substr(begin, doc.find("\n## ", begin + 1) - begin);
    for (const auto& v : p.values) {
      const std::string row = "\n| `" + v.key + "` | `" + v.value + "` | " + v.source + " |\n";
      EXPECT_NE(section.find(row), std::string::npos) << p.name << ": " << row;
    }
    for (const auto& n : p.notes)
      EXPECT_NE(section.find("\n- " + n + "\n"), std::string::npos) << p.name << ": " << n;
  }
}
