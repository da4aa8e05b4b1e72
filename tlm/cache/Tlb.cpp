#include "cache/Tlb.h"

namespace smmu {

SetAssocTlb::SetAssocTlb(unsigned entries, unsigned ways, std::string_view policy, uint64_t seed)
    : array_("TLB", entries, ways, policy, seed) {
  memoOn_ = array_.policy().repeatedTouchIsNoOp();
}

const TlbEntry* SetAssocTlb::probe(uint32_t sid, uint32_t ssid, bool ssv, uint64_t va) {
  unsigned shift = 0;
  bool smallest = false;
  const TlbEntry* e = array_.probe(ctxOf(sid, ssid, ssv), ssv, va, shift, smallest);
  if (!e) return nullptr;
  // The memo, when this is the smallest size present (the probe returns the smallest page
  // holding the address, so the memo may answer for the whole page).
  last_ = memoOn_ && smallest ? e : nullptr;
  lastMask_ = ~((uint64_t(1) << shift) - 1);
  lastVaBase_ = va & lastMask_;
  lastSid_ = sid;
  lastSsid_ = ssv ? ssid : 0u;
  lastSsv_ = ssv;
  return e;
}

bool SetAssocTlb::insert(const TlbEntry& e, TlbEntry* victim) {
  last_ = nullptr;  // the fill changes the replacement state, and may add a smaller size
  const TlbTag& t = e.tag;
  return array_.insert(ctxOf(t.sid, t.ssid, t.ssv), t.ssv, t.vaBase, t.pageShift, e, victim);
}

unsigned SetAssocTlb::invalidateAll() {
  last_ = nullptr;
  return array_.clear();
}

unsigned SetAssocTlb::invalidateVmid(uint16_t vmid) {
  return removeIf([&](const TlbEntry& e, const auto&) { return e.tag.vmid == vmid; });
}

unsigned SetAssocTlb::invalidateAsid(uint16_t vmid, uint16_t asid) {
  return removeIf([&](const TlbEntry& e, const auto&) {
    return e.tag.vmid == vmid && e.tag.asid == asid && !e.tag.global;
  });
}

unsigned SetAssocTlb::invalidateVa(uint16_t vmid, uint16_t asid, bool asidMatch, uint64_t va,
                                   uint64_t len) {
  if (len == 0) return 0;
  // Inclusive ends, so that neither range overflows at the top of the address space.
  const uint64_t last = len - 1 > ~va ? ~uint64_t(0) : va + (len - 1);
  return removeIf([&](const TlbEntry& e, const auto& ix) {
    if (e.tag.vmid != vmid) return false;
    if (asidMatch && !(e.tag.global || e.tag.asid == asid)) return false;
    return ix.base <= last && va <= ix.last();
  });
}

unsigned SetAssocTlb::invalidateStream(uint32_t sidFirst, uint32_t sidLast) {
  return removeIf([&](const TlbEntry& e, const auto&) {
    return e.tag.sid >= sidFirst && e.tag.sid <= sidLast;
  });
}

unsigned SetAssocTlb::invalidateSubstream(uint32_t sid, uint32_t ssid) {
  const uint64_t ctx = ctxOf(sid, ssid, true);  // a non-ssv entry's context holds ssid 0
  return removeIf([&](const TlbEntry&, const auto& ix) { return ix.ctx == ctx; });
}

unsigned SetAssocTlb::invalidate(const TlbInvalidation& i) {
  using S = TlbInvalidation::Scope;
  switch (i.scope) {
    case S::All: return invalidateAll();
    case S::Vmid: return invalidateVmid(i.vmid);
    case S::Asid: return invalidateAsid(i.vmid, i.asid);
    case S::Va: return invalidateVa(i.vmid, i.asid, i.asidMatch, i.va, i.len);
    case S::Streams: return invalidateStream(i.sid, i.sidLast);
    case S::Substream: return invalidateSubstream(i.sid, i.ssid);
  }
  return 0;
}


}  // namespace smmu
