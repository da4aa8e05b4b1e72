// Configuration of one SMMU instance: features (-> ID registers), cache sizes, timing.
// Every latency is a named parameter; the names are the ones used in scenarios and stats.
#pragma once
#include <cstdint>
#include <string>

#include "arch/Features.h"
#include "arch/Types.h"

namespace smmu {

struct SmmuTiming {
  Tick clockPeriodPs = 1000;        // clock_period_ps: SMMU clock (1 GHz)
  unsigned tlbLookupCycles = 2;     // tlb_lookup_cycles: TBU TLB lookup, hit or miss
  unsigned walkerIssueCycles = 4;   // walker_issue_cycles: TBU->TCU request and walker dispatch
  unsigned configLookupCycles = 2;  // config_lookup_cycles: TCU config cache lookup
  unsigned commandCycles = 8;       // command_cycles: consuming one command from the CMDQ
  Tick tlbHit() const { return Tick(tlbLookupCycles) * clockPeriodPs; }
};

struct SmmuConfig {
  std::string name = "smmu0";
  uint64_t regBase = 0x2b400000;    // reg_base: register frame (2 x 64 KiB pages)
  SmmuFeatures features;
  unsigned tlbEntries = 512;        // tlb_entries
  unsigned tlbWays = 4;             // tlb_ways (0 = fully associative)
  unsigned configCacheEntries = 64; // config_cache_entries
  unsigned configCacheWays = 4;     // config_cache_ways (0 = fully associative)
  SmmuTiming timing;
};

}  // namespace smmu
