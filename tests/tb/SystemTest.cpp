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
  EXPECT_EQ(header, "sid,ssid,iova,dir,issue_ns,done_ns,outcome,hit,walk_reads");
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
  // Row 1: a miss (L1 descriptor, STE, CD, 4 levels) at t = 0 relative to the traffic start.
  EXPECT_EQ(rows[0][7], "walk");
  EXPECT_EQ(rows[0][8], "7");
  const double t0 = std::stod(rows[0][4]);
  EXPECT_DOUBLE_EQ(std::stod(rows[0][5]) - t0, 8 + 700 + 100);
  // Row 2 issues at 5000 ns and hits; row 3 waits for row 2 (one outstanding).
  EXPECT_DOUBLE_EQ(std::stod(rows[1][4]) - t0, 5000);
  EXPECT_EQ(rows[1][3], "w");
  EXPECT_EQ(rows[1][7], "tlb");
  EXPECT_DOUBLE_EQ(std::stod(rows[2][4]), std::stod(rows[1][5]));
  EXPECT_EQ(rows[3][6], "fault");
  EXPECT_EQ(rows[3][7], "fault");
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
