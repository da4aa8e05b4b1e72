// The testbench's statistics, each declared once (smmu/Statistic.h) like the model's
// (smmu/SmmuStatistics.h, tbu/TbuStatistics.h): the devices' counters (DeviceStats) that the
// `devices[]`, `groups[]` and `totals` records of stats.json show, the run's own figures in
// `totals`, and which SMMU statistics `totals` adds up over every SMMU. Report.cpp writes those
// keys, and the summary's labels, from these tables; statisticsReference() lists every declared
// statistic with its place in stats.json (`smmusim stats --reference`, docs/statistics.md).
#pragma once
#include <string>
#include <vector>

#include "Device.h"
#include "Report.h"
#include "smmu/Statistic.h"

namespace smmu::tb {

// Which records hold a device statistic (Statistic::records).
enum DeviceStatRecord : uint8_t {
  kDeviceRecord = 1,  // devices[].KEY
  kGroupRecord = 2,   // groups[].KEY: the group's devices added up
  kTotalsRecord = 4,  // totals.KEY: every device added up
};

// Every statistic of DeviceStats, in the order of the `devices[]` record.
const std::vector<Statistic<DeviceStats>>& deviceStatistics();
// The run's own figures in `totals` (RunRecord; some only when the run has them).
const std::vector<Statistic<RunRecord>>& runStatistics();
// The SMMU statistics (smmuStatistics()) that `totals` adds up over every SMMU, as
// statSum() does: counts summed, a rate as the sum of numerators over that of denominators.
const std::vector<const Statistic<SmmuStats>*>& smmuTotalsStatistics();
// The statistic of that key in deviceStatistics(), or nullptr.
const Statistic<DeviceStats>* findDeviceStatistic(const std::string& key);

// Every declared statistic, one line each: its place in stats.json, its unit and meaning
// ("smmus[].tbus[].link_requests  (requests)  translation requests sent ...").
std::string statisticsReference();

}  // namespace smmu::tb
