#include "cache/WalkCache.h"

namespace smmu {

namespace {
uint64_t alignDown(uint64_t va, unsigned shift) {
  return shift >= 64 ? 0 : va & ~((uint64_t(1) << shift) - 1);
}
}  // namespace

WalkCache::WalkCache(const std::array<unsigned, 3>& entries, unsigned ways,
                     const std::string& policy, uint64_t seed) {
  for (int l = 0; l < 3; ++l) {
    if (!entries[l]) continue;
    const unsigned w = ways == 0 || ways > entries[l] ? 0 : ways;
    level_[l] = std::make_unique<SetAssocTlb>(entries[l], w, policy, seed + l);
    enabled_ = true;
  }
}

bool WalkCache::lookup(uint64_t va, unsigned range, const WalkGeometry& geo, WalkStep& step) {
  // The deepest level first: a level-2 hit leaves one read.
  for (int l = 2; l >= std::max(geo.startLevel, 0); --l) {
    if (!level_[l]) continue;
    ++stats_[l].lookups;
    const TlbEntry* e = level_[l]->lookup(TlbLookupKey{ctx_, range, true, va});
    if (!e) continue;
    ++stats_[l].hits;
    step.level = l + 1;
    step.table = e->paBase;
    // The hierarchical attributes ride in the entry's leaf-attribute slots.
    step.apTable0 = e->attrs.el0;
    step.apTable1 = e->attrs.readOnly;
    step.uxnTable = e->attrs.uxn;
    step.pxnTable = e->attrs.pxn;
    step.readyAt = e->readyAt;
    return true;
  }
  return false;
}

void WalkCache::fill(uint64_t va, unsigned range, const WalkGeometry& geo, const WalkStep& step) {
  const int l = step.level - 1;  // the level of the table descriptor that was read
  if (l < 0 || l > 2 || !level_[l]) return;
  TlbEntry e;
  e.sid = ctx_;
  e.ssid = range;
  e.ssv = true;
  e.vmid = uint16_t(ctx_ >> 16);
  e.asid = uint16_t(ctx_ & 0xffff);
  e.pageShift = uint8_t(geo.levelShift(l));
  e.vaBase = alignDown(va, e.pageShift);
  e.paBase = step.table;
  e.level = uint8_t(l);
  e.attrs.el0 = step.apTable0;
  e.attrs.readOnly = step.apTable1;
  e.attrs.uxn = step.uxnTable;
  e.attrs.pxn = step.pxnTable;
  e.readyAt = step.readyAt;  // a walk that finds it earlier waits for the read (joins the walk)
  level_[l]->insert(e);
  ++stats_[l].fills;
}

unsigned WalkCache::invalidateAll() {
  unsigned n = 0;
  for (auto& c : level_)
    if (c) n += c->invalidateAll();
  return n;
}
unsigned WalkCache::invalidateVmid(uint16_t vmid) {
  unsigned n = 0;
  for (auto& c : level_)
    if (c) n += c->invalidateVmid(vmid);
  return n;
}
unsigned WalkCache::invalidateAsid(uint16_t vmid, uint16_t asid) {
  unsigned n = 0;
  for (auto& c : level_)
    if (c) n += c->invalidateAsid(vmid, asid);
  return n;
}
unsigned WalkCache::invalidateVa(uint16_t vmid, uint16_t asid, bool asidMatch, uint64_t va,
                                 uint64_t len) {
  unsigned n = 0;
  for (auto& c : level_)
    if (c) n += c->invalidateVa(vmid, asid, asidMatch, va, len);
  return n;
}
unsigned WalkCache::occupancy(int level) const {
  return level >= 0 && level < 3 && level_[level] ? level_[level]->occupancy() : 0;
}

}  // namespace smmu
