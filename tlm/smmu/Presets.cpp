#include "smmu/Presets.h"

#include <map>
#include <utility>

#include "smmu/SmmuKnobs.h"

namespace smmu {

namespace {

using Sources = std::vector<std::pair<std::string, std::string>>;

// Pairs every preset key with its value in `c` and its source. A key without a source gets
// "MISSING" and a source for a key that is not a preset key becomes an "INTERNAL" note: the
// tests reject both.
Preset make(std::string name, std::string summary, const SmmuConfig& c, const Sources& sources,
            std::vector<std::string> notes) {
  Preset p;
  p.name = std::move(name);
  p.summary = std::move(summary);
  p.config = c;
  p.notes = std::move(notes);
  std::map<std::string, std::string> src;
  for (const auto& [k, s] : sources) {
    if (!src.emplace(k, s).second) p.notes.push_back("INTERNAL: two sources for " + k);
  }
  for (const auto& key : presetKeys()) {
    auto it = src.find(key);
    p.values.push_back({key, presetValueText(c, key), it == src.end() ? "MISSING" : it->second});
    if (it != src.end()) src.erase(it);
  }
  for (const auto& [k, s] : src) p.notes.push_back("INTERNAL: source for unknown key " + k);
  return p;
}

// ---- default: SmmuConfig's defaults ---------------------------------------------------------
Preset defaultPreset() {
  const SmmuConfig c;
  Sources s;
  for (const auto& key : presetKeys())
    s.emplace_back(key, "model: SmmuConfig default (tlm/smmu/SmmuConfig.h)");
  return make("default", "the model's own defaults (SmmuConfig); no micro TLB, no walk cache", c,
              s, {});
}

// ---- gem5-default: gem5's SMMUv3 model defaults -------------------------------------------
// PRESETS.md §5: gem5/gem5 src/dev/arm/SMMUv3.py @ c91af552 (= v24.0.0.1); "l." = line there.
Preset gem5Default() {
  SmmuConfig c;
  c.features.oasBits = 48;
  c.features.gran4k = true;
  c.features.gran16k = false;
  c.features.gran64k = true;
  c.features.httu = 0;
  c.features.ats = false;
  c.features.pri = false;
  c.features.s1p = true;
  c.features.s2p = true;
  c.features.stLevel2 = true;
  c.utlbEntries = 32;
  c.utlbWays = 0;
  c.utlbPolicy = "fifo";
  c.tlbEntries = 2048;
  c.tlbWays = 4;
  c.tlbPolicy = "fifo";
  c.tbuXlateSlots = 16;
  c.tlbLookupSlots = 3;
  c.configLookupSlots = 3;
  c.walkCacheLookupSlots = 4;
  c.configCacheEntries = 64;
  c.configCacheWays = 4;
  c.configCachePolicy = "fifo";
  c.walkCacheEntries = {{4, 28, 348}};
  c.walkCacheWays = 0;
  c.walkCachePolicy = "fifo";
  c.ptwSlots = 16;
  c.ipaCacheEntries = 0;
  c.ipaCacheWays = 4;
  c.s2WalkCacheEntries = {{4, 28, 92}};
  c.s2WalkCacheWays = 0;
  c.walkPrefixCoalescing = false;
  c.contiguousHint = true;
  c.seed = 1;
  c.timing.clockPeriodPs = 1000;
  c.timing.utlbLookupCycles = 1;
  c.timing.tlbLookupCycles = 3;
  c.timing.walkerIssueCycles = 8;
  c.timing.configLookupCycles = 3;
  c.timing.walkCacheLookupCycles = 4;
  c.timing.ipaCacheLookupCycles = 3;
  c.timing.commandCycles = SmmuTiming{}.commandCycles;
  const std::string rr =
      "; gem5 \"rr\" mapped to fifo (choice): gem5 keeps one victim counter per cache, advanced on "
      "each replacement in a full set (smmu_v3_caches.cc pickEntryIdxToReplace), our fifo keeps "
      "the fill order per set";
  const Sources s = {
      {"oas_bits", "gem5: smmu_idr5 = 0x55, OAS = 0b101 = 48 bits (l.187-190)"},
      {"sid_bits",
       "choice: model default; gem5 smmu_idr1 = 0x00E00000 leaves SIDSIZE = 0 (l.179-181), one "
       "StreamID, too few for a scenario's devices"},
      {"ssid_bits", "choice: model default; gem5 smmu_idr1 has SSIDSIZE = 0 (l.179-181)"},
      {"granules", "gem5: smmu_idr5 = 0x55, GRAN4K and GRAN64K, no GRAN16K (l.187-190)"},
      {"httu", "gem5: smmu_idr0 = 0x094C100F, HTTU = 0 (l.164-177)"},
      {"ats", "gem5: smmu_idr0, ATS = 0 (l.164-177)"},
      {"pri", "gem5: smmu_idr0, PRI = 0 (l.164-177)"},
      {"stage1", "gem5: smmu_idr0 = 0x094C100F, S1P = 1 (l.164-177)"},
      {"stage2", "gem5: smmu_idr0 = 0x094C100F, S2P = 1 (l.164-177)"},
      {"utlb_entries", "gem5: SMMUv3DeviceInterface utlb_entries = 32 (l.67)"},
      {"utlb_ways", "gem5: utlb_assoc = 0, fully associative (l.68)"},
      {"utlb_policy", "gem5: utlb_policy = \"rr\" (l.69)" + rr},
      {"tlb_entries", "gem5: DeviceInterface main TLB tlb_entries = 2048 (l.74)"},
      {"tlb_ways", "gem5: DeviceInterface tlb_assoc = 4 (l.75)"},
      {"tlb_policy", "gem5: DeviceInterface tlb_policy = \"rr\" (l.76)" + rr},
      {"tbu_xlate_slots", "gem5: DeviceInterface xlate_slots = 16 (l.65)"},
      {"tlb_lookup_slots", "gem5: DeviceInterface tlb_slots = 3 (l.79): main TLB lookups at once"},
      {"config_lookup_slots", "gem5: cfg_slots = 3 (l.131)"},
      {"walk_cache_lookup_slots", "gem5: walk_slots = 4 (l.162)"},
      {"link_bytes_per_ns",
       "choice: unlimited (gem5 has no link between its device interfaces and the SMMU beyond "
       "their port queues)"},
      {"link_latency_ns", "choice: 0; gem5's ifc_smmu_lat hop is walker_issue_cycles (l.108), and a link "
       "latency each way would count it twice"},
      {"config_cache_entries", "gem5: cfg_entries = 64 (l.126)"},
      {"config_cache_ways", "gem5: cfg_assoc = 4 (l.127)"},
      {"config_cache_policy", "gem5: cfg_policy = \"rr\" (l.128)" + rr},
      {"walk_cache_entries",
       "gem5: walk_S1L0, walk_S1L1, walk_S1L2 = 4, 28, 348 (l.140-142); gem5's walk_S1L3 = 4 "
       "(level-3 leaf entries) has no counterpart; stage 2: s2_walk_cache_entries"},
      {"walk_cache_ways",
       "choice: 0 (fully associative); gem5 walk_assoc = 4 (l.148) gives 1, 7 and 87 sets, "
       "indexed modulo the set count, but our caches need a power-of-two set count, so the "
       "entry counts are kept and the associativity is not"},
      {"walk_cache_policy", "gem5: walk_policy = \"rr\" (l.149)" + rr},
      {"ptw_slots", "gem5: SMMUv3 ptw_slots = 16 (l.113)"},
      {"ptw_arbitration",
       "UNVERIFIED: choice fifo; gem5 grants its ptw semaphore to waiting translation processes "
       "in its own order (not checked)"},
      {"ipa_cache_entries",
       "gem5: ipa_enable = False (l.136), so no IPA cache: 0 chosen; gem5's ipa_entries = 128 "
       "(l.133) applies only when enabled (set ipa_cache_entries: 128 to model that)"},
      {"ipa_cache_ways", "gem5: ipa_assoc = 4 (l.134); unused while ipa_cache_entries is 0"},
      {"s2_walk_cache_entries",
       "gem5: walk_S2L0, walk_S2L1, walk_S2L2 = 4, 28, 92 (l.144-146); walk_S2L3 = 4 (leaf "
       "entries) has no counterpart"},
      {"s2_walk_cache_ways", "choice: 0 (fully associative), as walk_cache_ways"},
      {"walk_prefix_coalescing",
       "gem5: only translations of the same (SID, SSID, 4 KiB page) wait for each other "
       "(smmu_v3_transl.hh hazard4kCheck); no walk-prefix merging"},
      {"contiguous_hint",
       "gem5: smmu_v3_ptops.cc pageMask() widens a leaf with bit 52 (4 KB L3: 64 KB; 16 KB L2/L3; "
       "64 KB L3); the model applies the architecture's spans at every level"},
      {"seed", "choice: model default (gem5 seeds its caches with fixed constants)"},
      {"clock_period_ps",
       "choice: model default 1 GHz (gem5's SMMU takes its clock domain's period; SMMUv3.py sets "
       "none)"},
      {"utlb_lookup_cycles", "gem5: utlb_lat = 1 (l.71)"},
      {"tlb_lookup_cycles", "gem5: DeviceInterface tlb_lat = 3 (l.78)"},
      {"walker_issue_cycles", "gem5: ifc_smmu_lat = 8, interface -> SMMU hop (l.108)"},
      {"config_lookup_cycles", "gem5: cfg_lat = 3 (l.130)"},
      {"walk_cache_lookup_cycles", "gem5: walk_lat = 4 (l.161)"},
      {"ipa_cache_lookup_cycles", "gem5: ipa_lat = 3 (l.137)"},
      {"command_cycles", "choice: model default (SMMUv3.py has no per-command cost)"},
      {"stream_table", "gem5: smmu_idr0, ST_LEVEL = 0b01, 2-level supported (l.164-177)"},
  };
  return make(
      "gem5-default", "the defaults of gem5's SMMUv3 model (src/dev/arm/SMMUv3.py)", c, s,
      {"SMMUv3 xlate_slots = 64 (l.112): translations the SMMU (TCU) accepts at once; the model "
       "has no such bound besides tbu_xlate_slots and ptw_slots",
       "smmu_ifc_lat = 8 (l.109), the SMMU -> interface return hop: no counterpart (the model "
       "charges walker_issue_cycles once per miss; link_latency_ns would add it both ways)",
       "utlb_slots 1 (l.72): a micro TLB serves its port alone in the model (no lookup bound)",
       "SMMU-level TLB (tlb_enable False, l.122): off in gem5 and not modelled",
       "ipa_policy \"rr\" (l.135) and ipa_slots 3 (l.138): the model's IPA cache is LRU and has "
       "no lookup-slot bound",
       "walk_S2L3 = 4 (l.147): stage-2 leaf entries; the model's IPA cache holds those "
       "(disabled here, as gem5's ipa_enable)",
       "prefetch_enable False (l.81), wc_nonfinal_enable False (l.151-153): nothing to map",
       "smmu_idr0 COHACC = 0 and MSI = 0, smmu_idr1 CMDQS = 7 (128 commands), EVENTQS = 0: not "
       "scenario keys; the model keeps its own (COHACC 1, MSI 1, 256 commands, 128 events)",
       "gem5 walks go through the memory system: the scenario's memory.latency_ns applies"});
}

// ---- mmu500-like: Arm CoreLink MMU-500 (SMMUv2) capacities on this SMMUv3 model -------------
// PRESETS.md §3 (Agilex 7) and §4 ([A500] = MMU-500 TRM DDI0517).
Preset mmu500Like() {
  SmmuConfig c;
  c.features.oasBits = 48;
  c.features.sidBits = 16;
  c.features.ssidBits = 0;
  c.features.gran4k = true;
  c.features.gran16k = false;
  c.features.gran64k = true;
  c.features.httu = 0;
  c.features.ats = false;
  c.features.pri = false;
  c.features.s1p = true;
  c.features.s2p = true;
  c.features.stLevel2 = true;
  c.utlbEntries = 32;
  c.utlbWays = 0;
  c.utlbPolicy = "lru";
  c.tlbEntries = 512;
  c.tlbWays = 4;
  c.tlbPolicy = "lru";
  c.tbuXlateSlots = 256;
  c.tlbLookupSlots = 0;
  c.configLookupSlots = 0;
  c.walkCacheLookupSlots = 0;
  c.configCacheEntries = 32;
  c.configCacheWays = 0;
  c.configCachePolicy = "lru";
  c.walkCacheEntries = {{4, 16, 64}};
  c.walkCacheWays = 4;
  c.walkCachePolicy = "lru";
  c.ptwSlots = 8;
  c.ipaCacheEntries = 64;
  c.ipaCacheWays = 4;
  c.s2WalkCacheEntries = {{0, 0, 0}};
  c.s2WalkCacheWays = 4;
  c.walkPrefixCoalescing = false;
  c.contiguousHint = true;
  c.seed = 1;
  c.timing.clockPeriodPs = 1000;
  c.timing.utlbLookupCycles = 2;
  c.timing.tlbLookupCycles = 2;
  c.timing.walkerIssueCycles = 4;
  c.timing.configLookupCycles = 2;
  c.timing.walkCacheLookupCycles = 2;
  c.timing.ipaCacheLookupCycles = 2;
  c.timing.commandCycles = 8;
  const Sources s = {
      {"oas_bits", "SPEC [A500] ddi0517/a §2.3.5: 49-bit VA in, 48-bit PA out"},
      {"sid_bits", "choice: model default (the MMU-500 StreamID width is not in PRESETS.md)"},
      {"ssid_bits", "choice: 0, SMMUv2 has no SubstreamID"},
      {"granules", "SPEC [A500] ddi0517/a §2.3.5, §1.3: no 16 KB granule"},
      {"httu", "choice: none, as PRESETS.md §8 (row mmu500-like: HTTU no)"},
      {"ats", "choice: false, SMMUv2 has no ATS"},
      {"pri", "choice: false, SMMUv2 has no PRI"},
      {"stage1", "SPEC [A500] ddi0517/a §2.3.5: stage-1 translation of a 49-bit VA"},
      {"stage2",
       "SPEC [A500] ddi0517/b §2.4.5: an IPA->PA cache of stage-2 translations; INST Zynq "
       "UltraScale+ (MMU-500) has the stage-2 TLBIIPAS2L registers (PRESETS.md §3)"},
      {"utlb_entries",
       "INST [AGX7] §2.2.4: 32-entry micro TLB in the Agilex 7 TBUs (128 in the FPGA TBU)"},
      {"utlb_ways", "choice: fully associative (not published)"},
      {"utlb_policy", "choice: model default (not published)"},
      {"tlb_entries",
       "INST [AGX7] §2.2.4: 512-entry macro TLB (\"in the TCU\", as Intel words it); modelled as "
       "the main TLB"},
      {"tlb_ways", "choice: model default (not published)"},
      {"tlb_policy", "choice: model default (not published)"},
      {"tbu_xlate_slots",
       "SPEC [A500] ddi0517/a §2.3.5: 128 reads + 128 writes outstanding per TBU; mapping "
       "(choice): their sum bounds the translations in flight"},
      {"tlb_lookup_slots", "choice: unlimited (MMU-500 lookup bandwidth is not published)"},
      {"config_lookup_slots", "choice: unlimited (not published)"},
      {"walk_cache_lookup_slots", "choice: unlimited (not published)"},
      {"link_bytes_per_ns",
       "choice: unlimited (MMU-500's TBU-TCU interconnect is not published; it is not DTI)"},
      {"link_latency_ns", "choice: 0 (not published); the hop is walker_issue_cycles"},
      {"config_cache_entries",
       "INST [AGX7] §2.2.4, §5.5: 32 context banks; mapping (choice): SMMUv2 holds contexts in "
       "context-bank registers, modelled as a config cache of that many entries"},
      {"config_cache_ways", "choice: fully associative (any stream may use any context bank)"},
      {"config_cache_policy", "choice: model default"},
      {"walk_cache_entries",
       "UNVERIFIED: the MMU-500 has a PTW cache (sharing RAMs with the 4-way IPA->PA cache, [A500] "
       "ddi0517/b §2.4.5) whose size is not published; sizes chosen"},
      {"walk_cache_ways", "choice: 4, as the IPA->PA cache it shares RAMs with ([A500] §2.4.5)"},
      {"walk_cache_policy", "choice: model default"},
      {"ptw_slots",
       "SPEC [A500] ddi0517/a §2.3.5: at most 8 parallel PTWs per TBU (one TBU modelled)"},
      {"ptw_arbitration", "UNVERIFIED: choice fifo (walker arbitration is not published)"},
      {"ipa_cache_entries",
       "UNVERIFIED: the MMU-500's IPA->PA cache ([A500] ddi0517/b §2.4.5) has no published size; "
       "64 chosen"},
      {"ipa_cache_ways", "SPEC [A500] ddi0517/b §2.4.5: the IPA->PA cache is 4-way"},
      {"s2_walk_cache_entries",
       "UNVERIFIED: choice; the MMU-500 PTW cache's split between stages is not published: stage "
       "2 is cached by the IPA->PA cache only"},
      {"s2_walk_cache_ways", "choice: model default (unused)"},
      {"walk_prefix_coalescing", "UNVERIFIED: choice; not published for the MMU-500"},
      {"contiguous_hint", "UNVERIFIED: choice; not published for the MMU-500"},
      {"seed", "choice: model default"},
      {"clock_period_ps", "UNVERIFIED: no SoC's SMMU clock found (PRESETS.md §3); model default"},
      {"utlb_lookup_cycles",
       "SPEC [A500] ddi0517/c §2.1: best-case TBU TLB hit 2 clocks without TBU address register "
       "slices (3 with)"},
      {"tlb_lookup_cycles", "choice: model default (macro TLB latency not published)"},
      {"walker_issue_cycles", "choice: model default (not published)"},
      {"config_lookup_cycles", "choice: model default (not published)"},
      {"walk_cache_lookup_cycles", "choice: model default (not published)"},
      {"ipa_cache_lookup_cycles", "choice: model default (not published)"},
      {"command_cycles", "choice: model default (not published)"},
      {"stream_table",
       "choice: model default; SMMUv2 matches streams in registers (no stream table)"},
  };
  return make(
      "mmu500-like", "Arm MMU-500 (SMMUv2, as in Agilex 7) capacities on the SMMUv3 model", c, s,
      {"the MMU-500 is an SMMUv2: the host still programs it as an SMMUv3 (stream table, CDs, "
       "command queue); only capacities and latencies follow the MMU-500",
       "up to 32 TBUs and 128 contexts ([A500] §1.3), 5 TBUs in Agilex 7 ([AGX7] §5.5): the "
       "model has one TBU per SMMU",
       "PTW QoS (FCFS within a QoS level, [A500] §2.3.5) and the half-clock TCU option ([A500] "
       "DDI0517C §2.2.1): not modelled"});
}

// ---- mmu600-like: Arm CoreLink MMU-600 as configured in Intel Agilex 5 -----------------------
// PRESETS.md §2 ([A600], [A600AE]) and §3 ([AGX5] = Agilex 5 HPS TRM 814346, ES register map).
Preset mmu600Like() {
  SmmuConfig c;
  c.features.oasBits = 48;
  c.features.sidBits = 24;
  c.features.ssidBits = 20;
  c.features.gran4k = true;
  c.features.gran16k = true;
  c.features.gran64k = true;
  c.features.httu = 0;
  c.features.ats = true;
  c.features.pri = true;
  c.features.s1p = true;
  c.features.s2p = true;
  c.features.stLevel2 = true;
  c.utlbEntries = 32;
  c.utlbWays = 0;
  c.utlbPolicy = "plru";
  c.tlbEntries = 256;
  c.tlbWays = 4;
  c.tlbPolicy = "random";
  c.tbuXlateSlots = 64;
  c.linkBytesPerNs = 20;
  c.tlbLookupSlots = 0;
  c.configLookupSlots = 0;
  c.walkCacheLookupSlots = 0;
  c.configCacheEntries = 256;
  c.configCacheWays = 4;
  c.configCachePolicy = "lru";
  c.walkCacheEntries = {{256, 256, 256}};
  c.walkCacheWays = 4;
  c.walkCachePolicy = "fifo";
  c.ptwSlots = 16;
  c.ipaCacheEntries = 256;
  c.ipaCacheWays = 4;
  c.s2WalkCacheEntries = {{256, 256, 256}};
  c.s2WalkCacheWays = 4;
  c.walkPrefixCoalescing = true;
  c.contiguousHint = true;
  c.seed = 1;
  c.timing = SmmuTiming{};
  const Sources s = {
      {"oas_bits",
       "INST (conflicting): Agilex 5 ES register map SMMU_IDR5 reset 0x00400075 gives OAS 48 "
       "bits, TRM v25.3 sup_oas = 3'b010 gives 40 bits; 48 chosen (also [A600] T2-18: 48-bit PA)"},
      {"sid_bits",
       "INST Agilex 5 SMMU_IDR1 reset 0x0E739D18: SIDSIZE 24; SPEC [A600] §2.4.1 T2-18: SID 24 b"},
      {"ssid_bits", "INST Agilex 5 SMMU_IDR1 reset 0x0E739D18: SSIDSIZE 20"},
      {"granules", "INST Agilex 5 SMMU_IDR5 reset 0x00400075: GRAN4K, GRAN16K, GRAN64K"},
      {"httu",
       "SPEC [A600] §2.4.1 T2-18, [A600AE] §2.11.1 T2-16: IDR0.HTTU = 0b00; INST Agilex 5 "
       "SMMU_IDR0 reset 0x080F7E3F"},
      {"ats", "SPEC [A600] T2-18: ATS = 1; INST Agilex 5 SMMU_IDR0 reset 0x080F7E3F"},
      {"pri", "SPEC [A600] T2-18: PRI = 1; INST Agilex 5 SMMU_IDR0 reset 0x080F7E3F"},
      {"stage1", "INST Agilex 5 SMMU_IDR0 reset 0x080F7E3F: S1P = 1"},
      {"stage2",
       "INST Agilex 5 SMMU_IDR0 reset 0x080F7E3F: S2P = 1; SPEC [A600AE] §2.2: S2L0..S2L3 walk "
       "caches"},
      {"utlb_entries",
       "UNVERIFIED: guess; the Agilex 5 TBU uTLB depth row is not retrievable ([AGX5] "
       "§4.3.4.4.2)"},
      {"utlb_ways", "SPEC [A600AE] §2.1: the micro TLB is fully associative"},
      {"utlb_policy",
       "INST [AGX5] §4.3.5.2 Table 94/96: utlb_roundrobin = 0 -> PLRU; SPEC [A600AE] §2.1 (PLRU or "
       "round robin by tie-off)"},
      {"tlb_entries",
       "UNVERIFIED: guess; the Agilex 5 TBU MTLB depth row is not retrievable ([AGX5] "
       "§4.3.4.4.2)"},
      {"tlb_ways", "SPEC [A600AE] §2.1: main TLB 4-way set associative (mtlbway 2 bits, T2-1)"},
      {"tlb_policy", "SPEC [A600AE] §2.1: main TLB random replacement"},
      {"tbu_xlate_slots",
       "INST [AGX5] §4.3.4.4.1: TCUCFG_XLATE_SLOTS = 64 (= SMMU_IDR5.STALL_MAX 0x40); mapping "
       "(choice): the TCU's bound on translations from all TBUs, used as the model's TBU bound"},
      {"tlb_lookup_slots",
       "choice: unlimited; SPEC [A600AE] §2.1 says the main TLB is pipelined, 1 lookup per cycle, "
       "which tlb_lookup_slots = tlb_lookup_cycles models"},
      {"config_lookup_slots", "choice: unlimited (not published)"},
      {"walk_cache_lookup_slots", "choice: unlimited (not published)"},
      {"link_bytes_per_ns",
       "SPEC [A600AE] §2.3: DTI sizer widths 1/4/10/20 bytes; 20 bytes (160 bits) per cycle of "
       "clock_period_ps picked"},
      {"link_latency_ns", "UNVERIFIED: not published; 0, the hop is walker_issue_cycles"},
      {"config_cache_entries", "INST [AGX5] §4.3.4.4.1 Table 88/90: config cache 256 entries"},
      {"config_cache_ways", "SPEC [A600AE] §2.2: config cache 4-way set associative"},
      {"config_cache_policy", "choice: model default (replacement not published)"},
      {"walk_cache_entries",
       "INST [AGX5] §4.3.4.4.1 Table 88/90: 256 entries in each of S1L0..S2L3; S1L0..S1L2 used "
       "(S1L3 holds leaves: no counterpart); stage 2: s2_walk_cache_entries"},
      {"walk_cache_ways", "SPEC [A600AE] §2.2: separate 4-way walk caches per level"},
      {"walk_cache_policy",
       "SPEC [A600AE] §2.2.3: round-robin replacement, mapped to fifo (choice)"},
      {"ptw_slots",
       "UNVERIFIED: guess; the Agilex 5 TCUCFG_PTW_SLOTS value is cut off ([AGX5] §4.3.4.4.1)"},
      {"ptw_arbitration",
       "UNVERIFIED: choice fifo; the MMU-600 TCU's arbitration between translation requests is "
       "not published"},
      {"ipa_cache_entries",
       "UNVERIFIED: choice; the MMU-600 caches stage 2 in its S2L0..S2L3 walk caches ([A600AE] "
       "§2.2), not in an IPA cache; sized as one Agilex 5 stage-2 level, 256 ([AGX5] Table 88/90)"},
      {"ipa_cache_ways", "UNVERIFIED: choice; 4, as the MMU-600's walk caches ([A600AE] §2.2)"},
      {"s2_walk_cache_entries",
       "INST [AGX5] §4.3.4.4.1 Table 88/90: 256 entries in each of S1L0..S2L3; S2L0..S2L2 used "
       "(S2L3 holds leaves: no counterpart)"},
      {"s2_walk_cache_ways", "SPEC [A600AE] §2.2: separate 4-way walk caches per level"},
      {"walk_prefix_coalescing",
       "UNVERIFIED: choice; the MMU-600 TCU's merging of walks in flight is not published"},
      {"contiguous_hint", "UNVERIFIED: choice; not published for the MMU-600"},
      {"seed", "choice: model default"},
      {"clock_period_ps",
       "UNVERIFIED: the Agilex 5 SMMU clock is not found (PRESETS.md §3); model default"},
      {"utlb_lookup_cycles", "choice: model default (MMU-600 latencies are not published)"},
      {"tlb_lookup_cycles",
       "choice: model default (not published; MMU-500 TBU hit is 2-3 clocks, [A500] §2.1)"},
      {"walker_issue_cycles", "choice: model default (not published)"},
      {"config_lookup_cycles", "choice: model default (not published)"},
      {"walk_cache_lookup_cycles", "choice: model default (not published)"},
      {"ipa_cache_lookup_cycles", "choice: model default (not published)"},
      {"command_cycles", "choice: model default (not published)"},
      {"stream_table", "INST Agilex 5 SMMU_IDR0 reset 0x080F7E3F: ST_LEVEL = 0b01 (2-level)"},
  };
  return make(
      "mmu600-like", "Arm MMU-600 r2p2 as Intel Agilex 5 configures it", c, s,
      {"Agilex 5 SMMU_IDR0 0x080F7E3F also gives BTM 1, COHACC 1, STALL_MODEL 0b00 and SMMU_IDR1 "
       "queues of 2^19 entries: not scenario keys; the model keeps its own (BTM 0, COHACC 1, "
       "STALL_MODEL 0b01, 256/128/128 entries)",
       "stage-2 walk caches S2L0..S2L3 (256 entries each in Agilex 5): no counterpart; the model "
       "caches whole stage-2 translations in its IPA cache",
       "TCUCFG_NUM_TBU 14, 6 TBUs used ([AGX5] §4.3.4.1): the model has one TBU per SMMU",
       "max_tok_trans 255 (256 DTI translation tokens per TBU, [AGX5] §4.3.5.2): no counterpart",
       "TCU outstanding reads <= PTW_SLOTS + 2, 1 write ([A600AE] §2.2.2): not modelled",
       "TCU prefetch (STE bits[121:120], [A600AE] §2.2.3): not modelled",
       "main TLB lookups per live page size ([A600AE] §2.1): not modelled"});
}

// ---- mmu700-server: Arm CoreLink MMU-700, picks from the TRM's ranges for a server ----------
// PRESETS.md §1 ([A700] = MMU-700 TRM r1p2 101542_0102_09) and §8 (candidate ranges).
Preset mmu700Server() {
  SmmuConfig c;
  c.features.oasBits = 48;
  c.features.sidBits = 32;
  c.features.ssidBits = 20;
  c.features.gran4k = true;
  c.features.gran16k = true;
  c.features.gran64k = true;
  c.features.httu = 2;
  c.features.ats = true;
  c.features.pri = true;
  c.features.s1p = true;
  c.features.s2p = true;
  c.features.stLevel2 = true;
  c.utlbEntries = 64;
  c.utlbWays = 0;
  c.utlbPolicy = "plru";
  c.tlbEntries = 4096;
  c.tlbWays = 4;
  c.tlbPolicy = "random";
  c.tbuXlateSlots = 64;
  c.linkBytesPerNs = 20;
  c.tlbLookupSlots = 8;
  c.configLookupSlots = 0;
  c.walkCacheLookupSlots = 8;
  c.configCacheEntries = 1024;
  c.configCacheWays = 4;
  c.configCachePolicy = "lru";
  c.walkCacheEntries = {{256, 1024, 8192}};
  c.walkCacheWays = 8;
  c.walkCachePolicy = "fifo";
  c.ptwSlots = 64;
  c.ipaCacheEntries = 1024;
  c.ipaCacheWays = 8;
  c.s2WalkCacheEntries = {{256, 1024, 8192}};
  c.s2WalkCacheWays = 8;
  c.walkPrefixCoalescing = true;
  c.contiguousHint = true;
  c.seed = 1;
  c.timing = SmmuTiming{};
  const Sources s = {
      {"oas_bits", "choice: model default (the MMU-700 OAS is not in PRESETS.md)"},
      {"sid_bits", "SPEC [A700] §2.3.1.1 T2-19: SID 32 bits"},
      {"ssid_bits", "SPEC [A700] T2-19: SSID 20 bits"},
      {"granules", "SPEC [A700] T2-19: 4K, 16K, 64K granules"},
      {"httu",
       "SPEC [A700] T2-19: IDR0.HTTU = {sup_httu, 0}, A+D update iff sup_httu is tied HIGH; "
       "chosen HIGH, as SBSA rule S_L6SM_02 requires A+D of server SMMUs"},
      {"ats", "SPEC [A700] §1.2, T2-19: ATS = 1"},
      {"pri", "SPEC [A700] §1.2, T2-19: PRI = 1"},
      {"stage1",
       "SPEC (SW) Linux arm_smmu_device_iidr_probe: the MMU-700 nesting errata imply S1P = 1 "
       "(see stage2)"},
      {"stage2",
       "SPEC (SW) Linux arm-smmu-v3.c arm_smmu_device_iidr_probe: errata 2268618/2812531 clear "
       "ARM_SMMU_FEAT_NESTING (S1P and S2P) on the MMU-700, so it implements stage 2 (PRESETS.md "
       "§2)"},
      {"utlb_entries",
       "RANGE [A700] §2.4.5 T2-32: TBUCFG_UTLB_DEPTH 4, 8, 12, 16, 32 or 64; pick (PRESETS.md "
       "§8: 32-64)"},
      {"utlb_ways", "choice: fully associative (as the MMU-600's, [A600AE] §2.1)"},
      {"utlb_policy",
       "SPEC [A700] App. A.2.10/A.2.12 T A-29: PLRU or round robin by the utlb_roundrobin "
       "tie-off; PLRU picked"},
      {"tlb_entries",
       "RANGE [A700] §2.4.5 T2-32: TBUCFG_MTLB_DEPTH 0, 32..65536; pick (PRESETS.md §8: "
       "2048-8192)"},
      {"tlb_ways", "RANGE [A700] §2.4.4-2.4.5: TBUCFG_MTLB_WAYS 4/8/16; pick"},
      {"tlb_policy",
       "choice: random, as the MMU-600's main TLB ([A600AE] §2.1); the MMU-700's is not published"},
      {"tbu_xlate_slots",
       "RANGE [A700] §2.4.5 T2-32: TBUCFG_XLATE_SLOTS 2..512; pick (PRESETS.md §8: 32-64)"},
      {"tlb_lookup_slots",
       "RANGE [A700] §2.4.5 T2-32: TBUCFG_MTLB_LKP_SLOTS 2..28 (<= XLATE_SLOTS); 8 picked "
       "(UNVERIFIED mapping: main-TLB lookups in progress at once)"},
      {"config_lookup_slots", "choice: unlimited (not published)"},
      {"walk_cache_lookup_slots",
       "RANGE [A700] §2.4.2 T2-28: TCUCFG_WC_LKP_SLOTS 2..28; 8 picked (UNVERIFIED mapping: "
       "walk-cache lookups in progress at once)"},
      {"link_bytes_per_ns",
       "SPEC [A700] §2.1.3, App. A.4.1: DTI over AXI5-Stream, payload up to 160 bits; 160 bits "
       "per cycle of clock_period_ps picked"},
      {"link_latency_ns", "UNVERIFIED: not published; 0, the hop is walker_issue_cycles"},
      {"config_cache_entries",
       "RANGE [A700] §2.4.2 T2-28: TCUCFG_CC_DEPTH 4..4096; pick (PRESETS.md §8: 256-1024)"},
      {"config_cache_ways",
       "choice: 4, as the MMU-600's ([A600AE] §2.2); the MMU-700's is not in PRESETS.md"},
      {"config_cache_policy", "choice: model default (not published)"},
      {"walk_cache_entries",
       "RANGE [A700] §2.4.2 T2-28: one unified walk cache TCUCFG_WC_DEPTH 8, 64..65536 with "
       "per-level caps (TCU_WC_SxLy_CMAX, §3.7.8); pick of 9472 in all (PRESETS.md §8: 8K-16K), "
       "split per level by choice"},
      {"walk_cache_ways", "RANGE [A700] §2.4.2 T2-28: TCUCFG_WC_WAYS 4/8/16; pick"},
      {"walk_cache_policy",
       "choice: fifo (round robin, as the MMU-600's walk caches, [A600AE] §2.2.3); not published"},
      {"ptw_slots",
       "RANGE [A700] §2.4.2 T2-28: TCUCFG_PTW_SLOTS 2..512; pick (PRESETS.md §8: 64)"},
      {"ptw_arbitration",
       "UNVERIFIED: choice fifo; the MMU-700 TCU's arbitration between translation requests is "
       "not published"},
      {"ipa_cache_entries",
       "UNVERIFIED: choice; the MMU-700 keeps stage-2 entries in its unified walk cache ([A700] "
       "T2-28), no IPA cache size is published; 1024 chosen"},
      {"ipa_cache_ways", "UNVERIFIED: choice; 8, as walk_cache_ways"},
      {"s2_walk_cache_entries",
       "UNVERIFIED: choice; sized as this preset's stage-1 walk caches (PRESETS.md has no MMU-700 "
       "stage-2 walk-cache sizes)"},
      {"s2_walk_cache_ways", "UNVERIFIED: choice; as walk_cache_ways"},
      {"walk_prefix_coalescing",
       "UNVERIFIED: choice; the MMU-700 TCU's merging of walks in flight is not published"},
      {"contiguous_hint", "UNVERIFIED: choice; not published for the MMU-700"},
      {"seed", "choice: model default"},
      {"clock_period_ps", "UNVERIFIED: no MMU-700 clock found; model default"},
      {"utlb_lookup_cycles",
       "UNVERIFIED: TBU hit latency not published in the TRM (PRESETS.md §1); model default"},
      {"tlb_lookup_cycles",
       "UNVERIFIED: TBU hit latency not published in the TRM (PRESETS.md §1); model default"},
      {"walker_issue_cycles", "choice: model default (not published)"},
      {"config_lookup_cycles", "choice: model default (not published)"},
      {"walk_cache_lookup_cycles", "choice: model default (not published)"},
      {"ipa_cache_lookup_cycles", "choice: model default (not published)"},
      {"command_cycles", "choice: model default (not published)"},
      {"stream_table", "choice: model default (2-level, what Linux uses when offered)"},
  };
  return make(
      "mmu700-server", "Arm MMU-700 (SMMUv3.2) sized for a server: picks from the TRM's ranges",
      c, s,
      {"TCUCFG_XLATE_SLOTS (4..4096, >= PTW_SLOTS; PRESETS.md §8 pick 256): translations the TCU "
       "accepts from all TBUs; no counterpart besides tbu_xlate_slots and ptw_slots",
       "hazard lists, TCUCFG_CTW_SLOTS, MTLB banks/parts: not modelled",
       "queues of 2^19 entries, VAX 52 bits (T2-19): not scenario keys; the model keeps its own",
       "HTTU writes go out on the table-walk port with AWID = the PTW slot ([A700] §2.1.1.1 "
       "T2-2): the port and IDs are not modelled"});
}

}  // namespace

const std::vector<std::string>& presetKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const auto& knob : smmuKnobs())
      if (knob.preset) k.push_back(knob.key);
    return k;
  }();
  return keys;
}

std::string presetValueText(const SmmuConfig& c, const std::string& key) {
  const SmmuKnob* k = findKnob(key);
  return k && k->preset ? knobText(*k, c) : std::string();
}

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = {defaultPreset(), gem5Default(), mmu500Like(),
                                          mmu600Like(), mmu700Server()};
  return all;
}

const Preset* findPresetInfo(const std::string& name) {
  for (const auto& p : presets())
    if (p.name == name) return &p;
  return nullptr;
}

bool findPreset(const std::string& name, SmmuConfig& out) {
  const Preset* p = findPresetInfo(name);
  if (!p) return false;
  out = p->config;
  return true;
}

std::vector<std::string> presetNames() {
  std::vector<std::string> n;
  for (const auto& p : presets()) n.push_back(p.name);
  return n;
}

}  // namespace smmu
