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
    level_[l] = std::make_unique<Array>("walk cache", entries[l], w, policy, seed + l);
    enabled_ = true;
  }
}

const WalkCacheEntry* WalkCache::find(const WalkCacheKey& k) {
  Array* a = k.level < 3 ? level_[k.level].get() : nullptr;
  if (!a) return nullptr;
  ++a->stats().lookups;
  unsigned shift = 0;
  bool smallest = false;
  return a->probe(ctxOf(k.vmid, k.asid, k.range), true, k.va, shift, smallest);
}

bool WalkCache::insert(const WalkCacheEntry& e, WalkCacheEntry* victim) {
  Array* a = e.tag.level < 3 ? level_[e.tag.level].get() : nullptr;
  if (!a) return false;
  return a->insert(ctxOf(e.tag.vmid, e.tag.asid, e.tag.range), true, e.tag.vaBase, e.tag.shift,
                   e, victim);
}

bool WalkCache::lookup(uint64_t va, unsigned range, const WalkGeometry& geo, WalkStep& step) {
  // The deepest level first: a level-2 hit leaves one read.
  for (int l = 2; l >= std::max(geo.startLevel, 0); --l) {
    if (!level_[l]) continue;
    ++stats_[l].lookups;
    const WalkCacheEntry* e = find(WalkCacheKey{vmid_, asid_, uint8_t(range), uint8_t(l),
                                                uint8_t(geo.levelShift(l)), va});
    if (!e) continue;
    ++stats_[l].hits;
    step.level = l + 1;
    step.table = e->out.table;
    step.apTable0 = e->out.apTable0;
    step.apTable1 = e->out.apTable1;
    step.uxnTable = e->out.uxnTable;
    step.pxnTable = e->out.pxnTable;
    step.readyAt = e->readyAt;
    return true;
  }
  return false;
}

void WalkCache::fill(uint64_t va, unsigned range, const WalkGeometry& geo, const WalkStep& step) {
  const int l = step.level - 1;  // the level of the table descriptor that was read
  if (l < 0 || l > 2 || !level_[l]) return;
  WalkCacheEntry e;
  e.tag.vmid = vmid_;
  e.tag.asid = asid_;
  e.tag.range = uint8_t(range);
  e.tag.level = uint8_t(l);
  e.tag.shift = uint8_t(geo.levelShift(l));
  e.tag.vaBase = alignDown(va, e.tag.shift);
  e.out.table = step.table;
  e.out.apTable0 = step.apTable0;
  e.out.apTable1 = step.apTable1;
  e.out.uxnTable = step.uxnTable;
  e.out.pxnTable = step.pxnTable;
  e.readyAt = step.readyAt;  // a walk that finds it earlier waits for the read (joins the walk)
  insert(e, nullptr);
  ++stats_[l].fills;
}

unsigned WalkCache::invalidate(const WalkCacheInvalidation& inv) {
  using S = WalkCacheInvalidation::Scope;
  // Inclusive ends, so that neither range overflows at the top of the address space.
  if (inv.scope == S::Va && inv.len == 0) return 0;
  const uint64_t last =
      inv.len - 1 > ~inv.va ? ~uint64_t(0) : inv.va + (inv.len - 1);
  unsigned n = 0;
  for (auto& a : level_) {
    if (!a) continue;
    switch (inv.scope) {
      case S::All: n += a->clear(); break;
      case S::Vmid:
        n += a->removeIf([&](const WalkCacheEntry& e, const Array::Index&) {
          return e.tag.vmid == inv.vmid;
        });
        break;
      case S::Asid:
        n += a->removeIf([&](const WalkCacheEntry& e, const Array::Index&) {
          return e.tag.vmid == inv.vmid && e.tag.asid == inv.asid;
        });
        break;
      case S::Va:
        n += a->removeIf([&](const WalkCacheEntry& e, const Array::Index& ix) {
          if (e.tag.vmid != inv.vmid) return false;
          if (inv.asidMatch && e.tag.asid != inv.asid) return false;
          return ix.base <= last && inv.va <= ix.last();
        });
        break;
    }
  }
  return n;
}

unsigned WalkCache::invalidateVmid(uint16_t vmid) {
  WalkCacheInvalidation i;
  i.scope = WalkCacheInvalidation::Scope::Vmid;
  i.vmid = vmid;
  return invalidate(i);
}
unsigned WalkCache::invalidateAsid(uint16_t vmid, uint16_t asid) {
  WalkCacheInvalidation i;
  i.scope = WalkCacheInvalidation::Scope::Asid;
  i.vmid = vmid;
  i.asid = asid;
  return invalidate(i);
}
unsigned WalkCache::invalidateVa(uint16_t vmid, uint16_t asid, bool asidMatch, uint64_t va,
                                 uint64_t len) {
  WalkCacheInvalidation i;
  i.scope = WalkCacheInvalidation::Scope::Va;
  i.vmid = vmid;
  i.asid = asid;
  i.asidMatch = asidMatch;
  i.va = va;
  i.len = len;
  return invalidate(i);
}

unsigned WalkCache::occupancy(int level) const {
  return level >= 0 && level < 3 && level_[level] ? level_[level]->occupancy() : 0;
}
unsigned WalkCache::occupancy() const { return occupancy(0) + occupancy(1) + occupancy(2); }
unsigned WalkCache::capacity() const {
  unsigned n = 0;
  for (const auto& a : level_)
    if (a) n += a->capacity();
  return n;
}


}  // namespace smmu
