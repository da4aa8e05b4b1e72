// The storage every set-associative cache of the model is built on: ways x sets of typed
// entries, each indexed by (context, flag, base, size), with a pluggable replacement policy and
// mixed sizes. The cache on top (SetAssocTlb, WalkCache, IpaCache) owns the meaning of its
// entries; this array only knows their index: a 64-bit context (the TLB's stream, a walk
// cache's VMID/ASID), a flag (substream valid), the base address aligned to 2^shift, and shift.
//
// Mixed sizes: the array keeps a bitmask of the shifts it holds; a probe looks once per present
// size, smallest first, with the set chosen by (va >> shift) XOR a hash of (context, flag,
// shift), and compares the index in every way of that set: O(ways x sizes present).
// Consecutive pages of one context fall into consecutive sets (mod sets).
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "cache/ReplacementPolicy.h"

namespace smmu {

template <class Entry>
class SetAssocArray {
 public:
  // The index of a valid way (what a probe compares and an invalidation may test).
  struct Index {
    uint64_t base;
    uint64_t ctx;
    uint8_t meta;  // 0 = invalid; else 1 | flag << 1 | shift << 2
    unsigned shift() const { return meta >> 2; }
    bool flag() const { return meta & 2; }
    uint64_t last() const { return base + ((uint64_t(1) << shift()) - 1); }  // inclusive
  };

  // what: the cache's name in errors. entries: total; ways: associativity (0 = fully
  // associative). Throws std::invalid_argument on a bad geometry or policy name.
  SetAssocArray(const char* what, unsigned entries, unsigned ways, std::string_view policy,
                uint64_t seed)
      : what_(what) {
    const CacheGeometry g = CacheGeometry::make(what, entries, ways);
    sets_ = g.sets;
    ways_ = g.ways;
    setMask_ = sets_ - 1;
    policy_ = makeReplacementPolicy(policy, sets_, ways_, seed);
    index_.assign(size_t(sets_) * ways_, Index{0, 0, 0});
    entries_.resize(size_t(sets_) * ways_);
  }

  static uint8_t metaOf(bool flag, unsigned shift) {
    return uint8_t(1u | (flag ? 2u : 0u) | (shift << 2));
  }

  // The entry whose page holds va in that context (smallest size first), its replacement state
  // touched; nullptr on a miss. Counts the hit or miss (not the lookup: the caller does, as it
  // may answer without probing). smallest: the hit is of the smallest size present.
  const Entry* probe(uint64_t ctx, bool flag, uint64_t va, unsigned& hitShift, bool& smallest) {
    for (uint64_t m = shiftMask_; m != 0; m &= m - 1) {
      const unsigned shift = unsigned(__builtin_ctzll(m));
      const uint64_t vpn = va >> shift;
      const uint64_t base = vpn << shift;
      const uint8_t meta = metaOf(flag, shift);
      const unsigned set = setIndex(vpn, ctx, meta);
      const size_t first = size_t(set) * ways_;
      for (unsigned w = 0; w < ways_; ++w) {
        const Index& t = index_[first + w];
        if (t.meta == meta && t.base == base && t.ctx == ctx) {
          ++stats_.hits;
          hitShift = shift;
          smallest = m == shiftMask_;
          policy_->touch(set, w);
          return &entries_[first + w];
        }
      }
    }
    ++stats_.misses;
    return nullptr;
  }

  // Writes e at (ctx, flag, base, shift): an entry with the same index is updated in place;
  // else an empty way is filled or, in a full set, the policy's victim replaced. Returns true
  // when a valid entry was evicted (copied to *victim when given). Throws std::invalid_argument
  // if shift > 63 or base is not aligned to 2^shift.
  bool insert(uint64_t ctx, bool flag, uint64_t base, unsigned shift, const Entry& e,
              Entry* victim = nullptr) {
    if (shift > 63)
      throw std::invalid_argument(std::string(what_) + " insert: size 2^" +
                                  std::to_string(shift) + " out of range (shift 0..63)");
    if (base & ((uint64_t(1) << shift) - 1)) {
      char buf[20];
      std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(base));
      throw std::invalid_argument(std::string(what_) + " insert: base 0x" + buf +
                                  " not aligned to 2^" + std::to_string(shift));
    }
    ++stats_.fills;
    ++changes_;
    const uint8_t meta = metaOf(flag, shift);
    const unsigned set = setIndex(base >> shift, ctx, meta);
    const size_t first = size_t(set) * ways_;
    unsigned way = ways_;
    for (unsigned w = 0; w < ways_; ++w) {
      const Index& t = index_[first + w];
      if (t.meta == meta && t.base == base && t.ctx == ctx) {  // same index: update in place
        entries_[first + w] = e;
        policy_->touch(set, w);
        return false;
      }
      if (t.meta == 0 && way == ways_) way = w;
    }
    bool evicted = false;
    if (way == ways_) {  // set full
      way = policy_->victim(set);
      ++stats_.evictions;
      evicted = true;
      if (victim) *victim = entries_[first + way];
      dropShift(index_[first + way].shift());
      --occupancy_;
    }
    index_[first + way] = Index{base, ctx, meta};
    entries_[first + way] = e;
    ++occupancy_;
    if (shiftCount_[shift]++ == 0) shiftMask_ |= uint64_t(1) << shift;
    policy_->fill(set, way);
    return evicted;
  }

  // Removes every valid entry for which pred(entry, index) holds; returns how many.
  template <class Pred>
  unsigned removeIf(Pred pred) {
    unsigned n = 0;
    for (size_t i = 0; i < index_.size() && occupancy_ != 0; ++i) {
      if (index_[i].meta != 0 && pred(entries_[i], index_[i])) {
        ++changes_;
        dropShift(index_[i].shift());
        index_[i].meta = 0;
        --occupancy_;
        policy_->invalidate(unsigned(i / ways_), unsigned(i % ways_));
        ++n;
      }
    }
    stats_.invalidated += n;
    return n;
  }
  unsigned clear() {
    ++changes_;
    const unsigned n = occupancy_;
    for (auto& t : index_) t.meta = 0;
    for (auto& c : shiftCount_) c = 0;
    shiftMask_ = 0;
    occupancy_ = 0;
    policy_->reset();
    stats_.invalidated += n;
    return n;
  }

  unsigned capacity() const { return sets_ * ways_; }
  unsigned occupancy() const { return occupancy_; }
  unsigned sets() const { return sets_; }
  unsigned ways() const { return ways_; }
  const char* policyName() const { return policy_->name(); }
  const ReplacementPolicy& policy() const { return *policy_; }
  CacheStats& stats() { return stats_; }
  const CacheStats& stats() const { return stats_; }
  // Bit n set: at least one valid entry has size 2^n.
  uint64_t shiftsPresent() const { return shiftMask_; }
  // Fills, in-place updates and removals so far: an entry probe() returned keeps its contents
  // while this count stays the same.
  uint64_t changes() const { return changes_; }

 private:
  unsigned setIndex(uint64_t vpn, uint64_t ctx, uint8_t meta) const {
    // The context hash is a constant per (context, size): XOR with it permutes the sets, so
    // the pages of one context keep their spread over the sets.
    const uint64_t h = (ctx ^ (uint64_t(meta) << 56)) * 0x9e3779b97f4a7c15ull;
    return unsigned((vpn ^ (h >> 32)) & setMask_);
  }
  void dropShift(unsigned shift) {
    if (--shiftCount_[shift] == 0) shiftMask_ &= ~(uint64_t(1) << shift);
  }

  const char* what_;
  unsigned sets_ = 1, ways_ = 1;
  uint64_t setMask_ = 0;
  std::unique_ptr<ReplacementPolicy> policy_;
  std::vector<Index> index_;     // [set * ways + way]
  std::vector<Entry> entries_;   // [set * ways + way]
  unsigned occupancy_ = 0;
  uint32_t shiftCount_[64] = {};  // valid entries per shift
  uint64_t shiftMask_ = 0;
  CacheStats stats_;
  uint64_t changes_ = 0;
};

}  // namespace smmu
