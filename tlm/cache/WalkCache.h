// The TCU's stage-1 walk cache: table descriptors read at levels 0, 1 and 2, one
// set-associative cache per level (like MMU-600's S1L0..S1L2 walk caches). A hit at level L
// hands the walker the level L+1 table and the APTable/XNTable bits accumulated above it (as
// the filling walk applied them: none under CD.HADx, which every CD of one VMID/ASID holds
// alike), so the walk reads only the levels below. Entries are tagged by VMID/ASID (not stream):
// TLBI_NH_ASID, TLBI_NH_VA with Leaf = 0 and TLBI_NH_ALL/NSNH_ALL remove them; Leaf = 1 TLBIs
// and CFGI do not. An entry is filled when the walk is computed, with the time its descriptor
// read completes (readyAt): a walk that hits it earlier waits until then, having joined the walk
// in flight. The same class serves as the stage-2 walk cache (context: the VMID, ASID 0).
#pragma once
#include <array>
#include <memory>
#include <string>

#include "cache/Tlb.h"
#include "walk/PageTableWalker.h"

namespace smmu {

class WalkCache : public WalkCacheHook {
 public:
  // entries[L] = 0: no cache for descriptors read at level L.
  WalkCache(const std::array<unsigned, 3>& entries, unsigned ways, const std::string& policy,
            uint64_t seed);

  bool enabled() const { return enabled_; }
  // The translation context of the walks that follow.
  void setContext(uint16_t vmid, uint16_t asid) { ctx_ = (uint32_t(vmid) << 16) | asid; }

  bool lookup(uint64_t va, unsigned range, const WalkGeometry& geo, WalkStep& step) override;
  void fill(uint64_t va, unsigned range, const WalkGeometry& geo, const WalkStep& step) override;

  unsigned invalidateAll();
  unsigned invalidateVmid(uint16_t vmid);
  unsigned invalidateAsid(uint16_t vmid, uint16_t asid);
  unsigned invalidateVa(uint16_t vmid, uint16_t asid, bool asidMatch, uint64_t va, uint64_t len);

  struct LevelStats {
    uint64_t lookups = 0, hits = 0, fills = 0;
  };
  const std::array<LevelStats, 3>& stats() const { return stats_; }
  uint64_t hits() const { return stats_[0].hits + stats_[1].hits + stats_[2].hits; }
  unsigned occupancy(int level) const;

 private:
  std::array<std::unique_ptr<SetAssocTlb>, 3> level_;
  std::array<LevelStats, 3> stats_{};
  uint32_t ctx_ = 0;
  bool enabled_ = false;
};

}  // namespace smmu
