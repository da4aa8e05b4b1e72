#include "cache/Tlb.h"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace smmu {

SetAssocTlb::SetAssocTlb(unsigned entries, unsigned ways, std::string_view policy, uint64_t seed) {
  CacheGeometry g = CacheGeometry::make("TLB", entries, ways);
  sets_ = g.sets;
  ways_ = g.ways;
  setMask_ = sets_ - 1;
  policy_ = makeReplacementPolicy(policy, sets_, ways_, seed);
  memoOn_ = policy_->repeatedTouchIsNoOp();
  tags_.assign(size_t(sets_) * ways_, Tag{0, 0, 0});
  entries_.resize(size_t(sets_) * ways_);
}

unsigned SetAssocTlb::setIndex(uint64_t vpn, uint64_t ctx, uint8_t meta) const {
  // The context hash is a constant per (stream context, page size): XOR with it permutes the
  // sets, so the pages of one context keep their spread over the sets.
  uint64_t h = (ctx ^ (uint64_t(meta) << 56)) * 0x9e3779b97f4a7c15ull;
  return unsigned((vpn ^ (h >> 32)) & setMask_);
}

const TlbEntry* SetAssocTlb::probe(uint32_t sid, uint32_t ssid, bool ssv, uint64_t va) {
  const uint64_t ctx = ctxOf(sid, ssid, ssv);
  for (uint64_t m = shiftMask_; m != 0; m &= m - 1) {
    const unsigned shift = unsigned(__builtin_ctzll(m));
    const uint64_t vpn = va >> shift;
    const uint64_t vaBase = vpn << shift;
    const uint8_t meta = metaOf(ssv, shift);
    const unsigned set = setIndex(vpn, ctx, meta);
    const size_t base = size_t(set) * ways_;
    for (unsigned w = 0; w < ways_; ++w) {
      const Tag& t = tags_[base + w];
      if (t.meta == meta && t.vaBase == vaBase && t.ctx == ctx) {
        ++stats_.hits;
        const TlbEntry* e = &entries_[base + w];
        // The memo, when this is the smallest size present (the first probed: m is then
        // still the whole mask). Kept before the policy's (virtual) call, so that nothing has
        // to be reloaded or saved across it.
        last_ = memoOn_ && m == shiftMask_ ? e : nullptr;
        lastVaBase_ = vaBase;
        lastMask_ = ~((uint64_t(1) << shift) - 1);
        lastSid_ = sid;
        lastSsid_ = ssv ? ssid : 0u;
        lastSsv_ = ssv;
        policy_->touch(set, w);
        return e;
      }
    }
  }
  ++stats_.misses;
  return nullptr;
}

// Through the interface: find() with the probe inlined (one call, as before the memo).
__attribute__((flatten)) const TlbEntry* SetAssocTlb::lookup(const TlbLookupKey& key) {
  return find(key);
}

void SetAssocTlb::insert(const TlbEntry& e) {
  if (e.pageShift > 63)
    throw std::invalid_argument("TLB insert: pageShift " + std::to_string(e.pageShift) +
                                " out of range (0..63)");
  const uint64_t offMask = (uint64_t(1) << e.pageShift) - 1;
  if (e.vaBase & offMask)
    throw std::invalid_argument("TLB insert: vaBase 0x" + [&] {
      char buf[20];
      std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(e.vaBase));
      return std::string(buf);
    }() + " not aligned to 2^" + std::to_string(e.pageShift));

  ++stats_.fills;
  changed();  // the fill changes the replacement state, and may add a smaller size
  const uint64_t ctx = ctxOf(e.sid, e.ssid, e.ssv);
  const uint8_t meta = metaOf(e.ssv, e.pageShift);
  const unsigned set = setIndex(e.vaBase >> e.pageShift, ctx, meta);
  const size_t base = size_t(set) * ways_;

  unsigned way = ways_;
  for (unsigned w = 0; w < ways_; ++w) {
    const Tag& t = tags_[base + w];
    if (t.meta == meta && t.vaBase == e.vaBase && t.ctx == ctx) {  // same tag: update in place
      entries_[base + w] = e;
      policy_->touch(set, w);
      return;
    }
    if (t.meta == 0 && way == ways_) way = w;
  }
  if (way == ways_) {  // set full
    way = policy_->victim(set);
    ++stats_.evictions;
    const uint8_t oldShift = uint8_t(tags_[base + way].meta >> 2);
    if (--shiftCount_[oldShift] == 0) shiftMask_ &= ~(uint64_t(1) << oldShift);
    --occupancy_;
  }
  tags_[base + way] = Tag{e.vaBase, ctx, meta};
  entries_[base + way] = e;
  ++occupancy_;
  if (shiftCount_[e.pageShift]++ == 0) shiftMask_ |= uint64_t(1) << e.pageShift;
  policy_->fill(set, way);
}

void SetAssocTlb::remove(size_t slot) {
  changed();
  const uint8_t shift = uint8_t(tags_[slot].meta >> 2);
  tags_[slot].meta = 0;
  --occupancy_;
  if (--shiftCount_[shift] == 0) shiftMask_ &= ~(uint64_t(1) << shift);
  policy_->invalidate(unsigned(slot / ways_), unsigned(slot % ways_));
}

template <class Pred>
unsigned SetAssocTlb::removeIf(Pred pred) {
  unsigned n = 0;
  for (size_t i = 0; i < tags_.size() && occupancy_ != 0; ++i) {
    if (tags_[i].meta != 0 && pred(entries_[i], tags_[i])) {
      remove(i);
      ++n;
    }
  }
  stats_.invalidated += n;
  return n;
}

unsigned SetAssocTlb::invalidateAll() {
  changed();
  unsigned n = occupancy_;
  for (auto& t : tags_) t.meta = 0;
  for (auto& c : shiftCount_) c = 0;
  shiftMask_ = 0;
  occupancy_ = 0;
  policy_->reset();
  stats_.invalidated += n;
  return n;
}

unsigned SetAssocTlb::invalidateVmid(uint16_t vmid) {
  return removeIf([&](const TlbEntry& e, const Tag&) { return e.vmid == vmid; });
}

unsigned SetAssocTlb::invalidateAsid(uint16_t vmid, uint16_t asid) {
  return removeIf(
      [&](const TlbEntry& e, const Tag&) { return e.vmid == vmid && e.asid == asid && !e.global; });
}

unsigned SetAssocTlb::invalidateVa(uint16_t vmid, uint16_t asid, bool asidMatch, uint64_t va,
                                   uint64_t len) {
  if (len == 0) return 0;
  // Inclusive ends, so that neither range overflows at the top of the address space.
  const uint64_t last = len - 1 > ~va ? ~uint64_t(0) : va + (len - 1);
  return removeIf([&](const TlbEntry& e, const Tag& t) {
    if (e.vmid != vmid) return false;
    if (asidMatch && !(e.global || e.asid == asid)) return false;
    const unsigned shift = t.meta >> 2;
    const uint64_t eLast = t.vaBase + ((uint64_t(1) << shift) - 1);
    return t.vaBase <= last && va <= eLast;
  });
}

unsigned SetAssocTlb::invalidateStream(uint32_t sidFirst, uint32_t sidLast) {
  return removeIf(
      [&](const TlbEntry& e, const Tag&) { return e.sid >= sidFirst && e.sid <= sidLast; });
}

unsigned SetAssocTlb::invalidateSubstream(uint32_t sid, uint32_t ssid) {
  const uint64_t ctx = ctxOf(sid, ssid, true);  // a non-ssv entry's ctx holds ssid 0
  return removeIf([&](const TlbEntry&, const Tag& t) { return t.ctx == ctx; });
}

}  // namespace smmu
