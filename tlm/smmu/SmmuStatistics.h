// The statistics of an SMMU's counters (SmmuStats), each declared once (smmu/Statistic.h): the
// keys of stats.json's `smmus[]` records and of their `tcu` record that come from SmmuStats. A
// counter both records show (walks, config_lookups ...) is one declaration with both record
// bits, so it has one name in both. The testbench (tb/Report.cpp) writes the records, the
// summary and `smmusim stats --reference` from this table; its own figures (table_bytes, faults
// by event, walkers, lookup and translation slots) stay with it.
//
// Adding a statistic is its counter in SmmuStats and one entry in smmuStatistics().
#pragma once
#include <vector>

#include "smmu/SmmuCore.h"
#include "smmu/Statistic.h"

namespace smmu {

// Which records hold a statistic (Statistic::records).
enum SmmuStatRecord : uint8_t {
  kSmmuRecord = 1,  // smmus[].KEY
  kTcuRecord = 2,   // smmus[].tcu.KEY
};

// Every statistic of SmmuStats, in the order of the `smmus[]` record, then the TCU's own.
const std::vector<Statistic<SmmuStats>>& smmuStatistics();
// The statistic of that key, or nullptr.
const Statistic<SmmuStats>* findSmmuStatistic(const std::string& key);

}  // namespace smmu
