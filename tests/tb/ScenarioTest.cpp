#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "DefaultScenario.h"
#include "Scenario.h"
#include "ScenarioErrors.h"

using namespace smmu;
using smmu::testing::overrideError;
using smmu::testing::parseError;

namespace {


std::string sourceDir() {
  if (const char* d = std::getenv("SMMUSIM_SOURCE_DIR")) return d;
  std::string f = __FILE__;  // <src>/tests/tb/ScenarioTest.cpp
  for (int i = 0; i < 3; ++i) f = f.substr(0, f.rfind('/'));
  return f;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every field set to a value different from its default.
const char* kFull = R"(
name: full
seed: 0x1234
memory:
  latency_ns: 85
  regions:
    - {base: 0x40000000, size: 1GiB}
    - base: 0x1_0000_0000
      size: 0x80000000
smmus:
  - name: main
    reg_base: 0x10000000
    oas_bits: 44
    sid_bits: 20
    ssid_bits: 4
    granules: [4K, 64K]
    httu: af_dirty
    ats: true
    pri: yes
    tlb_entries: 1024
    tlb_ways: 0
    config_cache_entries: 128
    config_cache_ways: 8
    clock_period_ps: 500
    tlb_lookup_cycles: 3
    walker_issue_cycles: 5
    config_lookup_cycles: 6
    command_cycles: 9
    stream_table: linear
  - name: aux
    reg_base: 0x10100000
devices:
  - name: gpu
    count: 3
    smmu: aux
    sid_base: 7
    ssid: 2
    pattern: zipf
    footprint_bytes: 64MiB
    access_bytes: 128
    stride_bytes: 8KiB
    zipf_s: 1.25
    write_fraction: 0.3
    outstanding: 12
    transactions: 500
    think_ns: 40
    page_size: 512M
    granule: 64K
    iova_base: 0x4000_0000_0000
  - name: nic
    smmu: main
    pattern: strided
run:
  progress: off
)";

}  // namespace

// ---------------------------------------------------------------------------------------------
TEST(ScenarioSizes, ParseAndFormat) {
  uint64_t v = 0;
  EXPECT_TRUE(parseSize("4096", v));
  EXPECT_EQ(v, 4096u);
  EXPECT_TRUE(parseSize("0x1000", v));
  EXPECT_EQ(v, 0x1000u);
  EXPECT_TRUE(parseSize("64KiB", v));
  EXPECT_EQ(v, 65536u);
  EXPECT_TRUE(parseSize("2MiB", v));
  EXPECT_EQ(v, 2u << 20);
  EXPECT_TRUE(parseSize("1G", v));
  EXPECT_EQ(v, 1u << 30);
  EXPECT_TRUE(parseSize("3 TiB", v));
  EXPECT_EQ(v, uint64_t(3) << 40);
  EXPECT_TRUE(parseSize("16k", v));
  EXPECT_EQ(v, 16384u);
  EXPECT_TRUE(parseSize("1_000_000", v));
  EXPECT_EQ(v, 1000000u);
  EXPECT_TRUE(parseSize("0b1010", v));
  EXPECT_EQ(v, 10u);
  EXPECT_TRUE(parseSize("0x10B", v));  // hex digits, not a unit
  EXPECT_EQ(v, 0x10Bu);
  EXPECT_TRUE(parseSize("0xffffffffffffffff", v));
  EXPECT_EQ(v, UINT64_MAX);
  std::string err;
  EXPECT_FALSE(parseSize("64KB", v, &err));
  EXPECT_EQ(err, "ambiguous unit in '64KB': write KiB/MiB/GiB/TiB (or K/M/G/T), powers of 1024");
  EXPECT_FALSE(parseSize("1.5MiB", v, &err));
  EXPECT_FALSE(parseSize("-1", v, &err));
  EXPECT_FALSE(parseSize("", v, &err));
  EXPECT_FALSE(parseSize("16EiB", v, &err));
  EXPECT_FALSE(parseSize("0x10000000000000000", v, &err));
  EXPECT_EQ(err, "value '0x10000000000000000' does not fit in 64 bits");
  EXPECT_FALSE(parseSize("17179869184GiB", v, &err));  // 2^34 * 2^30
  EXPECT_EQ(formatSize(4096), "4KiB");
  EXPECT_EQ(formatSize(3u << 20), "3MiB");
  EXPECT_EQ(formatSize(uint64_t(1) << 30), "1GiB");
  EXPECT_EQ(formatSize(uint64_t(5) << 40), "5TiB");
  EXPECT_EQ(formatSize(1536), "1536");
  EXPECT_EQ(formatSize(0), "0");
}

// ---------------------------------------------------------------------------------------------
TEST(ScenarioParse, EmptyDocumentGivesTheDefaults) {
  const Scenario def;
  for (const char* text : {"", "{}", "# nothing\n"}) {
    const Scenario s = parseScenarioString(text);
    EXPECT_EQ(scenarioToYaml(s), scenarioToYaml(def)) << "text: " << text;
  }
  // The defaults themselves: one place (the struct initialisers, SmmuConfig for an SMMU).
  const SmmuConfig cfg;
  EXPECT_EQ(def.name, "default");
  EXPECT_EQ(def.seed, 1u);
  EXPECT_EQ(def.memory.latencyNs, 100u);
  ASSERT_EQ(def.memory.regions.size(), 1u);
  EXPECT_EQ(def.memory.regions[0].base, 0x80000000u);
  EXPECT_EQ(def.memory.regions[0].size, uint64_t(8) << 30);
  ASSERT_EQ(def.smmus.size(), 1u);
  const SmmuSpec& m = def.smmus[0];
  EXPECT_EQ(m.config.name, cfg.name);
  EXPECT_EQ(m.config.regBase, cfg.regBase);
  EXPECT_EQ(m.config.features.oasBits, cfg.features.oasBits);
  EXPECT_EQ(m.config.features.sidBits, cfg.features.sidBits);
  EXPECT_EQ(m.config.features.ssidBits, cfg.features.ssidBits);
  EXPECT_EQ(m.config.tlbEntries, cfg.tlbEntries);
  EXPECT_EQ(m.config.tlbWays, cfg.tlbWays);
  EXPECT_EQ(m.config.configCacheEntries, cfg.configCacheEntries);
  EXPECT_EQ(m.config.timing.clockPeriodPs, cfg.timing.clockPeriodPs);
  EXPECT_EQ(m.config.timing.commandCycles, cfg.timing.commandCycles);
  EXPECT_EQ(m.streamTable(), StreamTableFormat::TwoLevel);
  ASSERT_EQ(def.devices.size(), 1u);
  const DeviceGroup& g = def.devices[0];
  EXPECT_EQ(g.name, "dev");
  EXPECT_EQ(g.count, 1u);
  EXPECT_EQ(g.smmu, "");
  EXPECT_FALSE(g.sidBase.has_value());
  EXPECT_FALSE(g.ssid.has_value());
  EXPECT_EQ(g.pattern, "sequential");
  EXPECT_EQ(g.footprintBytes, 1u << 20);
  EXPECT_EQ(g.accessBytes, 64u);
  EXPECT_EQ(g.outstanding, 16u);
  EXPECT_EQ(g.transactions, 1000u);
  EXPECT_EQ(g.pageSize, 4096u);
  EXPECT_EQ(g.granule, Granule::k4K);
  EXPECT_EQ(g.iovaBase, 0x100000000u);
  EXPECT_EQ(def.run.progress, ProgressMode::Auto);
  // A partly given element keeps the defaults of the keys it does not give.
  const Scenario p = parseScenarioString("devices:\n  - name: x\n    count: 2\n");
  EXPECT_EQ(p.devices[0].count, 2u);
  EXPECT_EQ(p.devices[0].outstanding, 16u);
  EXPECT_EQ(p.smmus.size(), 1u);
}

TEST(ScenarioParse, EveryField) {
  const Scenario s = parseScenarioString(kFull);
  EXPECT_EQ(s.name, "full");
  EXPECT_EQ(s.seed, 0x1234u);
  EXPECT_EQ(s.memory.latencyNs, 85u);
  ASSERT_EQ(s.memory.regions.size(), 2u);
  EXPECT_EQ(s.memory.regions[0], (MemRegion{0x40000000, 1u << 30}));
  EXPECT_EQ(s.memory.regions[1], (MemRegion{0x100000000, 0x80000000}));
  ASSERT_EQ(s.smmus.size(), 2u);
  const SmmuSpec& m = s.smmus[0];
  EXPECT_EQ(m.config.name, "main");
  EXPECT_EQ(m.config.regBase, 0x10000000u);
  EXPECT_EQ(m.config.features.oasBits, 44u);
  EXPECT_EQ(m.config.features.sidBits, 20u);
  EXPECT_EQ(m.config.features.ssidBits, 4u);
  EXPECT_TRUE(m.config.features.gran4k);
  EXPECT_FALSE(m.config.features.gran16k);
  EXPECT_TRUE(m.config.features.gran64k);
  EXPECT_EQ(m.config.features.httu, 2u);
  EXPECT_TRUE(m.config.features.ats);
  EXPECT_TRUE(m.config.features.pri);
  EXPECT_EQ(m.config.tlbEntries, 1024u);
  EXPECT_EQ(m.config.tlbWays, 0u);
  EXPECT_EQ(m.config.configCacheEntries, 128u);
  EXPECT_EQ(m.config.configCacheWays, 8u);
  EXPECT_EQ(m.config.timing.clockPeriodPs, 500u);
  EXPECT_EQ(m.config.timing.tlbLookupCycles, 3u);
  EXPECT_EQ(m.config.timing.walkerIssueCycles, 5u);
  EXPECT_EQ(m.config.timing.configLookupCycles, 6u);
  EXPECT_EQ(m.config.timing.commandCycles, 9u);
  EXPECT_EQ(m.streamTable(), StreamTableFormat::Linear);
  EXPECT_EQ(s.smmus[1].config.name, "aux");
  EXPECT_EQ(s.smmus[1].config.regBase, 0x10100000u);
  ASSERT_EQ(s.devices.size(), 2u);
  const DeviceGroup& g = s.devices[0];
  EXPECT_EQ(g.name, "gpu");
  EXPECT_EQ(g.count, 3u);
  EXPECT_EQ(g.smmu, "aux");
  EXPECT_EQ(g.sidBase, std::optional<uint32_t>(7));
  EXPECT_EQ(g.ssid, std::optional<uint32_t>(2));
  EXPECT_EQ(g.pattern, "zipf");
  EXPECT_EQ(g.footprintBytes, 64u << 20);
  EXPECT_EQ(g.accessBytes, 128u);
  EXPECT_EQ(g.strideBytes, 8192u);
  EXPECT_DOUBLE_EQ(g.zipfS, 1.25);
  EXPECT_DOUBLE_EQ(g.writeFraction, 0.3);
  EXPECT_EQ(g.outstanding, 12u);
  EXPECT_EQ(g.transactions, 500u);
  EXPECT_EQ(g.thinkNs, 40u);
  EXPECT_EQ(g.pageSize, 512u << 20);
  EXPECT_EQ(g.granule, Granule::k64K);
  EXPECT_EQ(g.iovaBase, 0x400000000000u);
  EXPECT_EQ(s.devices[1].smmu, "main");
  EXPECT_EQ(s.devices[1].pattern, "strided");
  EXPECT_EQ(s.run.progress, ProgressMode::Off);
  EXPECT_EQ(smmuIndexOf(s, s.devices[0]), 1u);
  EXPECT_EQ(smmuIndexOf(s, s.devices[1]), 0u);
}

TEST(ScenarioParse, AlternativeSpellings) {
  const Scenario s = parseScenarioString(
      "smmus:\n  - httu: 1\n    ats: on\n    pri: True\n"
      "devices:\n  - granule: 16KiB\n    page_size: 32M\n    sid_base: auto\n    ssid: ~\n"
      "    footprint_bytes: 32MiB\n");
  EXPECT_EQ(s.smmus[0].config.features.httu, 1u);
  EXPECT_TRUE(s.smmus[0].config.features.ats);
  EXPECT_TRUE(s.smmus[0].config.features.pri);
  EXPECT_EQ(s.devices[0].granule, Granule::k16K);
  EXPECT_EQ(s.devices[0].pageSize, 32u << 20);
  EXPECT_FALSE(s.devices[0].sidBase);
  EXPECT_FALSE(s.devices[0].ssid);
}

TEST(ScenarioParse, Json) {
  const Scenario s = parseScenarioString(
      R"({"name": "j", "seed": 9, "smmus": [{"name": "s", "ats": true}],
          "devices": [{"name": "x", "count": 3, "footprint_bytes": "64KiB",
                       "write_fraction": 0.5, "sid_base": 10}]})",
      "j.json");
  EXPECT_EQ(s.name, "j");
  EXPECT_EQ(s.seed, 9u);
  EXPECT_TRUE(s.smmus[0].config.features.ats);
  EXPECT_EQ(s.devices[0].count, 3u);
  EXPECT_EQ(s.devices[0].footprintBytes, 65536u);
  EXPECT_DOUBLE_EQ(s.devices[0].writeFraction, 0.5);
  EXPECT_EQ(*s.devices[0].sidBase, 10u);
  EXPECT_EQ(parseError(R"({"devices": [{"count": "x"}]})"),
            "t.yaml:1:24: devices[0].count: expected an unsigned integer, got 'x'");
}

// ---------------------------------------------------------------------------------------------
TEST(ScenarioErrors, UnknownValuesAndKeys) {
  EXPECT_EQ(parseError("devices:\n  - name: a\n  - name: b\n  - name: c\n    pattern: zipff\n"),
            "t.yaml:5:14: devices[2].pattern: unknown value 'zipff' "
            "(expected sequential, strided, random, zipf)");
  EXPECT_EQ(parseError("devices:\n  - name: a\n    patern: zipf\n"),
            "t.yaml:3:5: devices[0]: unknown key 'patern', did you mean 'pattern'? (valid keys: "
            "name, count, smmu, tbu, sid_base, ssid, pattern, footprint_bytes, access_bytes, "
            "stride_bytes, zipf_s, write_fraction, outstanding, qos, transactions, think_ns, "
            "page_size, granule, iova_base, trace)");
  EXPECT_EQ(parseError("foo: 1\n"),
            "t.yaml:1:1: unknown key 'foo' (valid keys: name, seed, memory, smmus, devices, run)");
  EXPECT_EQ(parseError("memory:\n  latency: 5\n"),
            "t.yaml:2:3: memory: unknown key 'latency' (valid keys: latency_ns, regions, channels, "
            "occupancy_ns, channel_bytes_per_ns, atomic_extra_ns, time_ordered)");
  EXPECT_EQ(parseError("run: {progress: maybe}"),
            "t.yaml:1:17: run.progress: unknown value 'maybe' (expected auto, on, off)");
  EXPECT_EQ(parseError("smmus: [{stream_table: 3level}]"),
            "t.yaml:1:24: smmus[0].stream_table: unknown value '3level' (expected linear, 2level)");
  EXPECT_EQ(parseError("smmus: [{httu: ad}]"),
            "t.yaml:1:16: smmus[0].httu: unknown value 'ad' (expected none, af, af_dirty)");
  EXPECT_EQ(parseError("devices: [{granule: 8K}]"),
            "t.yaml:1:21: devices[0].granule: unknown value '8K' (expected 4K, 16K, 64K)");
  EXPECT_EQ(parseError("smmus: [{granules: [4K, 32K]}]"),
            "t.yaml:1:25: smmus[0].granules[1]: unknown value '32K' (expected 4K, 16K, 64K)");
  EXPECT_EQ(parseError("memory: {latency_ns: 5, latency_ns: 6}\n"),
            "t.yaml:1:25: memory.latency_ns: duplicate key");
}

TEST(ScenarioErrors, WrongTypes) {
  EXPECT_EQ(parseError("devices:\n  - name: a\n    count: {a: 1}\n"),
            "t.yaml:3:12: devices[0].count: expected an unsigned integer, got a map");
  EXPECT_EQ(parseError("smmus: 5\n"), "t.yaml:1:8: smmus: expected a list, got a scalar '5'");
  EXPECT_EQ(parseError("memory: [1]\n"),
            "t.yaml:1:9: memory: expected a map of keys, got a list");
  EXPECT_EQ(parseError("hello"), "t.yaml:1:1: expected a map of keys, got a scalar 'hello'");
  EXPECT_EQ(parseError("seed: -3\n"),
            "t.yaml:1:7: seed: expected an unsigned integer, got negative '-3'");
  EXPECT_EQ(parseError("devices:\n  - write_fraction: abc\n"),
            "t.yaml:2:21: devices[0].write_fraction: expected a number, got 'abc'");
  EXPECT_EQ(parseError("smmus:\n  - ats: maybe\n"),
            "t.yaml:2:10: smmus[0].ats: expected true or false, got 'maybe'");
  EXPECT_EQ(parseError("devices:\n  - count: 4K\n"),
            "t.yaml:2:12: devices[0].count: expected an unsigned integer, got '4K'");
  EXPECT_EQ(parseError("devices:\n  - count: 5000000000\n"),
            "t.yaml:2:12: devices[0].count: value 5000000000 is too large (at most 4294967295)");
  EXPECT_EQ(parseError("seed: 99999999999999999999\n"),
            "t.yaml:1:7: seed: value '99999999999999999999' does not fit in 64 bits");
  EXPECT_EQ(parseError("devices:\n  - footprint_bytes: 64KB\n"),
            "t.yaml:2:22: devices[0].footprint_bytes: ambiguous unit in '64KB': write "
            "KiB/MiB/GiB/TiB (or K/M/G/T), powers of 1024");
  EXPECT_EQ(parseError("devices:\n  - footprint_bytes: 1.5MiB\n"),
            "t.yaml:2:22: devices[0].footprint_bytes: expected a size (bytes: 4096, 0x1000, "
            "64KiB, 2MiB, 1G), got '1.5MiB'");
  // A key with no value is reported at the key.
  EXPECT_EQ(parseError("devices:\n  - name: a\n    pattern:\n"),
            "t.yaml:3:5: devices[0].pattern: missing value (expected one of sequential, strided, "
            "random, zipf)");
  EXPECT_EQ(parseError("devices:\n  - {sid_base: [1]}\n"),
            "t.yaml:2:16: devices[0].sid_base: expected auto or an unsigned integer, got a list");
}

TEST(ScenarioErrors, SyntaxErrorsCarryLineAndColumn) {
  const std::string e = parseError("devices: [ {name: a, \n");
  EXPECT_EQ(e.rfind("t.yaml:2:1: syntax error: ", 0), 0u) << e;
  const std::string e2 = parseError("name: a\nseed: 1\n  bad: indent\n");
  EXPECT_EQ(e2.rfind("t.yaml:3:", 0), 0u) << e2;
  EXPECT_NE(e2.find("syntax error"), std::string::npos) << e2;
  try {
    parseScenarioString("name: a\n\tseed: 1\n", "tab.yaml");
    FAIL();
  } catch (const ScenarioError& err) {
    EXPECT_EQ(err.file(), "tab.yaml");
    EXPECT_EQ(err.line(), 2u);
    EXPECT_EQ(err.path(), "");
  }
}

TEST(ScenarioErrors, OutOfRangeValues) {
  EXPECT_EQ(parseError("devices:\n  - name: a\n    count: 0\n"),
            "t.yaml:3:12: devices[0].count: must be >= 1 (got 0)");
  EXPECT_EQ(parseError("devices:\n  - outstanding: 0\n"),
            "t.yaml:2:18: devices[0].outstanding: must be between 1 and 65536 (got 0)");
  EXPECT_EQ(parseError("devices:\n  - transactions: 0\n"),
            "t.yaml:2:19: devices[0].transactions: must be >= 1 (got 0)");
  EXPECT_EQ(parseError("devices:\n  - access_bytes: 96\n"),
            "t.yaml:2:19: devices[0].access_bytes: must be a power of two between 1 and 4096 "
            "(got 96)");
  EXPECT_EQ(parseError("devices:\n  - {access_bytes: 8KiB, footprint_bytes: 1MiB}\n"),
            "t.yaml:2:20: devices[0].access_bytes: must be a power of two between 1 and 4096 "
            "(got 8192)");
  EXPECT_EQ(parseError("devices:\n  - write_fraction: 1.5\n"),
            "t.yaml:2:21: devices[0].write_fraction: must be between 0 and 1 (got 1.5)");
  EXPECT_EQ(parseError("devices:\n  - write_fraction: -0.1\n"),
            "t.yaml:2:21: devices[0].write_fraction: must be between 0 and 1 (got -0.1)");
  EXPECT_EQ(parseError("devices:\n  - footprint_bytes: 100\n"),
            "t.yaml:2:22: devices[0].footprint_bytes: must be a non-zero multiple of "
            "access_bytes 64 (got 100)");
  EXPECT_EQ(parseError("devices:\n  - pattern: strided\n    stride_bytes: 100\n"),
            "t.yaml:3:19: devices[0].stride_bytes: must be a non-zero multiple of access_bytes "
            "64 (got 100)");
  EXPECT_EQ(parseError("devices:\n  - pattern: zipf\n    zipf_s: -1\n"),
            "t.yaml:3:13: devices[0].zipf_s: must be between 0 and 100 (got -1)");
  EXPECT_EQ(parseError("memory: {regions: [{base: 0x10000000000, size: 1TiB}]}\n"
                       "devices:\n  - pattern: zipf\n    footprint_bytes: 128GiB\n"),
            "t.yaml:4:22: devices[0].footprint_bytes: zipf over 33554432 pages: at most "
            "16777216 (use a larger page_size)");
  EXPECT_EQ(parseError("devices:\n  - page_size: 32K\n"),
            "t.yaml:2:16: devices[0].page_size: 32KiB is not a page or block size of the 4K "
            "granule (expected 4KiB, 2MiB, 1GiB)");
  EXPECT_EQ(parseError("smmus:\n  - granules: [4K, 64K]\ndevices:\n  - granule: 16K\n"
                       "    page_size: 16K\n"),
            "t.yaml:4:14: devices[0].granule: 16K granule not supported by SMMU 'smmu0'");
  EXPECT_EQ(parseError("devices:\n  - iova_base: 0x1000\n    page_size: 2M\n"),
            "t.yaml:2:16: devices[0].iova_base: 0x1000 is not aligned to page_size 2MiB");
  EXPECT_EQ(parseError("devices:\n  - iova_base: 0xffffffff0000\n"),
            "t.yaml:2:16: devices[0].iova_base: buffer 0xffffffff0000 + 1MiB exceeds the "
            "48-bit input address space");
  EXPECT_EQ(parseError("devices:\n  - name: 'a b'\n"),
            "t.yaml:2:11: devices[0].name: 'a b' is not a valid name (letters, digits, '_', '-')");
  EXPECT_EQ(parseError("devices: []\n"), "t.yaml:1:10: devices: at least one device group");
  EXPECT_EQ(parseError("smmus: []\n"), "t.yaml:1:8: smmus: at least one SMMU");
  EXPECT_EQ(parseError("name: ''\n"), "t.yaml:1:7: name: must not be empty");
}

TEST(ScenarioErrors, SmmuFields) {
  EXPECT_EQ(parseError("smmus:\n  - pri: true\n"),
            "t.yaml:2:10: smmus[0].pri: PRI requires ATS (set ats: true)");
  EXPECT_EQ(parseError("smmus:\n  - oas_bits: 50\n"),
            "t.yaml:2:15: smmus[0].oas_bits: must be one of 32, 36, 40, 42, 44, 48, 52 (got 50)");
  EXPECT_EQ(parseError("smmus:\n  - sid_bits: 33\n"),
            "t.yaml:2:15: smmus[0].sid_bits: must be <= 32 (got 33)");
  EXPECT_EQ(parseError("smmus:\n  - ssid_bits: 21\n"),
            "t.yaml:2:16: smmus[0].ssid_bits: must be <= 20 (got 21)");
  EXPECT_EQ(parseError("smmus:\n  - granules: []\n"),
            "t.yaml:2:15: smmus[0].granules: at least one granule");
  EXPECT_EQ(parseError("smmus:\n  - tlb_entries: 100\n    tlb_ways: 8\n"),
            "t.yaml:3:15: smmus[0].tlb_ways: 8 ways do not divide 100 entries (0 = fully "
            "associative)");
  EXPECT_EQ(parseError("smmus:\n  - config_cache_entries: 0\n"),
            "t.yaml:2:27: smmus[0].config_cache_entries: must be between 1 and 16777216 (got 0)");
  EXPECT_EQ(parseError("smmus:\n  - clock_period_ps: 0\n"),
            "t.yaml:2:22: smmus[0].clock_period_ps: must be between 1 and 1000000000 (got 0)");
  EXPECT_EQ(parseError("smmus:\n  - reg_base: 0x2b401000\n"),
            "t.yaml:2:15: smmus[0].reg_base: 0x2b401000 is not aligned to 64 KiB");
  EXPECT_EQ(parseError("smmus:\n  - name: x\n  - name: x\n    reg_base: 0x2b500000\n"),
            "t.yaml:3:11: smmus[1].name: duplicate SMMU name 'x' (also smmus[0])");
  // Two given frames that overlap (frames not given are placed clear of the rest).
  EXPECT_EQ(parseError("smmus:\n  - {name: x, reg_base: 0x2b400000}\n"
                       "  - {name: y, reg_base: 0x2b410000}\n"),
            "t.yaml:3:25: smmus[1].reg_base: register frame 0x2b410000 overlaps smmus[0] 'x' at "
            "0x2b400000");
  EXPECT_EQ(parseError("smmus:\n  - reg_base: 0x80010000\n"),
            "t.yaml:2:15: smmus[0].reg_base: register frame 0x80010000 overlaps "
            "memory.regions[0]");
}

TEST(ScenarioErrors, DevicesAgainstSmmusAndMemory) {
  EXPECT_EQ(parseError("devices:\n  - smmu: nope\n"),
            "t.yaml:2:11: devices[0].smmu: no SMMU named 'nope' (SMMUs: smmu0)");
  EXPECT_EQ(parseError("devices:\n  - name: a\n    count: 4\n  - name: b\n    sid_base: 2\n"),
            "t.yaml:5:15: devices[1].sid_base: SIDs 2..2 overlap devices[0] 'a' (SIDs 0..3) on "
            "SMMU 'smmu0'");
  // Auto SIDs that run past sid_bits: reported at the count.
  EXPECT_EQ(parseError("smmus:\n  - sid_bits: 4\ndevices:\n  - name: a\n    count: 10\n"
                       "  - name: b\n    count: 7\n"),
            "t.yaml:7:12: devices[1].count: SIDs 10..16 exceed sid_bits 4 of SMMU 'smmu0' "
            "(largest SID 15)");
  EXPECT_EQ(parseError("smmus:\n  - sid_bits: 4\ndevices:\n  - sid_base: 15\n    count: 2\n"),
            "t.yaml:4:15: devices[0].sid_base: SIDs 15..16 exceed sid_bits 4 of SMMU 'smmu0' "
            "(largest SID 15)");
  // The same SIDs on two SMMUs do not collide.
  EXPECT_EQ(parseError("smmus:\n  - name: a\n  - name: b\n    reg_base: 0x2b500000\n"
                       "devices:\n  - {name: x, smmu: a, count: 4}\n  - {name: y, smmu: b, count: 4}\n"),
            "OK");
  EXPECT_EQ(parseError("devices:\n  - name: a\n  - name: a\n"),
            "t.yaml:3:11: devices[1].name: duplicate group name 'a' (also devices[0])");
  EXPECT_EQ(parseError("smmus:\n  - ssid_bits: 0\ndevices:\n  - ssid: 3\n"),
            "t.yaml:4:11: devices[0].ssid: SMMU 'smmu0' has ssid_bits 0 (no substreams)");
  EXPECT_EQ(parseError("smmus:\n  - ssid_bits: 2\ndevices:\n  - ssid: 4\n"),
            "t.yaml:4:11: devices[0].ssid: 4 exceeds ssid_bits 2 of SMMU 'smmu0'");
  EXPECT_EQ(parseError("memory:\n  regions: [{base: 0x80000000, size: 1MiB}]\ndevices:\n"
                       "  - count: 2\n"),
            "t.yaml:4:3: devices: the device buffers need 2MiB but memory.regions hold 1MiB");
  EXPECT_EQ(parseError("memory:\n  regions:\n    - {base: 0x80000000, size: 2GiB}\n"
                       "    - {base: 0xc0000000, size: 1GiB}\n"),
            "t.yaml:4:7: memory.regions[1]: overlaps memory.regions[0]");
  EXPECT_EQ(parseError("memory:\n  regions: [{base: 0x80000800, size: 1GiB}]\n"),
            "t.yaml:2:20: memory.regions[0].base: 0x80000800 is not aligned to 4 KiB");
  EXPECT_EQ(parseError("memory:\n  regions: []\n"),
            "t.yaml:2:12: memory.regions: at least one region");
}

TEST(ScenarioErrors, ErrorObjectAndFiles) {
  try {
    parseScenarioString("devices:\n  - name: a\n    count: 0\n", "x.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.file(), "x.yaml");
    EXPECT_EQ(e.line(), 3u);
    EXPECT_EQ(e.column(), 12u);
    EXPECT_EQ(e.path(), "devices[0].count");
    EXPECT_EQ(e.message(), "must be >= 1 (got 0)");
  }
  try {
    parseScenarioFile("/nonexistent/dir/x.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/dir/x.yaml: cannot open: No such file or directory");
  }
  // A file's errors name the file.
  const std::string path = ::testing::TempDir() + "scenario_error_test.yaml";
  {
    std::ofstream out(path);
    out << "name: f\ndevices:\n  - pattern: zipff\n";
  }
  try {
    parseScenarioFile(path);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), path + ":3:14: devices[0].pattern: unknown value 'zipff' "
                                            "(expected sequential, strided, random, zipf)");
  }
  std::remove(path.c_str());
}

TEST(ScenarioErrors, ValidateProgrammaticScenario) {
  Scenario s;
  EXPECT_NO_THROW(validateScenario(s));
  s.devices[0].count = 0;
  try {
    validateScenario(s);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), "devices[0].count: must be >= 1 (got 0)");
    EXPECT_EQ(e.line(), 0u);
  }
  s.devices[0].count = 1;
  s.devices[0].pattern = "bogus";
  EXPECT_THROW(validateScenario(s), ScenarioError);
}

// ---------------------------------------------------------------------------------------------
TEST(ScenarioOverride, SetsFields) {
  Scenario s = defaultScenario();
  applyOverride(s, "devices[0].outstanding=8");
  EXPECT_EQ(s.devices[0].outstanding, 8u);
  applyOverride(s, "devices[nic].count=4");
  EXPECT_EQ(s.devices[1].count, 4u);
  applyOverride(s, "smmus[0].granules=[4K, 64K]");
  EXPECT_TRUE(s.smmus[0].config.features.gran4k);
  EXPECT_FALSE(s.smmus[0].config.features.gran16k);
  EXPECT_TRUE(s.smmus[0].config.features.gran64k);
  applyOverride(s, "smmus[smmu0].tlb_entries=2048");
  EXPECT_EQ(s.smmus[0].config.tlbEntries, 2048u);
  applyOverride(s, "memory.regions[0].size=16GiB");
  EXPECT_EQ(s.memory.regions[0].size, uint64_t(16) << 30);
  applyOverride(s, "memory.regions=[{base: 0x100000000, size: 4GiB}, {base: 0x40000000, size: 1GiB}]");
  ASSERT_EQ(s.memory.regions.size(), 2u);
  EXPECT_EQ(s.memory.regions[0], (MemRegion{0x100000000, uint64_t(4) << 30}));
  applyOverride(s, "memory={latency_ns: 70}");  // a map overlays: the regions stay
  EXPECT_EQ(s.memory.latencyNs, 70u);
  EXPECT_EQ(s.memory.regions.size(), 2u);
  applyOverride(s, "devices[3]={outstanding: 4, zipf_s: 1.5}");
  EXPECT_EQ(s.devices[3].name, "kvs");
  EXPECT_EQ(s.devices[3].outstanding, 4u);
  EXPECT_DOUBLE_EQ(s.devices[3].zipfS, 1.5);
  applyOverride(s, "run.progress=off");
  EXPECT_EQ(s.run.progress, ProgressMode::Off);
  applyOverride(s, " seed = 42 ");
  EXPECT_EQ(s.seed, 42u);
  applyOverride(s, "name=sweep-3");
  EXPECT_EQ(s.name, "sweep-3");
  applyOverride(s, "devices[0].ssid=3");
  EXPECT_EQ(s.devices[0].ssid, std::optional<uint32_t>(3));
  applyOverride(s, "devices[0].ssid=none");
  EXPECT_FALSE(s.devices[0].ssid);
  applyOverride(s, "devices[0].sid_base=1000");
  EXPECT_EQ(s.devices[0].sidBase, std::optional<uint32_t>(1000));
  applyOverride(s, "devices[0].sid_base=auto");
  EXPECT_FALSE(s.devices[0].sidBase);
  applyOverride(s, "devices[2].pattern=zipf");
  EXPECT_EQ(s.devices[2].pattern, "zipf");
  applyOverride(s, "devices=[{name: only, count: 2}]");
  ASSERT_EQ(s.devices.size(), 1u);
  EXPECT_EQ(s.devices[0].outstanding, 16u);  // a replaced list starts from the defaults
}

TEST(ScenarioOverride, ErrorsLeaveTheScenarioUnchanged) {
  Scenario s = defaultScenario();
  const std::string before = scenarioToYaml(s);
  EXPECT_EQ(overrideError(s, "devices[0].outstanding=0"),
            "override 'devices[0].outstanding=0': devices[0].outstanding: must be between 1 and "
            "65536 (got 0)");
  EXPECT_EQ(overrideError(s, "devices[0].pattern=zipff"),
            "override 'devices[0].pattern=zipff': devices[0].pattern: unknown value 'zipff' "
            "(expected sequential, strided, random, zipf)");
  EXPECT_EQ(overrideError(s, "devices[9].count=1"),
            "override 'devices[9].count=1': devices: index 9 out of range (4 elements)");
  EXPECT_EQ(overrideError(s, "devices[zzz].count=1"),
            "override 'devices[zzz].count=1': devices: no element named 'zzz'");
  EXPECT_EQ(overrideError(s, "devices[0].bogus=1"),
            "override 'devices[0].bogus=1': devices[0]: unknown key 'bogus' (valid keys: name, "
            "count, smmu, tbu, sid_base, ssid, pattern, footprint_bytes, access_bytes, stride_bytes, "
            "zipf_s, write_fraction, outstanding, qos, transactions, think_ns, page_size, granule, "
            "iova_base, trace)");
  EXPECT_EQ(overrideError(s, "devices.count=1"),
            "override 'devices.count=1': devices: is a list: select an element, e.g. devices[0]");
  EXPECT_EQ(overrideError(s, "devices[0].count.x=1"),
            "override 'devices[0].count.x=1': devices[0].count: is a value, not a map of keys");
  EXPECT_EQ(overrideError(s, "seed[0]=1"), "override 'seed[0]=1': seed: is not a list");
  EXPECT_EQ(overrideError(s, "memory[0]=1"), "override 'memory[0]=1': memory: is not a list");
  EXPECT_EQ(overrideError(s, "nonsense"),
            "override 'nonsense': expected PATH=VALUE, e.g. devices[0].outstanding=8");
  EXPECT_EQ(overrideError(s, "devices[0.count=1"),
            "override 'devices[0.count=1': bad path 'devices[0.count' (unterminated or empty [])");
  EXPECT_EQ(overrideError(s, "=1"),
            "override '=1': bad path '' (expected e.g. devices[0].outstanding)");
  EXPECT_EQ(overrideError(s, "devices[0].count=[1").rfind("override 'devices[0].count=[1': bad value: ", 0),
            0u);
  EXPECT_EQ(overrideError(s, "devices[0].count="),
            "override 'devices[0].count=': devices[0].count: missing value (expected an unsigned "
            "integer)");
  // A value that breaks a cross-field rule.
  EXPECT_EQ(overrideError(s, "devices[0].sid_base=16777215"),
            "override 'devices[0].sid_base=16777215': devices[0].sid_base: SIDs "
            "16777215..16777246 exceed sid_bits 24 of SMMU 'smmu0' (largest SID 16777215)");
  EXPECT_EQ(scenarioToYaml(s), before);
}

// ---------------------------------------------------------------------------------------------
TEST(ScenarioYaml, RoundTrip) {
  for (const Scenario& s : {defaultScenario(), parseScenarioString(kFull), Scenario{}}) {
    const std::string y = scenarioToYaml(s);
    const Scenario back = parseScenarioString(y, "dump");
    EXPECT_EQ(scenarioToYaml(back), y);
    EXPECT_EQ(back.devices.size(), s.devices.size());
  }
  Scenario s = parseScenarioString(kFull);
  const Scenario back = parseScenarioString(scenarioToYaml(s));
  EXPECT_DOUBLE_EQ(back.devices[0].writeFraction, 0.3);
  EXPECT_DOUBLE_EQ(back.devices[0].zipfS, 1.25);
  EXPECT_EQ(back.devices[0].iovaBase, 0x400000000000u);
  EXPECT_EQ(back.smmus[0].config.features.httu, 2u);
  EXPECT_EQ(back.smmus[0].streamTable(), StreamTableFormat::Linear);
  EXPECT_EQ(back.run.progress, ProgressMode::Off);
  // Doubles that have no short decimal form survive too.
  applyOverride(s, "devices[0].write_fraction=0.1234567890123456789");
  const Scenario b2 = parseScenarioString(scenarioToYaml(s));
  EXPECT_EQ(b2.devices[0].writeFraction, s.devices[0].writeFraction);
}

TEST(ScenarioYaml, CanonicalForm) {
  const std::string y = scenarioToYaml(Scenario{});
  EXPECT_NE(y.find("name: default\nseed: 1\nmemory:\n  latency_ns: 100\n  regions:\n"
                   "    - {base: 0x80000000, size: 8GiB}\n"),
            std::string::npos)
      << y;
  EXPECT_NE(y.find("    granules: [4K, 16K, 64K]\n"), std::string::npos) << y;
  EXPECT_NE(y.find("    sid_base: auto\n    ssid: none\n"), std::string::npos) << y;
  EXPECT_NE(y.find("    footprint_bytes: 1MiB\n"), std::string::npos) << y;
  EXPECT_NE(y.find("run:\n  progress: auto\n"), std::string::npos) << y;
}

// ---------------------------------------------------------------------------------------------
TEST(ScenarioSmmu, ToSmmuConfig) {
  const Scenario s = parseScenarioString(kFull);
  const SmmuConfig c = toSmmuConfig(s.smmus[0]);
  EXPECT_EQ(c.name, "main");
  EXPECT_EQ(c.regBase, 0x10000000u);
  EXPECT_EQ(c.features.oasBits, 44);
  EXPECT_EQ(c.features.sidBits, 20);
  EXPECT_EQ(c.features.ssidBits, 4);
  EXPECT_TRUE(c.features.gran4k);
  EXPECT_FALSE(c.features.gran16k);
  EXPECT_TRUE(c.features.gran64k);
  EXPECT_EQ(c.features.httu, 2);
  EXPECT_TRUE(c.features.ats);
  EXPECT_TRUE(c.features.pri);
  EXPECT_FALSE(c.features.stLevel2);  // linear
  EXPECT_EQ(c.tlbEntries, 1024u);
  EXPECT_EQ(c.tlbWays, 0u);
  EXPECT_EQ(c.configCacheEntries, 128u);
  EXPECT_EQ(c.configCacheWays, 8u);
  EXPECT_EQ(c.timing.clockPeriodPs, 500u);
  EXPECT_EQ(c.timing.tlbLookupCycles, 3u);
  EXPECT_EQ(c.timing.walkerIssueCycles, 5u);
  EXPECT_EQ(c.timing.configLookupCycles, 6u);
  EXPECT_EQ(c.timing.commandCycles, 9u);
  // Features the scenario does not name keep SmmuConfig's defaults.
  const SmmuConfig def;
  EXPECT_EQ(c.features.s1p, def.features.s1p);
  EXPECT_EQ(c.features.cmdqLog2, def.features.cmdqLog2);
  EXPECT_TRUE(toSmmuConfig(s.smmus[1]).features.stLevel2);
  // The default SmmuSpec gives the default SmmuConfig.
  const SmmuConfig d = toSmmuConfig(SmmuSpec{});
  EXPECT_EQ(d.name, def.name);
  EXPECT_EQ(d.regBase, def.regBase);
  EXPECT_EQ(d.features.toIdr().idr0, def.features.toIdr().idr0);
  EXPECT_EQ(d.features.toIdr().idr1, def.features.toIdr().idr1);
  EXPECT_EQ(d.features.toIdr().idr5, def.features.toIdr().idr5);
  EXPECT_EQ(d.tlbEntries, def.tlbEntries);
  EXPECT_EQ(d.timing.tlbLookupCycles, def.timing.tlbLookupCycles);
}

// ---------------------------------------------------------------------------------------------
TEST(ScenarioDerived, SidBasesSeedsAndTraffic) {
  const Scenario s = parseScenarioString(
      "smmus:\n  - name: a\n  - name: b\n    reg_base: 0x2b500000\n"
      "devices:\n"
      "  - {name: g0, count: 4}\n"
      "  - {name: g1, count: 2, sid_base: 100}\n"
      "  - {name: g2, count: 3}\n"
      "  - {name: g3, count: 5, smmu: b, pattern: random, write_fraction: 0.5}\n");
  EXPECT_EQ(resolvedSidBases(s), (std::vector<uint32_t>{0, 100, 102, 0}));
  EXPECT_EQ(totalDevices(s), 14u);
  EXPECT_EQ(totalTransactions(s), 14000u);
  // Seeds differ between devices and groups, and do not depend on the other groups.
  EXPECT_NE(deviceSeed(s, 0, 0), deviceSeed(s, 0, 1));
  EXPECT_NE(deviceSeed(s, 0, 0), deviceSeed(s, 1, 0));
  Scenario t = s;
  t.devices.erase(t.devices.begin());
  EXPECT_EQ(deviceSeed(t, 2, 4), deviceSeed(s, 3, 4));
  t.seed = 2;
  EXPECT_NE(deviceSeed(t, 2, 4), deviceSeed(s, 3, 4));
  const TrafficSpec ts = trafficSpecFor(s, 3, 1);
  EXPECT_EQ(ts.pattern, "random");
  EXPECT_EQ(ts.footprintBytes, 1u << 20);
  EXPECT_EQ(ts.accessBytes, 64u);
  EXPECT_DOUBLE_EQ(ts.writeFraction, 0.5);
  EXPECT_EQ(ts.pageBytes, 4096u);
  EXPECT_EQ(ts.seed, deviceSeed(s, 3, 1));
  EXPECT_NO_THROW(makeTrafficPattern(ts));
}

TEST(ScenarioDefault, IsRealisticAndMatchesTheFile) {
  const Scenario s = defaultScenario();
  EXPECT_GE(totalDevices(s), 64u);
  EXPECT_GE(totalTransactions(s), 100000u);
  EXPECT_LE(totalTransactions(s), 300000u);
  EXPECT_EQ(s.smmus.size(), 1u);
  std::set<std::string> patterns;
  for (const auto& g : s.devices) {
    EXPECT_EQ(g.pageSize, 4096u);
    patterns.insert(g.pattern);
  }
  EXPECT_EQ(patterns.size(), 4u);
  const std::string file = sourceDir() + "/tb/scenarios/default.yaml";
  EXPECT_EQ(readFile(file), std::string(kDefaultScenarioYaml).substr(1))  // after the newline
      << "tb/DefaultScenario.h and tb/scenarios/default.yaml differ";
  EXPECT_EQ(scenarioToYaml(parseScenarioFile(file)), scenarioToYaml(s));
}

TEST(ScenarioDefault, ExampleFilesParse) {
  const std::string dir = sourceDir() + "/tb/scenarios/";
  const Scenario small = parseScenarioFile(dir + "small.yaml");
  EXPECT_LE(totalDevices(small), 8u);
  const Scenario large = parseScenarioFile(dir + "large-2048.yaml");
  EXPECT_EQ(totalDevices(large), 2048u);
  EXPECT_EQ(large.smmus.size(), 2u);
  const auto bases = resolvedSidBases(large);
  EXPECT_EQ(bases.size(), large.devices.size());
  // Every device's traffic can be built.
  for (size_t g = 0; g < large.devices.size(); ++g)
    EXPECT_NO_THROW(makeTrafficPattern(trafficSpecFor(large, g, large.devices[g].count - 1)));
}

TEST(ScenarioReference, ListsEveryKey) {
  const std::string r = scenarioReference();
  for (const char* key : {"name  (string", "memory.latency_ns", "memory.regions[].base",
                          "smmus[].tlb_lookup_cycles", "smmus[].stream_table",
                          "devices[].footprint_bytes  (size, default 1MiB)", "devices[].iova_base",
                          "run.progress"})
    EXPECT_NE(r.find(key), std::string::npos) << key;
}

TEST(ScenarioReference, WarmupKeys) {
  const Scenario d = defaultScenario();
  EXPECT_EQ(d.run.warmupNs, 0u);
  EXPECT_EQ(d.run.warmupTransactions, 0u);
  const Scenario s =
      parseScenarioString("run: {quantum_ns: 250, warmup_ns: 5000, warmup_transactions: 10}");
  EXPECT_EQ(s.run.warmupNs, 5000u);
  EXPECT_EQ(s.run.warmupTransactions, 10u);
  const std::string y = scenarioToYaml(s);
  EXPECT_NE(y.find("  quantum_ns: 250\n  warmup_ns: 5000\n  warmup_transactions: 10\n"),
            std::string::npos)
      << y;
  const std::string r = scenarioReference();
  for (const char* key :
       {"run.warmup_ns  (integer, default 0)", "run.warmup_transactions  (integer, default 0)"})
    EXPECT_NE(r.find(key), std::string::npos) << key;
  // A warm-up of every transaction would leave nothing to measure: 2 devices x 50.
  EXPECT_EQ(parseError("devices: [{count: 2, transactions: 50}]\n"
                       "run: {warmup_transactions: 100}\n"),
            "t.yaml:2:28: run.warmup_transactions: must be less than the 100 transactions of all "
            "devices (got 100)");
  EXPECT_EQ(parseScenarioString("devices: [{count: 2, transactions: 50}]\n"
                                "run: {warmup_transactions: 99}\n")
                .run.warmupTransactions,
            99u);
}
