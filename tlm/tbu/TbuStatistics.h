// The statistics of a TBU's counters (TbuStats), each declared once (smmu/Statistic.h): the keys
// of stats.json's `smmus[].tbus[]` records that come from TbuStats. The testbench writes the
// record, the summary's TBU lines and `smmusim stats --reference` from this table; the TBU's
// slot waits and its devices' latency stay with it.
//
// Adding a statistic is its counter in TbuStats and one entry in tbuStatistics().
#pragma once
#include <string>
#include <vector>

#include "smmu/Statistic.h"
#include "tbu/Tbu.h"

namespace smmu {

// Every statistic of TbuStats, in the order of the `smmus[].tbus[]` record.
const std::vector<Statistic<TbuStats>>& tbuStatistics();
// The statistic of that key, or nullptr.
const Statistic<TbuStats>* findTbuStatistic(const std::string& key);

}  // namespace smmu
