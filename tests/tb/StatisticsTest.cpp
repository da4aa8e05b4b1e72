// The statistics tables (smmu/Statistic.h: smmu/SmmuStatistics.h, tbu/TbuStatistics.h,
// tb/Statistics.h) are the one declaration of every statistic stats.json writes from the
// counters: every declared statistic is in the stats.json of a run, under one key per record, a
// rate is its numerator over its denominator, and docs/statistics.md is the reference listing.
// The tests go over the tables, so a statistic added to one is covered without naming it here.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "Scenario.h"
#include "SourceDir.h"
#include "Statistics.h"
#include "smmu/SmmuStatistics.h"
#include "tb/RunInChild.h"
#include "tbu/TbuStatistics.h"

using namespace smmu;
using namespace smmu::tb;

namespace {

// Two TBUs, time-ordered memory (memory_late_writes), a walk cache and walks.
const char* kRun = R"(
name: stats
memory: {latency_ns: 100, time_ordered: true, regions: [{base: 0x80000000, size: 4GiB}]}
smmus:
  - name: smmu0
    utlb_entries: 8
    tbus: [{name: near}, {name: far, link_latency_ns: 50}]
devices:
  - {name: a, count: 2, tbu: near, pattern: sequential, access_bytes: 64,
     footprint_bytes: 64KiB, outstanding: 2, transactions: 128}
  - {name: b, tbu: far, pattern: random, access_bytes: 64, write_fraction: 0.5,
     footprint_bytes: 1MiB, outstanding: 2, transactions: 128}
run: {progress: off}
)";

const nlohmann::json& runJson() {
  static const nlohmann::json j = runInChild(parseScenarioString(kRun, "stats.yaml"));
  return j;
}

// The value of `st` as stats.json writes it: counts as integers, times and rates as numbers.
template <class S>
void expectWritten(const Statistic<S>& st, const nlohmann::json& record, const std::string& where) {
  SCOPED_TRACE(where + st.key);
  ASSERT_TRUE(record.contains(st.key)) << record.dump();
  const auto& v = record[st.key];
  if (st.kind == StatKind::Count)
    EXPECT_TRUE(v.is_number_unsigned()) << v;
  else
    EXPECT_TRUE(v.is_number_float()) << v;
}

// The keys of `record` that no table declares must be the testbench's own figures.
void expectOnlyDeclared(const nlohmann::json& record, const std::set<std::string>& declared,
                        const std::set<std::string>& own, const std::string& where) {
  for (const auto& [key, value] : record.items()) {
    (void)value;
    EXPECT_TRUE(declared.count(key) || own.count(key))
        << where << key << ": written by hand, not declared in a statistics table";
  }
}

template <class S>
std::set<std::string> keysOf(const std::vector<Statistic<S>>& table, uint8_t record) {
  std::set<std::string> keys;
  for (const auto& st : table)
    if (st.records & record) keys.insert(st.key);
  return keys;
}

}  // namespace

TEST(Statistics, EveryDeclaredStatisticIsInStatsJson) {
  const auto& j = runJson();
  ASSERT_FALSE(j.contains("error")) << j.dump();
  const auto& smmu = j["smmus"][0];
  ASSERT_EQ(smmu["tbus"].size(), 2u);
  for (const auto& st : deviceStatistics()) {
    if (st.records & kDeviceRecord) expectWritten(st, j["devices"][0], "devices[0].");
    if (st.records & kGroupRecord) expectWritten(st, j["groups"][0], "groups[0].");
    if (st.records & kTotalsRecord) expectWritten(st, j["totals"], "totals.");
  }
  for (const auto* st : smmuTotalsStatistics()) expectWritten(*st, j["totals"], "totals.");
  for (const auto& st : runStatistics()) expectWritten(st, j["totals"], "totals.");
  for (const auto& st : smmuStatistics()) {
    if (st.records & kSmmuRecord) expectWritten(st, smmu, "smmus[0].");
    if (st.records & kTcuRecord) expectWritten(st, smmu["tcu"], "smmus[0].tcu.");
  }
  for (const auto& b : smmu["tbus"])
    for (const auto& st : tbuStatistics()) expectWritten(st, b, "smmus[0].tbus[].");
}

// What the records hold besides the declared statistics is the testbench's own (names, nested
// records, figures of the slot pools): a counter written by hand fails here.
TEST(Statistics, RecordsWriteNoUndeclaredCounter) {
  const auto& j = runJson();
  ASSERT_FALSE(j.contains("error")) << j.dump();
  const auto& smmu = j["smmus"][0];
  expectOnlyDeclared(smmu, keysOf(smmuStatistics(), kSmmuRecord),
                     {"name", "faults", "table_bytes", "walkers", "lookup_slots",
                      "translation_slots", "tbus", "tcu"},
                     "smmus[0].");
  expectOnlyDeclared(smmu["tcu"], keysOf(smmuStatistics(), kTcuRecord),
                     {"walker_waits", "walker_wait_ns_mean"}, "smmus[0].tcu.");
  for (const auto& b : smmu["tbus"])
    expectOnlyDeclared(b, keysOf(tbuStatistics(), 1),
                       {"name", "translation_slots", "tlb_lookup_slots", "latency_ns"},
                       "smmus[0].tbus[].");
  expectOnlyDeclared(j["devices"][0], keysOf(deviceStatistics(), kDeviceRecord),
                     {"name", "group", "smmu", "tbu", "sid", "ssid", "pattern", "served",
                      "served_rates", "latency_ns"},
                     "devices[0].");
  expectOnlyDeclared(
      j["groups"][0], keysOf(deviceStatistics(), kGroupRecord),
      {"name", "devices", "served", "served_rates", "latency_ns", "latency_histogram"},
      "groups[0].");
  std::set<std::string> totals = keysOf(deviceStatistics(), kTotalsRecord);
  for (const auto* st : smmuTotalsStatistics()) totals.insert(st->key);
  for (const auto& st : runStatistics()) totals.insert(st.key);
  expectOnlyDeclared(j["totals"], totals,
                     {"devices", "conserved", "served", "served_rates", "latency_ns",
                      "latency_histogram", "memory_channels"},
                     "totals.");
}

// One key per statistic in each record: two declarations of a key in one record would write
// one over the other.
TEST(Statistics, KeysAreUniquePerRecord) {
  auto unique = [](const std::vector<std::string>& keys, const std::string& record) {
    std::set<std::string> seen;
    for (const auto& k : keys) EXPECT_TRUE(seen.insert(k).second) << record << k;
  };
  auto keys = [](const auto& table, uint8_t record) {
    std::vector<std::string> out;
    for (const auto& st : table)
      if (st.records & record) out.push_back(st.key);
    return out;
  };
  unique(keys(smmuStatistics(), kSmmuRecord), "smmus[].");
  unique(keys(smmuStatistics(), kTcuRecord), "smmus[].tcu.");
  unique(keys(tbuStatistics(), 1), "smmus[].tbus[].");
  unique(keys(deviceStatistics(), kDeviceRecord), "devices[].");
  unique(keys(deviceStatistics(), kGroupRecord), "groups[].");
  std::vector<std::string> totals = keys(deviceStatistics(), kTotalsRecord);
  for (const auto* st : smmuTotalsStatistics()) totals.push_back(st->key);
  for (const auto& k : keys(runStatistics(), 1)) totals.push_back(k);
  unique(totals, "totals.");
  // And the table as a whole (its records apart): one declaration per key.
  unique(keys(smmuStatistics(), kSmmuRecord | kTcuRecord), "smmuStatistics() ");
  unique(keys(deviceStatistics(), 0xff), "deviceStatistics() ");
}

// Every statistic says what it is: a unit and a meaning, and a rate its denominator.
TEST(Statistics, EachDeclarationIsComplete) {
  auto check = [](const auto& table) {
    for (const auto& st : table) {
      SCOPED_TRACE(st.key);
      EXPECT_FALSE(st.unit.empty());
      EXPECT_FALSE(st.doc.empty());
      EXPECT_TRUE(st.value);
      EXPECT_EQ(bool(st.denominator), st.kind == StatKind::Ratio);
      EXPECT_NE(st.records, 0);
    }
  };
  check(smmuStatistics());
  check(tbuStatistics());
  check(deviceStatistics());
  check(runStatistics());
}

// A rate is its numerator over its denominator, computed here by hand from the counters.
TEST(Statistics, RatesAreTheirNumeratorOverTheirDenominator) {
  SmmuStats s;
  s.tlbLookups = 8;
  s.tlbHits = 3;
  s.tlbMisses = 5;
  s.utlbLookups = 10;
  s.utlbHits = 7;
  s.configLookups = 4;
  s.configHits = 1;
  s.walks = 6;
  s.walkReads = 20;
  s.configReads = 9;
  auto rate = [&](const char* key) {
    const Statistic<SmmuStats>* st = findSmmuStatistic(key);
    if (!st) throw std::runtime_error(std::string("no statistic ") + key);
    EXPECT_EQ(st->kind, StatKind::Ratio) << key;
    return statRatio(*st, s);
  };
  EXPECT_DOUBLE_EQ(rate("tlb_hit_rate"), 3.0 / 8.0);
  EXPECT_DOUBLE_EQ(rate("utlb_hit_rate"), 7.0 / 10.0);
  EXPECT_DOUBLE_EQ(rate("config_cache_hit_rate"), 1.0 / 4.0);
  EXPECT_DOUBLE_EQ(rate("memory_accesses_per_walk"), 20.0 / 6.0);
  EXPECT_DOUBLE_EQ(rate("memory_accesses_per_miss"), (20.0 + 9.0) / 5.0);
  // Nothing looked up: 0, not a division by zero.
  EXPECT_EQ(statRatio(*findSmmuStatistic("tlb_hit_rate"), SmmuStats{}), 0.0);

  // Over several SMMUs (the totals): the sum of the numerators over that of the denominators.
  SmmuStats t;
  t.configLookups = 12;
  t.configHits = 11;
  const StatSum sum = statSum(*findSmmuStatistic("config_cache_hit_rate"), {&s, &t});
  EXPECT_EQ(sum.value, 12u);
  EXPECT_EQ(sum.denominator, 16u);

  DeviceStats d;
  d.walks = 4;
  d.walkReads = 14;
  EXPECT_DOUBLE_EQ(statRatio(*findDeviceStatistic("memory_accesses_per_walk"), d), 14.0 / 4.0);
}

// docs/statistics.md holds `smmusim stats --reference` as it prints today.
TEST(Statistics, DocsAreTheReferenceListing) {
  const std::string doc = smmu::testing::readSourceFile("docs/statistics.md");
  ASSERT_FALSE(doc.empty()) << "docs/statistics.md";
  const std::string open = "\n```text\n";
  const size_t begin = doc.find(open);
  ASSERT_NE(begin, std::string::npos) << "docs/statistics.md: no ```text block";
  const size_t end = doc.find("\n```\n", begin + open.size());
  ASSERT_NE(end, std::string::npos);
  // Line by line, so that a failure names the first line that differs.
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  };
  const auto docLines = lines(doc.substr(begin + open.size(), end + 1 - begin - open.size()));
  const auto refLines = lines(statisticsReference());
  for (size_t i = 0; i < std::max(docLines.size(), refLines.size()); ++i) {
    const std::string d = i < docLines.size() ? docLines[i] : "(none)";
    const std::string r = i < refLines.size() ? refLines[i] : "(none)";
    ASSERT_EQ(d, r) << "docs/statistics.md, line " << i + 1
                    << " of the listing: paste the output of `smmusim stats --reference` there";
  }
}

// The listing names every declared statistic at its place in stats.json.
TEST(Statistics, ReferenceListsEveryStatisticAtItsPlace) {
  const std::string r = statisticsReference();
  EXPECT_NE(r.find("\nsmmus[].tbus[].link_requests  (requests)  "), std::string::npos) << r;
  EXPECT_NE(r.find("\nsmmus[].tlb_hit_rate  (fraction)  tlb_hits / tlb_lookups\n"),
            std::string::npos);
  EXPECT_NE(r.find("\nsmmus[].tcu.walks  (walks)  "), std::string::npos);
  EXPECT_NE(r.find("totals.issued  (transactions)  "), std::string::npos);
  size_t lines = 0;
  for (char c : r) lines += c == '\n';
  size_t declared = smmuTotalsStatistics().size() + runStatistics().size() + tbuStatistics().size();
  for (const auto& st : smmuStatistics())
    declared += bool(st.records & kSmmuRecord) + bool(st.records & kTcuRecord);
  for (const auto& st : deviceStatistics())
    declared += bool(st.records & kDeviceRecord) + bool(st.records & kGroupRecord) +
                bool(st.records & kTotalsRecord);
  EXPECT_EQ(lines, declared);
}
