#include "Statistics.h"

#include <stdexcept>

#include "smmu/SmmuStatistics.h"
#include "tbu/TbuStatistics.h"

namespace smmu::tb {

namespace {

using D = DeviceStats;

std::vector<Statistic<DeviceStats>> deviceTable() {
  constexpr uint8_t kAll = kDeviceRecord | kGroupRecord | kTotalsRecord;
  constexpr uint8_t kDeviceAndTotals = kDeviceRecord | kTotalsRecord;
  return {
      countStat("issued", "transactions", "transactions issued in the statistics window",
                &D::issued, kAll),
      countStat("completed", "transactions", "transactions completed with an OK response",
                &D::completed, kAll),
      countStat("faulted", "transactions",
                "transactions that ended with an error response (aborts included)", &D::faulted,
                kDeviceAndTotals),
      countStat("aborted", "transactions", "faulted transactions that were aborts", &D::aborted,
                kDeviceAndTotals),
      countStat("bytes", "bytes", "bytes of the completed transactions", &D::bytes, kAll),
      countStat("walks", "transactions",
                "transactions whose translation walked the tables (faults after a walk included)",
                &D::walks, kAll),
      ratioStat("memory_accesses_per_walk", "reads/walk",
                "table reads of the transactions' walks / walks", &D::walkReads, &D::walks,
                kDeviceAndTotals),
  };
}

std::vector<Statistic<RunRecord>> runTable() {
  std::vector<Statistic<RunRecord>> t = {
      countStat("events_drained", "events", "event records the host read from the event queues",
                &RunRecord::eventsDrained),
      countStat("memory_pages", "pages", "pages the memory model holds at the end",
                &RunRecord::memoryPages),
      Statistic<RunRecord>{
          "memory_late_writes", StatKind::Count, "writes",
          "with memory.time_ordered: writes performed after a later read of their 64-byte line "
          "(an upper bound)",
          [](const RunRecord& r) { return uint64_t(r.lateWrites); }, nullptr,
          [](const RunRecord& r) { return r.lateWrites >= 0; }},
  };
  return t;
}

std::vector<const Statistic<SmmuStats>*> smmuTotalsTable() {
  std::vector<const Statistic<SmmuStats>*> t;
  for (const char* key : {"config_cache_hit_rate", "events_recorded"}) {
    const Statistic<SmmuStats>* st = findSmmuStatistic(key);
    if (!st) throw std::logic_error(std::string("no SMMU statistic ") + key);
    t.push_back(st);
  }
  return t;
}

// "PLACE  (UNIT)  MEANING", the meaning with `tail` after it.
template <class S>
std::string line(const std::string& prefix, const Statistic<S>& st, const std::string& tail) {
  return prefix + st.key + "  (" + st.unit + ")  " + st.doc + tail + "\n";
}
template <class S>
void appendLines(std::string& out, const std::string& prefix,
                 const std::vector<Statistic<S>>& table, uint8_t record,
                 const std::string& tail = "") {
  for (const auto& st : table)
    if (st.records & record) out += line(prefix, st, tail);
}

}  // namespace

const std::vector<Statistic<DeviceStats>>& deviceStatistics() {
  static const std::vector<Statistic<DeviceStats>> t = deviceTable();
  return t;
}

const std::vector<Statistic<RunRecord>>& runStatistics() {
  static const std::vector<Statistic<RunRecord>> t = runTable();
  return t;
}

const std::vector<const Statistic<SmmuStats>*>& smmuTotalsStatistics() {
  static const std::vector<const Statistic<SmmuStats>*> t = smmuTotalsTable();
  return t;
}

const Statistic<DeviceStats>* findDeviceStatistic(const std::string& key) {
  return findStatistic(deviceStatistics(), key);
}

std::string statisticsReference() {
  std::string out;
  appendLines(out, "totals.", deviceStatistics(), kTotalsRecord, ", every device's");
  for (const auto* st : smmuTotalsStatistics()) out += line("totals.", *st, ", every SMMU's");
  appendLines(out, "totals.", runStatistics(), 1);
  appendLines(out, "groups[].", deviceStatistics(), kGroupRecord, ", the group's devices'");
  appendLines(out, "smmus[].", smmuStatistics(), kSmmuRecord);
  appendLines(out, "smmus[].tbus[].", tbuStatistics(), 1);
  appendLines(out, "smmus[].tcu.", smmuStatistics(), kTcuRecord);
  appendLines(out, "devices[].", deviceStatistics(), kDeviceRecord);
  return out;
}

}  // namespace smmu::tb
