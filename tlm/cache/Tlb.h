// The default TBU TLB: set-associative (or fully associative) with a pluggable replacement
// policy and mixed page/block sizes.
//
// Mixed sizes: the TLB keeps a bitmask of the page shifts it currently holds; a lookup probes
// once per present size, with the set chosen by (va >> pageShift) XOR a hash of the stream
// context (sid, ssid, ssv) and the page shift, and compares the tag (sid, ssid, ssv, vaBase,
// pageShift) in every way of that set: O(ways x sizes present). Consecutive pages of one context
// fall into consecutive sets (mod sets); pages 'sets' pages apart share a set.
// Sizes are probed smallest first, so should two sizes hold the address for one context (a
// TLB conflict that software must not create), the smaller page is returned.
// Without ssv the ssid plays no part: the entry belongs to substream 0 for invalidateSubstream
// (non-substream traffic uses CD 0, which CFGI_CD with SSID 0 invalidates).
#pragma once
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "cache/ReplacementPolicy.h"
#include "cache/TlbIf.h"

namespace smmu {

class SetAssocTlb : public TlbIf {
 public:
  // entries: total entries; ways: associativity (0 = fully associative); policy: see
  // makeReplacementPolicy; seed: for "random". Throws std::invalid_argument on a bad geometry or
  // policy name.
  SetAssocTlb(unsigned entries, unsigned ways, std::string_view policy = "lru", uint64_t seed = 0);

  const TlbEntry* lookup(const TlbLookupKey& key) override;
  // Writes e (an entry with the same tag is updated in place). Throws std::invalid_argument if
  // e.pageShift > 63 or e.vaBase is not aligned to 2^pageShift.
  void insert(const TlbEntry& e) override;

  unsigned invalidateAll() override;
  unsigned invalidateVmid(uint16_t vmid) override;
  unsigned invalidateAsid(uint16_t vmid, uint16_t asid) override;
  // len == 0 removes nothing; a range running past 2^64 is clipped at the top.
  unsigned invalidateVa(uint16_t vmid, uint16_t asid, bool asidMatch, uint64_t va,
                        uint64_t len) override;
  unsigned invalidateStream(uint32_t sidFirst, uint32_t sidLast) override;  // inclusive
  unsigned invalidateSubstream(uint32_t sid, uint32_t ssid) override;

  unsigned capacity() const override { return sets_ * ways_; }
  unsigned occupancy() const override { return occupancy_; }

  unsigned sets() const { return sets_; }
  unsigned ways() const { return ways_; }
  const char* policyName() const { return policy_->name(); }
  const CacheStats& stats() const { return stats_; }
  void resetStats() { stats_ = CacheStats{}; }
  // Bit n set: at least one valid entry has pageShift n.
  uint64_t pageShiftsPresent() const { return shiftMask_; }

 private:
  struct Tag {
    uint64_t vaBase;
    uint64_t ctx;   // sid << 32 | (ssv ? ssid : 0)
    uint8_t meta;   // 0 = invalid; else 1 | ssv << 1 | pageShift << 2
  };
  static uint64_t ctxOf(uint32_t sid, uint32_t ssid, bool ssv) {
    return uint64_t(sid) << 32 | (ssv ? ssid : 0u);
  }
  static uint8_t metaOf(bool ssv, unsigned pageShift) {
    return uint8_t(1u | (ssv ? 2u : 0u) | (pageShift << 2));
  }
  unsigned setIndex(uint64_t vpn, uint64_t ctx, uint8_t meta) const;
  void remove(size_t slot);
  template <class Pred>
  unsigned removeIf(Pred pred);

  unsigned sets_;
  unsigned ways_;
  uint64_t setMask_;
  std::unique_ptr<ReplacementPolicy> policy_;
  std::vector<Tag> tags_;         // [set * ways + way]
  std::vector<TlbEntry> entries_;  // [set * ways + way]
  unsigned occupancy_ = 0;
  uint32_t shiftCount_[64] = {};  // valid entries per pageShift
  uint64_t shiftMask_ = 0;
  CacheStats stats_;
};

}  // namespace smmu
