// Whole-system runs (System + Scenario): the two timing modes agree on function and on
// unloaded latency, trace-driven devices issue at their rows' times, --record writes one row
// per transaction. A SystemC kernel runs once per process, so each simulation runs in a forked
// child that sends its stats.json back through a pipe.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <systemc>

#include "Report.h"
#include "Scenario.h"
#include "System.h"
#include "tb/RunInChild.h"

using namespace smmu;
using namespace smmu::tb;

namespace {

Scenario oneDevice() {
  Scenario s = parseScenarioString(R"(
name: one
memory: {latency_ns: 100, regions: [{base: 0x80000000, size: 4GiB}]}
smmus: [{name: smmu0}]
devices:
  - {name: d, count: 1, pattern: sequential, access_bytes: 64, footprint_bytes: 64KiB,
     outstanding: 1, transactions: 64, think_ns: 2000}
run: {progress: off}
)");
  return s;
}

}  // namespace

TEST(System, LtAndContentionModesAgreeOnFunctionAndUnloadedLatency) {
  Scenario c = oneDevice();
  Scenario lt = oneDevice();
  applyOverride(lt, "run.mode=lt");
  applyOverride(lt, "run.quantum_ns=100000");
  const auto a = runInChild(c), b = runInChild(lt);
  EXPECT_EQ(a["totals"]["completed"], b["totals"]["completed"]);
  EXPECT_EQ(a["totals"]["walks"], b["totals"]["walks"]);
  EXPECT_EQ(a["smmus"][0]["tlb_hits"], b["smmus"][0]["tlb_hits"]);
  EXPECT_EQ(a["totals"]["latency_ns"], b["totals"]["latency_ns"]);
  // Unloaded: the first access walks everything (2-level stream table: L1 descriptor + STE,
  // CD, 4 table levels = 7 reads); a TLB hit costs the lookup. Default timing: tlb 2 + issue 4
  // + config 2 cycles at 1 ns; 100 ns memory; the data access another 100 ns.
  EXPECT_EQ(a["totals"]["latency_ns"]["min"].get<double>(), 2 + 100);
  EXPECT_EQ(a["totals"]["latency_ns"]["max"].get<double>(), 8 + 7 * 100 + 100);
}

namespace {

// A trace-driven device issues at its rows' times, or later when its slots are busy; every
// transaction gets a record. `override`: a scenario change that must not alter any of that.
void traceRowsAreIssuedAndRecorded(const std::string& override) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("smmusim_trace_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream t(dir / "t.csv");
    t << "t_ns,sid,ssid,iova,dir,bytes\n"
         "0,0x0,,0x100000000,r,64\n"
         "5000,0x0,,0x100000040,w,128\n"
         "5000,0x0,,0x100000080,r,64\n"    // outstanding 1: waits for the previous one
         "9000,0x0,,0x200000000,r,64\n";   // outside the mapped buffer: a fault
  }
  Scenario s = oneDevice();
  applyOverride(s, "devices[0].trace=" + (dir / "t.csv").string());
  applyOverride(s, "devices[0].think_ns=0");
  if (!override.empty()) applyOverride(s, override);
  const auto j = runInChild(s, (dir / "tx.csv").string());
  EXPECT_EQ(j["totals"]["issued"], 4);
  EXPECT_EQ(j["totals"]["completed"], 3);
  EXPECT_EQ(j["totals"]["faulted"], 1);

  std::ifstream rec(dir / "tx.csv");
  std::string header, line;
  std::getline(rec, header);
  EXPECT_EQ(header, "sid,ssid,iova,pa,dir,issue_ns,done_ns,outcome,hit,walk_reads");
  std::vector<std::vector<std::string>> rows;
  while (std::getline(rec, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, ',')) f.push_back(x);
    if (line.back() == ',') f.push_back("");
    rows.push_back(f);
  }
  ASSERT_EQ(rows.size(), 4u);
  // Columns: 0 sid, 1 ssid, 2 iova, 3 pa, 4 dir, 5 issue_ns, 6 done_ns, 7 outcome, 8 hit,
  // 9 walk_reads.
  // Row 1: a miss (L1 descriptor, STE, CD, 4 levels) at t = 0 relative to the traffic start.
  EXPECT_EQ(rows[0][8], "walk");
  EXPECT_EQ(rows[0][9], "7");
  const double t0 = std::stod(rows[0][5]);
  EXPECT_DOUBLE_EQ(std::stod(rows[0][6]) - t0, 8 + 700 + 100);
  // The buffer is the first block of the data area, 1 GiB into RAM (the first GiB holds the
  // tables): IOVA 0x1_0000_0000 + x is PA 0xc000_0000 + x.
  EXPECT_EQ(rows[0][3], "0xc0000000");
  EXPECT_EQ(rows[1][3], "0xc0000040");
  EXPECT_EQ(rows[2][3], "0xc0000080");
  // Row 2 issues at 5000 ns and hits; row 3 waits for row 2 (one outstanding).
  EXPECT_DOUBLE_EQ(std::stod(rows[1][5]) - t0, 5000);
  EXPECT_EQ(rows[1][4], "w");
  EXPECT_EQ(rows[1][8], "tlb");
  EXPECT_DOUBLE_EQ(std::stod(rows[2][5]), std::stod(rows[1][6]));
  EXPECT_EQ(rows[3][3], "");  // a fault has no output address
  EXPECT_EQ(rows[3][7], "fault");
  EXPECT_EQ(rows[3][8], "fault");
  std::filesystem::remove_all(dir);
}

}  // namespace

TEST(System, TraceDrivenDeviceIssuesAtTheRowTimesAndRecordsEveryTransaction) {
  traceRowsAreIssuedAndRecorded("");
}

// With walker arbitration other than fifo the devices issue from a thread per slot: the same
// issue rules, the same records.
TEST(System, SlotThreadDevicesFollowTheSameIssueRules) {
  traceRowsAreIssuedAndRecorded("smmus[0].ptw_arbitration=round_robin");
}

TEST(System, QosArbitrationShortensTheUrgentDevicesWalkerWaits) {
  // Two groups of 4 devices, every access a new page (every one walks), one walker: walkers are
  // the bottleneck. With qos arbitration the qos-12 group's misses are served first.
  Scenario s = parseScenarioString(R"(
name: qos
memory: {latency_ns: 100, regions: [{base: 0x80000000, size: 4GiB}]}
smmus: [{name: smmu0, ptw_slots: 1, ptw_arbitration: qos}]
devices:
  - {name: lo, count: 4, pattern: sequential, access_bytes: 4096, footprint_bytes: 1MiB,
     outstanding: 4, transactions: 64, think_ns: 0}
  - {name: hi, count: 4, pattern: sequential, access_bytes: 4096, footprint_bytes: 1MiB,
     outstanding: 4, transactions: 64, think_ns: 0, qos: 12}
run: {progress: off}
)");
  const auto q = runInChild(s);
  EXPECT_EQ(q["totals"]["completed"], 512);
  const auto& w = q["smmus"][0]["walkers"];
  EXPECT_EQ(w["arbitration"], "qos");
  ASSERT_EQ(w["by_qos"].size(), 2u);
  EXPECT_EQ(w["by_qos"][0]["qos"], 0);
  EXPECT_EQ(w["by_qos"][1]["qos"], 12);
  const double loWait = w["by_qos"][0]["mean_wait_ns"], hiWait = w["by_qos"][1]["mean_wait_ns"];
  EXPECT_LT(hiWait * 2, loWait) << loWait << " " << hiWait;
  // The devices see it: every hi device's mean latency below every lo device's.
  double hiMax = 0, loMin = 1e18;
  for (const auto& d : q["devices"]) {
    const double mean = d["latency_ns"]["mean"];
    if (d["group"] == "hi") hiMax = std::max(hiMax, mean);
    else loMin = std::min(loMin, mean);
  }
  EXPECT_LT(hiMax, loMin);
  // fifo: the core's walker pool, no per-QoS waits; the same work.
  applyOverride(s, "smmus[0].ptw_arbitration=fifo");
  const auto f = runInChild(s);
  EXPECT_EQ(f["totals"]["completed"], 512);
  EXPECT_EQ(f["smmus"][0]["walks"], q["smmus"][0]["walks"]);
  EXPECT_EQ(f["smmus"][0]["walkers"]["arbitration"], "fifo");
  EXPECT_FALSE(f["smmus"][0]["walkers"].contains("by_qos"));
}

TEST(System, MemoryChannelsAddQueueingUnderLoad) {
  Scenario s = oneDevice();
  applyOverride(s, "devices[0].count=8");
  applyOverride(s, "devices[0].think_ns=0");
  applyOverride(s, "devices[0].outstanding=4");
  const auto free = runInChild(s);
  applyOverride(s, "memory.channels=1");
  applyOverride(s, "memory.occupancy_ns=50");
  const auto busy = runInChild(s);
  EXPECT_EQ(free["totals"]["completed"], busy["totals"]["completed"]);
  EXPECT_GT(busy["totals"]["latency_ns"]["mean"].get<double>(),
            free["totals"]["latency_ns"]["mean"].get<double>());
  EXPECT_GT(busy["totals"]["memory_channels"]["waited"].get<uint64_t>(), 0u);
}

TEST(System, WalkSharingAndLookupSlotsShowInTheStats) {
  // One device, each 4 KiB access a new page of one L3 table, 4 in flight: without sharing,
  // every walk reads its 4 levels; with walk-prefix coalescing, walks join the walks in flight
  // at their tables (fewer reads per walk). The first 4 misses arrive together: 3 of them wait
  // for the first one's config fetch.
  Scenario s = oneDevice();
  applyOverride(s, "devices[0].access_bytes=4096");
  applyOverride(s, "devices[0].footprint_bytes=256KiB");
  applyOverride(s, "devices[0].outstanding=4");
  applyOverride(s, "devices[0].think_ns=0");
  applyOverride(s, "smmus[0].ptw_slots=4");
  const auto plain = runInChild(s);
  EXPECT_EQ(plain["smmus"][0]["memory_accesses_per_walk"].get<double>(), 4.0);
  EXPECT_EQ(plain["smmus"][0]["walk_joins"].get<uint64_t>(), 0u);
  EXPECT_EQ(plain["smmus"][0]["config_hits_under_fill"].get<uint64_t>(), 3u);
  EXPECT_FALSE(plain["smmus"][0].contains("lookup_slots"));
  applyOverride(s, "smmus[0].walk_prefix_coalescing=true");
  applyOverride(s, "smmus[0].tlb_lookup_slots=1");
  const auto shared = runInChild(s);
  EXPECT_EQ(shared["totals"]["completed"], plain["totals"]["completed"]);
  EXPECT_EQ(shared["smmus"][0]["walks"], plain["smmus"][0]["walks"]);
  EXPECT_GT(shared["smmus"][0]["walk_joins"].get<uint64_t>(), 0u);
  EXPECT_LT(shared["smmus"][0]["memory_accesses_per_walk"].get<double>(), 4.0);
  EXPECT_EQ(shared["smmus"][0]["lookup_slots"]["tlb"]["lookups"],
            shared["smmus"][0]["tlb_lookups"]);
}

// ---------------------------------------------------------------------------------------------
// Statistics window, throughput and where transactions were served, against hand counts.
// Unloaded timing of oneDevice() (default SMMU: 1 ns cycles; 100 ns memory, channels free):
//   first access, a walk with every configuration read: 2 + 4 + 2 cycles + 7 reads + data
//   = 808 ns; a walk with the configuration cached: 8 + 4 reads + data = 508 ns;
//   a TLB hit: 2 cycles + data = 102 ns.
// With one transaction outstanding and no think time, each transaction issues when the one
// before completes.
namespace {

constexpr double kWalkFirst = 808, kWalk = 508, kHit = 102;

uint64_t sumOf(const nlohmann::json& served) {
  uint64_t n = 0;
  for (const auto& [k, v] : served.items()) n += v.get<uint64_t>();
  return n;
}

}  // namespace

TEST(SystemStats, WindowThroughputAndServedCountsOfASequentialDevice) {
  // 64 accesses of 64 bytes through one 4 KiB page: one walk, then 63 TLB hits, back to back.
  // Window: from the traffic start to 808 + 63 * 102 = 7234 ns later.
  Scenario s = oneDevice();
  applyOverride(s, "devices[0].footprint_bytes=4KiB");
  applyOverride(s, "devices[0].think_ns=0");
  applyOverride(s, "devices[0].outstanding=1");
  // One channel, busy 1 ns per access: no access ever waits (they are 100 ns apart), and the
  // channel counts what the window saw.
  applyOverride(s, "memory.channels=1");
  applyOverride(s, "memory.occupancy_ns=1");
  const auto j = runInChild(s);
  const auto& t = j["totals"];
  EXPECT_EQ(t["issued"], 64);
  EXPECT_EQ(t["completed"], 64);
  EXPECT_EQ(t["bytes"], 64 * 64);
  EXPECT_EQ(t["served"],
            nlohmann::json({{"utlb", 0}, {"tlb", 63}, {"coalesced", 0}, {"walk", 1},
                            {"fault", 0}, {"abort", 0}, {"bypass", 0}}));
  EXPECT_EQ(t["served_rates"]["tlb"].get<double>(), 63.0 / 64);
  EXPECT_EQ(t["served_rates"]["walk"].get<double>(), 1.0 / 64);
  EXPECT_FALSE(t.contains("tlb_hit_rate"));
  const auto& w = j["window"];
  EXPECT_EQ(w["start_ns"].get<double>(), w["traffic_start_ns"].get<double>());
  EXPECT_NEAR(w["end_ns"].get<double>() - w["start_ns"].get<double>(), kWalkFirst + 63 * kHit,
              1e-6);
  EXPECT_EQ(w["warmup_ns"], 0);
  EXPECT_EQ(w["warmup_transactions"], 0);
  EXPECT_EQ(w["excluded_transactions"], 0);
  const double seconds = (kWalkFirst + 63 * kHit) * 1e-9;
  EXPECT_NEAR(j["throughput"]["transactions_per_s"].get<double>(), 64 / seconds, 0.5);
  EXPECT_NEAR(j["throughput"]["bytes_per_s"].get<double>(), 64 * 64 / seconds, 0.5);
  // The SMMU's counters start with the traffic: none of the host's setup commands, and only
  // the devices' translations.
  const auto& m = j["smmus"][0];
  EXPECT_EQ(m["commands"], 0);
  EXPECT_EQ(m["syncs"], 0);
  EXPECT_EQ(m["translations"], 64);
  EXPECT_EQ(m["walks"], 1);
  EXPECT_EQ(m["walk_reads"], 4);    // the 4 table levels
  EXPECT_EQ(m["config_reads"], 3);  // L1 descriptor, STE, CD
  // Memory: the walk's 7 reads and the 64 data accesses, none of the host's.
  EXPECT_EQ(t["memory_channels"]["accesses"], 7 + 64);
  EXPECT_EQ(t["memory_channels"]["waited"], 0);
  // Latency histogram: 63 x 102 ns and 1 x 808 ns on the 1/8-octave grid (ps): 102,000 lies in
  // [12, 13) x 2^13 = [98,304, 106,496), 808,000 in [12, 13) x 2^16 = [786,432, 851,968); the
  // bins between them are 16 + (16 - 4) * 8 + 4 = 116 .. 16 + (19 - 4) * 8 + 4 = 140.
  const auto& h = t["latency_histogram"];
  ASSERT_EQ(h["counts"].size(), 25u);
  ASSERT_EQ(h["edges_ns"].size(), 26u);
  EXPECT_EQ(h["edges_ns"][0].get<double>(), 98.304);
  EXPECT_EQ(h["edges_ns"][1].get<double>(), 106.496);
  EXPECT_EQ(h["edges_ns"][24].get<double>(), 786.432);
  EXPECT_EQ(h["edges_ns"][25].get<double>(), 851.968);
  EXPECT_EQ(h["counts"][0], 63);
  EXPECT_EQ(h["counts"][24], 1);
  EXPECT_EQ(sumOf(nlohmann::json(h["counts"])), 64u);
  // p99.9: rank ceil(0.999 * 64) = 64, the 808 ns walk, reported as the midpoint of its bucket
  // (values in [2^19, 2^20) ps: 2,048 ps wide): [806,912, 808,960) -> 807,936 ps.
  EXPECT_EQ(t["latency_ns"]["p999"].get<double>(), 807.936);
  EXPECT_EQ(t["latency_ns"]["max"].get<double>(), kWalkFirst);
}

namespace {

// Four pages visited twice (strided 4 KiB, 8 transactions of 64 bytes): transactions 1-4 walk
// (the first with the configuration reads), 5-8 hit. Issue times after the traffic start:
// 0, 808, 1316, 1824 (walks), 2332, 2434, 2536, 2638 (hits); the last completes at 2740.
Scenario twoPasses(const std::string& mode) {
  Scenario s = oneDevice();
  applyOverride(s, "devices[0]={pattern: strided, stride_bytes: 4KiB, footprint_bytes: 16KiB, "
                   "transactions: 8, outstanding: 1, think_ns: 0}");
  if (mode == "lt") {
    applyOverride(s, "run.mode=lt");
    applyOverride(s, "run.quantum_ns=100000");
  }
  return s;
}

// The window of a twoPasses run that leaves out the first `excluded` transactions.
void expectWindowOfHits(const nlohmann::json& j, unsigned excluded, double startAfterTraffic) {
  const unsigned counted = 8 - excluded;
  const auto& t = j["totals"];
  EXPECT_EQ(t["issued"], counted);
  EXPECT_EQ(t["completed"], counted);
  EXPECT_EQ(t["served"]["tlb"], counted);
  EXPECT_EQ(sumOf(t["served"]), counted);
  EXPECT_EQ(t["walks"], 0);
  EXPECT_EQ(t["latency_ns"]["min"].get<double>(), kHit);
  EXPECT_EQ(t["latency_ns"]["max"].get<double>(), kHit);
  const auto& w = j["window"];
  EXPECT_EQ(w["excluded_transactions"], excluded);
  const double t0 = w["traffic_start_ns"];
  EXPECT_NEAR(w["start_ns"].get<double>() - t0, startAfterTraffic, 1e-6);
  EXPECT_NEAR(w["end_ns"].get<double>() - t0, kWalkFirst + 3 * kWalk + 4 * kHit, 1e-6);
  const double seconds = counted * kHit * 1e-9;
  EXPECT_NEAR(j["throughput"]["transactions_per_s"].get<double>(), counted / seconds, 0.5);
  EXPECT_NEAR(j["throughput"]["bytes_per_s"].get<double>(), counted * 64 / seconds, 0.5);
  // The SMMU counted the window's translations only: hits, no walk, no command.
  const auto& m = j["smmus"][0];
  EXPECT_EQ(m["translations"], counted);
  EXPECT_EQ(m["tlb_lookups"], counted);
  EXPECT_EQ(m["tlb_hits"], counted);
  EXPECT_EQ(m["walks"], 0);
  EXPECT_EQ(m["walk_reads"], 0);
  EXPECT_EQ(m["commands"], 0);
}

void warmupLeavesOutTheWalks(const std::string& mode) {
  // Without warm-up: 8 transactions, 4 walks.
  const auto all = runInChild(twoPasses(mode));
  EXPECT_EQ(all["totals"]["issued"], 8);
  EXPECT_EQ(all["totals"]["served"]["walk"], 4);
  EXPECT_EQ(all["totals"]["served"]["tlb"], 4);
  // warmup_transactions 4: the window opens with transaction 5 at 808 + 3 * 508 = 2332 ns.
  Scenario s = twoPasses(mode);
  applyOverride(s, "run.warmup_transactions=4");
  const auto byCount = runInChild(s);
  expectWindowOfHits(byCount, 4, kWalkFirst + 3 * kWalk);
  EXPECT_EQ(byCount["window"]["warmup_transactions"], 4);
  // warmup_ns 2000: the first issue at or after 2000 ns is transaction 5's, the same window.
  s = twoPasses(mode);
  applyOverride(s, "run.warmup_ns=2000");
  const auto byTime = runInChild(s);
  expectWindowOfHits(byTime, 4, kWalkFirst + 3 * kWalk);
  EXPECT_EQ(byTime["window"]["warmup_ns"], 2000);
  EXPECT_EQ(byTime["totals"], byCount["totals"]);
  // Both: the later of the two. 2 transactions and 2400 ns: transaction 6, at 2332 + 102.
  applyOverride(s, "run.warmup_ns=2400");
  applyOverride(s, "run.warmup_transactions=2");
  expectWindowOfHits(runInChild(s), 5, kWalkFirst + 3 * kWalk + kHit);
}

}  // namespace

TEST(SystemStats, WarmupLeavesOutTheFirstTransactions) { warmupLeavesOutTheWalks("contention"); }

// One device runs alone: loosely timed, the window is the same.
TEST(SystemStats, WarmupInLtMode) { warmupLeavesOutTheWalks("lt"); }

TEST(SystemStats, ServedCountsAddUpForDevicesGroupsAndTotals) {
  // Two groups in scenario order, the second listed first by name order: b (2 sequential
  // devices), a (1 random device over 64 pages, 4 outstanding: hits under fill, walks).
  Scenario s = parseScenarioString(R"(
name: groups
memory: {latency_ns: 100, regions: [{base: 0x80000000, size: 4GiB}]}
smmus: [{name: smmu0, utlb_entries: 4, tlb_entries: 32}]
devices:
  - {name: b, count: 2, pattern: sequential, access_bytes: 256, footprint_bytes: 64KiB,
     outstanding: 8, transactions: 300}
  - {name: a, count: 1, pattern: random, access_bytes: 64, footprint_bytes: 256KiB,
     outstanding: 4, transactions: 500}
run: {progress: off}
)");
  const auto j = runInChild(s);
  const auto& t = j["totals"];
  EXPECT_EQ(t["issued"], 2 * 300 + 500);
  EXPECT_EQ(sumOf(t["served"]), t["issued"].get<uint64_t>());
  EXPECT_GT(t["served"]["coalesced"].get<uint64_t>(), 0u);  // sequential: the page's walk
  EXPECT_GT(t["served"]["utlb"].get<uint64_t>(), 0u);
  for (const auto& d : j["devices"]) EXPECT_EQ(sumOf(d["served"]), d["issued"].get<uint64_t>());
  ASSERT_EQ(j["groups"].size(), 2u);
  EXPECT_EQ(j["groups"][0]["name"], "b");
  EXPECT_EQ(j["groups"][1]["name"], "a");
  EXPECT_EQ(j["groups"][0]["devices"], 2);
  EXPECT_EQ(j["groups"][0]["issued"], 600);
  EXPECT_EQ(j["groups"][0]["bytes"], 600 * 256);
  EXPECT_EQ(j["groups"][1]["issued"], 500);
  EXPECT_EQ(j["groups"][1]["bytes"], 500 * 64);
  EXPECT_EQ(j["groups"][0]["walks"].get<uint64_t>() + j["groups"][1]["walks"].get<uint64_t>(),
            t["walks"].get<uint64_t>());
  for (const auto* x : {&t, &j["groups"][0], &j["groups"][1]}) {
    const auto& g = *x;
    EXPECT_EQ(sumOf(g["served"]), g["issued"].get<uint64_t>());
    double rates = 0;
    for (const auto& [k, v] : g["served_rates"].items()) rates += v.get<double>();
    EXPECT_NEAR(rates, 1.0, 1e-5);
    const auto& h = g["latency_histogram"];
    EXPECT_EQ(h["edges_ns"].size(), h["counts"].size() + 1);
    EXPECT_EQ(sumOf(nlohmann::json(h["counts"])), g["completed"].get<uint64_t>());
    EXPECT_GT(h["counts"].front().get<uint64_t>(), 0u);  // empty bins at the ends dropped
    EXPECT_GT(h["counts"].back().get<uint64_t>(), 0u);
    EXPECT_LE(h["edges_ns"].front().get<double>(), g["latency_ns"]["min"].get<double>());
    EXPECT_GT(h["edges_ns"].back().get<double>(), g["latency_ns"]["max"].get<double>());
    EXPECT_LE(g["latency_ns"]["p99"].get<double>(), g["latency_ns"]["p999"].get<double>());
  }
}
