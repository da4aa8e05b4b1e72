// The default TCU configuration cache: set-associative (or fully associative) over ConfigEntry,
// keyed by the stream context (sid, ssid, ssv), with a pluggable replacement policy.
// Without ssv the ssid plays no part in the key, and the entry counts as substream 0 for
// invalidateCd (non-substream traffic uses CD 0, which CFGI_CD with SSID 0 invalidates).
#pragma once
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "cache/ConfigCacheIf.h"
#include "cache/ReplacementPolicy.h"

namespace smmu {

class SetAssocConfigCache final : public ImmediateCache<ConfigCacheIf, SetAssocConfigCache> {
 public:
  // entries: total entries; ways: associativity (0 = fully associative); policy: see
  // makeReplacementPolicy; seed: for "random". Throws std::invalid_argument on a bad geometry or
  // policy name.
  SetAssocConfigCache(unsigned entries, unsigned ways, std::string_view policy = "lru",
                      uint64_t seed = 0);

  // The entry in place (valid until the next fill or invalidation), or nullptr.
  const ConfigEntry* find(uint32_t sid, uint32_t ssid, bool ssv);
  const ConfigEntry* find(const ConfigKey& k) { return find(k.sid, k.ssid, k.ssv); }
  // Same key: updated in place. Returns true when a valid entry was evicted (to *victim).
  bool insert(const ConfigEntry& e, ConfigEntry* victim = nullptr);
  unsigned invalidate(const ConfigInvalidation& inv);
  unsigned invalidateAll();
  unsigned invalidateSidRange(uint32_t first, uint32_t last);  // inclusive
  unsigned invalidateCd(uint32_t sid, uint32_t ssid);
  unsigned invalidateCdAll(uint32_t sid);  // every entry of sid
  unsigned capacity() const override { return sets_ * ways_; }
  unsigned occupancy() const override { return occupancy_; }

  unsigned sets() const { return sets_; }
  unsigned ways() const { return ways_; }
  const char* policyName() const { return policy_->name(); }
  const CacheStats& stats() const { return stats_; }
  void resetStats() { stats_ = CacheStats{}; }

 private:
  static uint64_t ctxOf(uint32_t sid, uint32_t ssid, bool ssv) {
    return uint64_t(sid) << 32 | (ssv ? ssid : 0u);
  }
  static uint8_t metaOf(bool ssv) { return uint8_t(1u | (ssv ? 2u : 0u)); }
  unsigned setIndex(uint64_t ctx, uint8_t meta) const;
  template <class Pred>
  unsigned removeIf(Pred pred);

  struct Tag {
    uint64_t ctx;  // sid << 32 | (ssv ? ssid : 0)
    uint8_t meta;  // 0 = invalid; else 1 | ssv << 1
  };
  unsigned sets_;
  unsigned ways_;
  uint64_t setMask_;
  std::unique_ptr<ReplacementPolicy> policy_;
  std::vector<Tag> tags_;             // [set * ways + way]
  std::vector<ConfigEntry> entries_;  // [set * ways + way]
  unsigned occupancy_ = 0;
  CacheStats stats_;
};

}  // namespace smmu
