// The TCU's stage-1 walk cache: table descriptors read at levels 0, 1 and 2, one
// set-associative cache per level (like MMU-600's S1L0..S1L2 walk caches). A hit at level L
// hands the walker the level L+1 table and the APTable/XNTable bits accumulated above it (as
// the filling walk applied them: none under CD.HADx, which every CD of one VMID/ASID holds
// alike), so the walk reads only the levels below. Entries are tagged by VMID/ASID (not stream):
// TLBI_NH_ASID, TLBI_NH_VA with Leaf = 0 and TLBI_NH_ALL/NSNH_ALL remove them; Leaf = 1 TLBIs
// and CFGI do not. An entry is filled when the walk is computed, with the time its descriptor
// read completes (readyAt): a walk that hits it earlier waits until then, having joined the walk
// in flight. The same class serves as the stage-2 walk cache (context: the VMID, ASID 0).
//
// Its interface is WalkCacheIf (cache/CacheIf.h: split-phase, answers by value); the walker
// reaches it through WalkCacheHook, which looks the levels up deepest first.
#pragma once
#include <array>
#include <memory>
#include <string>

#include "cache/CacheIf.h"
#include "cache/SetAssocArray.h"
#include "walk/PageTableWalker.h"

namespace smmu {

// What a lookup and the TLBIs match: the translation context, the TTB range (0: TTB0, 1: TTB1;
// 0 for stage 2), the level of the table descriptor and the input-address span it covers
// (vaBase aligned to 2^shift: the span of one descriptor at that level in its granule).
struct WalkCacheTag {
  uint16_t vmid = 0, asid = 0;
  uint8_t range = 0;
  uint8_t level = 0;  // 0..2
  uint64_t vaBase = 0;
  uint8_t shift = 0;
};
// What a hit gives the walker: the next-level table and the hierarchical attributes
// accumulated down to it.
struct WalkCacheOutput {
  PhysAddr table = 0;
  bool apTable0 = false, apTable1 = false, uxnTable = false, pxnTable = false;
};
struct WalkCacheEntry {
  WalkCacheTag tag;
  WalkCacheOutput out;
  Tick readyAt = 0;  // the descriptor read completes (a walk that hits earlier waits for it)
};
struct WalkCacheKey {
  uint16_t vmid = 0, asid = 0;
  uint8_t range = 0;
  uint8_t level = 0;
  uint8_t shift = 0;  // the level's span in the walk's granule
  uint64_t va = 0;
};
// Every scope the TLBIs invalidate a walk cache by (CFGIs leave it).
struct WalkCacheInvalidation {
  enum class Scope : uint8_t {
    All,   // TLBI_NSNH_ALL
    Vmid,  // TLBI_NH_ALL, TLBI_S12_VMALL
    Asid,  // TLBI_NH_ASID: entries of (vmid, asid)
    Va,    // TLBI_NH_VA/VAA (asidMatch: of asid only), TLBI_S2_IPA, Leaf = 0: entries of vmid
           // whose span overlaps [va, va + len)
  };
  Scope scope = Scope::All;
  uint16_t vmid = 0, asid = 0;
  bool asidMatch = false;
  uint64_t va = 0, len = 0;
};

class WalkCacheIf : public CacheIf<WalkCacheKey, WalkCacheEntry, WalkCacheInvalidation> {};

class WalkCache final : public ImmediateCache<WalkCacheIf, WalkCache>, public WalkCacheHook {
 public:
  // entries[L] = 0: no cache for descriptors read at level L.
  WalkCache(const std::array<unsigned, 3>& entries, unsigned ways, const std::string& policy,
            uint64_t seed);

  bool enabled() const { return enabled_; }
  // The translation context of the walks that follow.
  void setContext(uint16_t vmid, uint16_t asid) {
    vmid_ = vmid;
    asid_ = asid;
  }

  // WalkCacheHook
  bool lookup(uint64_t va, unsigned range, const WalkGeometry& geo, WalkStep& step) override;
  void fill(uint64_t va, unsigned range, const WalkGeometry& geo, const WalkStep& step) override;

  unsigned invalidate(const WalkCacheInvalidation& inv);
  unsigned invalidateAll() { return invalidate({}); }
  unsigned invalidateVmid(uint16_t vmid);
  unsigned invalidateAsid(uint16_t vmid, uint16_t asid);
  unsigned invalidateVa(uint16_t vmid, uint16_t asid, bool asidMatch, uint64_t va, uint64_t len);

  struct LevelStats {
    uint64_t lookups = 0, hits = 0, fills = 0;
  };
  const std::array<LevelStats, 3>& stats() const { return stats_; }
  uint64_t hits() const { return stats_[0].hits + stats_[1].hits + stats_[2].hits; }
  unsigned occupancy(int level) const;
  unsigned capacity() const override;
  unsigned occupancy() const override;

 private:
  friend class ImmediateCache<WalkCacheIf, WalkCache>;
  using Array = SetAssocArray<WalkCacheEntry>;
  // The index of an entry in its level's array (the context hash the sets are chosen by).
  static uint64_t ctxOf(uint16_t vmid, uint16_t asid, uint8_t range) {
    return uint64_t((uint32_t(vmid) << 16) | asid) << 32 | range;
  }
  const WalkCacheEntry* find(const WalkCacheKey& k);
  bool insert(const WalkCacheEntry& e, WalkCacheEntry* victim);

  std::array<std::unique_ptr<Array>, 3> level_;
  std::array<LevelStats, 3> stats_{};
  uint16_t vmid_ = 0, asid_ = 0;
  bool enabled_ = false;
};

}  // namespace smmu
