// Configuration of one SMMU instance: features (-> ID registers), cache sizes, timing.
// Every latency is a named parameter; the names are the ones used in scenarios and stats.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "arch/Features.h"
#include "arch/Types.h"
#include "smmu/KnobValue.h"
#include "smmu/WalkerArbiter.h"

namespace smmu {

struct SmmuTiming {
  Tick clockPeriodPs = 1000;        // clock_period_ps: SMMU clock (1 GHz)
  unsigned utlbLookupCycles = 1;    // utlb_lookup_cycles: per-port micro TLB lookup, hit or miss
  unsigned tlbLookupCycles = 2;     // tlb_lookup_cycles: TBU main TLB lookup, hit or miss
  unsigned walkerIssueCycles = 4;   // walker_issue_cycles: TBU->TCU request and walker dispatch
  unsigned configLookupCycles = 2;  // config_lookup_cycles: TCU config cache lookup
  unsigned walkCacheLookupCycles = 2;  // walk_cache_lookup_cycles: TCU walk cache lookup
  unsigned ipaCacheLookupCycles = 2;  // ipa_cache_lookup_cycles: TCU IPA cache lookup
  unsigned commandCycles = 8;       // command_cycles: consuming one command from the CMDQ
};

// One TBU of an SMMU (MMU-600/700: a TCU serves several TBUs over a DTI link): its name and the
// knobs it sets itself (keys of SmmuKnob::tbu knobs, in scenario order); every other TBU knob is
// the SMMU's. tbuConfig() (smmu/SmmuKnobs.h) gives the configuration it sees.
struct TbuSpec {
  std::string name;
  std::vector<std::pair<std::string, KnobValue>> knobs;
};

struct SmmuConfig {
  std::string name = "smmu0";
  uint64_t regBase = 0x2b400000;    // reg_base: register frame (2 x 64 KiB pages)
  SmmuFeatures features;

  // TBU: a micro TLB per device port in front of the shared main TLB.
  unsigned utlbEntries = 0;         // utlb_entries (0 = no micro TLB)
  unsigned utlbWays = 0;            // utlb_ways (0 = fully associative)
  std::string utlbPolicy = "lru";   // utlb_policy: lru, plru, fifo, random
  unsigned tlbEntries = 512;        // tlb_entries (main TLB)
  unsigned tlbWays = 4;             // tlb_ways (0 = fully associative)
  std::string tlbPolicy = "lru";    // tlb_policy
  unsigned tbuXlateSlots = 0;       // tbu_xlate_slots: translations in flight (0 = unlimited)
  // Lookup bandwidth of the shared caches: lookups in progress at once, each holding its slot
  // for the cache's lookup latency (so slots / cycles lookups start per cycle; a fully pipelined
  // cache has slots = lookup cycles). 0 = unlimited. A micro TLB serves its port alone.
  unsigned tlbLookupSlots = 0;      // tlb_lookup_slots: main TLB
  unsigned configLookupSlots = 0;   // config_lookup_slots: TCU config cache
  unsigned walkCacheLookupSlots = 0;  // walk_cache_lookup_slots: TCU walk caches (S1, S2-only)
  // The TBU-TCU link (DTI), each direction: a message takes one flit of dti::kFlitBytes, sent
  // at link_bytes_per_ns, and arrives link_latency_ns after it is sent.
  double linkBytesPerNs = 0;        // link_bytes_per_ns: TBU-TCU link bandwidth (0 = unlimited)
  double linkLatencyNs = 0;         // link_latency_ns: TBU-TCU link latency, each way
  // The TBUs (empty: one TBU, "tbu0", with the SMMU's TBU knobs).
  std::vector<TbuSpec> tbus;

  // TCU
  unsigned configCacheEntries = 64; // config_cache_entries
  unsigned configCacheWays = 4;     // config_cache_ways (0 = fully associative)
  std::string configCachePolicy = "lru";  // config_cache_policy
  // Walk caches of stage-1 table descriptors read at levels 0, 1, 2 (a hit at level L leaves
  // the reads below L). 0 entries = no walk cache at that level.
  std::array<unsigned, 3> walkCacheEntries{{0, 0, 0}};  // walk_cache_entries [L0, L1, L2]
  unsigned walkCacheWays = 4;       // walk_cache_ways (0 = fully associative)
  std::string walkCachePolicy = "lru";  // walk_cache_policy
  // Stage-2 walk caches of stage-2 table descriptors at levels 0, 1, 2 (S2L0..S2L2), used by
  // stage-2-only walks and by the stage-2 walks of nested translation when the IPA cache misses.
  std::array<unsigned, 3> s2WalkCacheEntries{{0, 0, 0}};  // s2_walk_cache_entries [L0, L1, L2]
  unsigned s2WalkCacheWays = 4;     // s2_walk_cache_ways (0 = fully associative)
  unsigned ptwSlots = 0;            // ptw_slots: table walks in parallel (0 = unlimited)
  // Which waiting miss a freed walker serves (smmu/WalkerArbiter.h): fifo, round_robin (by TBU
  // port), qos (highest transaction QoS first). Contention mode; LT mode serves in FIFO order.
  ArbitrationPolicy ptwArbitration = ArbitrationPolicy::Fifo;  // ptw_arbitration
  // Walk-prefix coalescing: a walk that needs a table another walk in flight is reading waits
  // for it instead of reading the same descriptors (page-level coalescing is always on).
  bool walkPrefixCoalescing = false;  // walk_prefix_coalescing
  // Contiguous hint: a TLB entry covers the leaf's whole contiguous span (16 x 4 KB ...).
  bool contiguousHint = true;       // contiguous_hint
  // IPA cache of stage-2 translations used by nested and stage-2 walks (0 = none).
  unsigned ipaCacheEntries = 0;     // ipa_cache_entries
  unsigned ipaCacheWays = 4;        // ipa_cache_ways (0 = fully associative)

  uint64_t seed = 1;                // seed of random replacement policies
  SmmuTiming timing;
};

}  // namespace smmu
