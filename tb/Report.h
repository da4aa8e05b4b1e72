// Results of a run: the stats.json document and the human summary. Everything in stats.json is
// a function of the scenario and seed (no host times), so equal inputs give identical bytes.
#pragma once
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "Device.h"
#include "Scenario.h"
#include "mem/SlotCalendar.h"
#include "smmu/SmmuCore.h"
#include "smmu/WalkerArbiter.h"

namespace smmu::tb {

struct DeviceRecord {
  std::string name;
  std::string group;
  std::string smmu;
  std::string tbu;  // the SMMU's TBU the device is wired to
  std::string pattern;
  uint32_t sid = 0;
  bool ssv = false;
  uint32_t ssid = 0;
  const DeviceStats* stats = nullptr;
};

struct SmmuRecord {
  std::string name;
  const SmmuStats* stats = nullptr;
  uint64_t tableBytes = 0;     // translation tables the host built for this instance
  uint64_t hostCommands = 0;   // commands the host agent issued
  const ResourcePool* walkers = nullptr;  // TCU walker slots
  unsigned walkerCount = 0;               // ptw_slots (0 = unlimited)
  ArbitrationPolicy arbitration = ArbitrationPolicy::Fifo;  // ptw_arbitration
  // The arbiter's counters when misses wait for walkers in the timing path (non-fifo policies).
  const WalkerArbitrationStats* arbitrationStats = nullptr;
  // Lookup slots of the TCU's caches ("config_cache", "walk_cache"); unlimited ones are
  // skipped. The main TLBs' ("tlb") and the translation slots are the TBUs' (tbus), summed.
  std::vector<std::pair<std::string, const ResourcePool*>> lookupSlots;
  // The SMMU's TBUs (name, counters, translation slots, main TLB lookup slots), in order.
  std::vector<const Tbu*> tbus;
};

struct RunRecord {
  const Scenario* scenario = nullptr;
  std::vector<DeviceRecord> devices;
  std::vector<SmmuRecord> smmus;
  double simTimeNs = 0;
  uint64_t memoryPages = 0;     // pages the memory model holds at the end
  // memory.time_ordered: writes performed after a read of their 64-byte line that arrived
  // later (the read could not see them; an upper bound). -1: time order off.
  int64_t lateWrites = -1;
  uint64_t eventsDrained = 0;   // event records the host read back from the event queues
  double trafficStartNs = 0;    // when the devices started (after the host's setup)
  const SlotCalendar* memoryChannels = nullptr;
  // The statistics window (StatsWindow): its start (StatsWindow::kClosed: it never opened), the
  // warm-up asked for, and the transactions issued outside it. Its end is the last completion
  // of a transaction counted by the devices.
  Tick windowStartPs = 0;
  uint64_t warmupNs = 0, warmupTransactions = 0, excludedTransactions = 0;
};

// {min,mean,p50,p90,p99,p999,max} in ns
nlohmann::json latencyJson(const LatencyHistogram& h);
// {edges_ns, counts}: LatencyHistogram::readableBins, len(edges_ns) = len(counts) + 1 (both
// empty when nothing was recorded).
nlohmann::json latencyHistogramJson(const LatencyHistogram& h);
nlohmann::json makeStatsJson(const RunRecord& run);
void printSummary(std::ostream& os, const RunRecord& run, double hostSeconds);

}  // namespace smmu::tb
