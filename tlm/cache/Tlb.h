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
//
// Last-hit memo: DMA streams hit the same page many times in a row. The entry of the last hit
// is kept with its page and context; a lookup in that page of that context returns it without
// probing the sets. That is exactly what the probe would return as long as nothing was inserted
// or invalidated since (both forget the memo) and the entry has the smallest page size present
// (the probe returns the smallest page holding the address). The probe's replacement update is
// a touch of that entry, which is the last way touched in the whole TLB; with a policy whose
// repeated touch is a no-op (ReplacementPolicy::repeatedTouchIsNoOp) skipping it leaves the
// state unchanged. Statistics count the lookup and the hit either way.
#pragma once
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "cache/ReplacementPolicy.h"
#include "cache/TlbIf.h"

namespace smmu {

class SetAssocTlb final : public TlbIf {
 public:
  // entries: total entries; ways: associativity (0 = fully associative); policy: see
  // makeReplacementPolicy; seed: for "random". Throws std::invalid_argument on a bad geometry or
  // policy name.
  SetAssocTlb(unsigned entries, unsigned ways, std::string_view policy = "lru", uint64_t seed = 0);

  const TlbEntry* lookup(const TlbLookupKey& key) override;  // find(), probe inlined
  // lookup() without the virtual call, inlined into callers that know the type (SmmuCore).
  const TlbEntry* find(const TlbLookupKey& key) {
    ++stats_.lookups;
    // The page first: it tells a lookup elsewhere at once.
    if ((key.va & lastMask_) == lastVaBase_ && last_ && key.sid == lastSid_ &&
        key.ssv == lastSsv_ && (key.ssv ? key.ssid : 0u) == lastSsid_) {
      ++stats_.hits;
      return last_;
    }
    return probe(key.sid, key.ssid, key.ssv, key.va);  // in registers, not through memory
  }
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
  // The last-hit memo (see the top of this file), on by default where the policy allows it.
  // Off, every lookup probes the sets: the reference the memo is tested against.
  void setLastHitMemo(bool on) {
    memoOn_ = on && policy_->repeatedTouchIsNoOp();
    last_ = nullptr;
  }
  bool lastHitMemo() const { return memoOn_; }
  // Changes to the entries so far (fills, in-place updates, removals): an entry lookup() returned
  // keeps its contents while this count stays the same, so a caller may keep what it derived
  // from the entry until then.
  uint64_t changes() const { return changes_; }

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
  // The lookup through the sets (counts the lookup's hit or miss, not the lookup).
  const TlbEntry* probe(uint32_t sid, uint32_t ssid, bool ssv, uint64_t va);
  // An entry is written or removed: the memo is forgotten, the change counted.
  void changed() {
    last_ = nullptr;
    ++changes_;
  }
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
  // The last-hit memo (see the top of this file): the entry (nullptr: none) and its tag.
  const TlbEntry* last_ = nullptr;
  uint64_t lastVaBase_ = 0, lastMask_ = 0;  // lastMask_: ~(page size - 1)
  uint32_t lastSid_ = 0, lastSsid_ = 0;     // lastSsid_: 0 without ssv
  bool lastSsv_ = false;
  bool memoOn_ = false;  // the memo is used (only with a policy whose repeated touch is a no-op)
  uint64_t changes_ = 0;
};

}  // namespace smmu
