// smmus[].tbus and devices' tbu: reading, writing back, overrides, errors that name the key, and
// whole runs whose per-TBU records add up (the TBUs' link requests are the TCU's requests,
// each device is counted in its TBU) and whose far TBU pays its link latency.
#include <gtest/gtest.h>

#include "Scenario.h"
#include "smmu/SmmuKnobs.h"
#include "tb/RunInChild.h"
#include "tb/ScenarioErrors.h"

using namespace smmu;
using namespace smmu::tb;
using smmu::testing::overrideError;
using smmu::testing::parseError;

namespace {

const char* kTwoTbus = R"(
name: tbus
memory: {latency_ns: 100, regions: [{base: 0x80000000, size: 4GiB}]}
smmus:
  - name: smmu0
    utlb_entries: 8
    tbus:
      - {name: near}
      - {name: far, link_latency_ns: 50, tlb_entries: 1024, tlb_ways: 8}
devices:
  - {name: a, count: 2, tbu: near, pattern: sequential, access_bytes: 64,
     footprint_bytes: 64KiB, outstanding: 2, transactions: 256}
  - {name: b, count: 3, tbu: far, pattern: sequential, access_bytes: 64,
     footprint_bytes: 64KiB, outstanding: 2, transactions: 256}
run: {progress: off}
)";

}  // namespace

TEST(ScenarioTbus, ReadWithTheirOwnKeys) {
  const Scenario s = parseScenarioString(kTwoTbus, "t.yaml");
  const SmmuConfig& c = s.smmus[0].config;
  ASSERT_EQ(c.tbus.size(), 2u);
  EXPECT_EQ(c.tbus[0].name, "near");
  EXPECT_TRUE(c.tbus[0].knobs.empty());
  EXPECT_EQ(c.tbus[1].name, "far");
  const SmmuConfig far = tbuConfig(c, 1);
  EXPECT_EQ(far.linkLatencyNs, 50.0);
  EXPECT_EQ(far.tlbEntries, 1024u);
  EXPECT_EQ(far.tlbWays, 8u);
  EXPECT_EQ(far.utlbEntries, 8u);  // the SMMU's
  EXPECT_EQ(tbuIndexOf(s, s.devices[0]), 0u);
  EXPECT_EQ(tbuIndexOf(s, s.devices[1]), 1u);
}

TEST(ScenarioTbus, WrittenAndReadBackUnchanged) {
  const Scenario s = parseScenarioString(kTwoTbus, "t.yaml");
  const std::string yaml = scenarioToYaml(s);
  const Scenario back = parseScenarioString(yaml, "back.yaml");
  EXPECT_EQ(scenarioToYaml(back), yaml);
  ASSERT_EQ(back.smmus[0].config.tbus.size(), 2u);
  EXPECT_EQ(tbuConfig(back.smmus[0].config, 1).tlbEntries, 1024u);
  EXPECT_EQ(back.devices[1].tbu, "far");
}

TEST(ScenarioTbus, Overrides) {
  Scenario s = parseScenarioString(kTwoTbus, "t.yaml");
  applyOverride(s, "smmus[0].tbus[far].tlb_entries=4096");
  EXPECT_EQ(tbuConfig(s.smmus[0].config, 1).tlbEntries, 4096u);
  EXPECT_EQ(tbuConfig(s.smmus[0].config, 1).linkLatencyNs, 50.0);  // kept
  applyOverride(s, "smmus[0].tbus[0]={name: near, link_bytes_per_ns: 10}");
  EXPECT_EQ(tbuConfig(s.smmus[0].config, 0).linkBytesPerNs, 10.0);
  applyOverride(s, "devices[b].tbu=near");
  EXPECT_EQ(tbuIndexOf(s, s.devices[1]), 0u);
  EXPECT_EQ(overrideError(s, "smmus[0].tbus[middle].tlb_entries=4"),
            "override 'smmus[0].tbus[middle].tlb_entries=4': smmus[0].tbus: no element named "
            "'middle'");
  // A TBU's geometry is checked with its own keys.
  EXPECT_EQ(overrideError(s, "smmus[0].tbus[far].tlb_ways=3"),
            "override 'smmus[0].tbus[far].tlb_ways=3': smmus[0].tbus[1].tlb_ways: 3 ways do not "
            "divide 4096 entries (0 = fully associative)");
}

TEST(ScenarioTbus, ErrorsNameTheKey) {
  std::string y = kTwoTbus;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = y;
    t.replace(t.find(from), from.size(), to);
    return parseError(t);
  };
  const std::string tcuKey = with("{name: near}", "{name: near, ptw_slots: 4}");
  EXPECT_NE(tcuKey.find("smmus[0].tbus[0].ptw_slots: unknown key 'ptw_slots' (an SMMU key: it "
                        "is the TCU's or the whole SMMU's, not a TBU's)"),
            std::string::npos)
      << tcuKey;
  EXPECT_NE(with("{name: near}", "{name: far}").find("smmus[0].tbus[1].name: duplicate TBU name "
                                                     "'far' (also tbus[0])"),
            std::string::npos);
  EXPECT_NE(with("tbu: far", "tbu: middle").find("devices[1].tbu: no TBU named 'middle' in SMMU "
                                                 "'smmu0' (TBUs: near, far)"),
            std::string::npos);
  EXPECT_NE(with("link_latency_ns: 50", "link_latency_ns: -1")
                .find("smmus[0].tbus[1].link_latency_ns: must be >= 0 and finite (got -1)"),
            std::string::npos);
  // Without tbus the one TBU is tbu0.
  const std::string noTbus = "smmus: [{name: s}]\ndevices: [{name: d, tbu: tbu0}]\n";
  EXPECT_EQ(parseError(noTbus), "OK");
}

TEST(ScenarioTbus, RunCountsEachTbuAndTheTcuTheirRequests) {
  const auto j = runInChild(parseScenarioString(kTwoTbus, "t.yaml"));
  ASSERT_FALSE(j.contains("error")) << j.dump();
  const auto& m = j["smmus"][0];
  ASSERT_EQ(m["tbus"].size(), 2u);
  uint64_t requests = 0, translations = 0;
  for (const auto& t : m["tbus"]) {
    requests += t["link_requests"].get<uint64_t>();
    translations += t["translations"].get<uint64_t>();
    EXPECT_EQ(t["link_requests"], t["misses"]);
    EXPECT_EQ(t["link_responses"], t["link_requests"]);
  }
  EXPECT_EQ(requests, m["tcu"]["tbu_requests"].get<uint64_t>());
  EXPECT_EQ(translations, m["translations"].get<uint64_t>());
  // Each device counts in its TBU: 2 x 256 and 3 x 256 transactions.
  EXPECT_EQ(m["tbus"][0]["translations"], 512u);
  EXPECT_EQ(m["tbus"][1]["translations"], 768u);
  EXPECT_EQ(j["devices"][0]["tbu"], "near");
  EXPECT_EQ(j["devices"][4]["tbu"], "far");
  // Same traffic, a far TBU: its slowest translation (a full walk) pays 2 x 50 ns more than the
  // near one's, and its fastest (a micro TLB hit) nothing.
  const auto& near = m["tbus"][0]["latency_ns"];
  const auto& far = m["tbus"][1]["latency_ns"];
  EXPECT_EQ(far["max"].get<double>() - near["max"].get<double>(), 100.0);
  EXPECT_EQ(far["min"].get<double>(), near["min"].get<double>());
}
