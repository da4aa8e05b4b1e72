// The default TBU TLB: set-associative (or fully associative) with a pluggable replacement
// policy and mixed page/block sizes, on a SetAssocArray (cache/SetAssocArray.h) indexed by the
// stream context (sid, ssid, ssv), vaBase and pageShift. Its interface is TlbIf's split-phase
// one (it answers at once); the hit path of SmmuCore calls find(), which returns the entry in
// place, without the virtual call and the copy.
//
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
#include "cache/SetAssocArray.h"
#include "cache/TlbIf.h"

namespace smmu {

class SetAssocTlb final : public ImmediateCache<TlbIf, SetAssocTlb> {
 public:
  // entries: total entries; ways: associativity (0 = fully associative); policy: see
  // makeReplacementPolicy; seed: for "random". Throws std::invalid_argument on a bad geometry or
  // policy name.
  SetAssocTlb(unsigned entries, unsigned ways, std::string_view policy = "lru", uint64_t seed = 0);

  // The entry that translates key.va for this stream context, in place (valid until the next
  // change: changes()), or nullptr. Counts the lookup and its hit or miss.
  const TlbEntry* find(const TlbLookupKey& key) {
    ++array_.stats().lookups;
    // The page first: it tells a lookup elsewhere at once.
    if ((key.va & lastMask_) == lastVaBase_ && last_ && key.sid == lastSid_ &&
        key.ssv == lastSsv_ && (key.ssv ? key.ssid : 0u) == lastSsid_) {
      ++array_.stats().hits;
      return last_;
    }
    return probe(key.sid, key.ssid, key.ssv, key.va);  // in registers, not through memory
  }
  // Writes e (an entry with the same tag is updated in place). Returns true when a valid entry
  // was evicted (copied to *victim when given). Throws std::invalid_argument if
  // e.tag.pageShift > 63 or e.tag.vaBase is not aligned to 2^pageShift.
  bool insert(const TlbEntry& e, TlbEntry* victim = nullptr);

  unsigned invalidate(const TlbInvalidation& inv);
  unsigned invalidateAll();
  unsigned invalidateVmid(uint16_t vmid);
  unsigned invalidateAsid(uint16_t vmid, uint16_t asid);
  // len == 0 removes nothing; a range running past 2^64 is clipped at the top.
  unsigned invalidateVa(uint16_t vmid, uint16_t asid, bool asidMatch, uint64_t va, uint64_t len);
  unsigned invalidateStream(uint32_t sidFirst, uint32_t sidLast);  // inclusive
  unsigned invalidateSubstream(uint32_t sid, uint32_t ssid);

  unsigned capacity() const override { return array_.capacity(); }
  unsigned occupancy() const override { return array_.occupancy(); }

  unsigned sets() const { return array_.sets(); }
  unsigned ways() const { return array_.ways(); }
  const char* policyName() const { return array_.policyName(); }
  const CacheStats& stats() const { return array_.stats(); }
  void resetStats() { array_.stats() = CacheStats{}; }
  // Bit n set: at least one valid entry has pageShift n.
  uint64_t pageShiftsPresent() const { return array_.shiftsPresent(); }
  // The last-hit memo (see the top of this file), on by default where the policy allows it.
  // Off, every lookup probes the sets: the reference the memo is tested against.
  void setLastHitMemo(bool on) {
    memoOn_ = on && array_.policy().repeatedTouchIsNoOp();
    last_ = nullptr;
  }
  bool lastHitMemo() const { return memoOn_; }
  // Changes to the entries so far (fills, in-place updates, removals): an entry find() returned
  // keeps its contents while this count stays the same, so a caller may keep what it derived
  // from the entry until then.
  uint64_t changes() const { return array_.changes(); }

 private:
  static uint64_t ctxOf(uint32_t sid, uint32_t ssid, bool ssv) {
    return uint64_t(sid) << 32 | (ssv ? ssid : 0u);
  }
  // The lookup through the sets (counts the lookup's hit or miss, not the lookup).
  const TlbEntry* probe(uint32_t sid, uint32_t ssid, bool ssv, uint64_t va);
  template <class Pred>
  unsigned removeIf(Pred pred) {
    last_ = nullptr;
    return array_.removeIf(pred);
  }

  SetAssocArray<TlbEntry> array_;
  // The last-hit memo (see the top of this file): the entry (nullptr: none) and its tag.
  const TlbEntry* last_ = nullptr;
  uint64_t lastVaBase_ = 0, lastMask_ = 0;  // lastMask_: ~(page size - 1)
  uint32_t lastSid_ = 0, lastSsid_ = 0;     // lastSsid_: 0 without ssv
  bool lastSsv_ = false;
  bool memoOn_ = false;  // the memo is used (only with a policy whose repeated touch is a no-op)
};

}  // namespace smmu
