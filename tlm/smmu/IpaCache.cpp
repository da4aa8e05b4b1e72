#include "smmu/IpaCache.h"

#include "cache/WalkCache.h"

namespace smmu {

IpaCache::IpaCache(unsigned entries, unsigned ways, const std::string& policy, uint64_t seed,
                   Tick lookupPs)
    : lookupPs_(lookupPs) {
  if (entries)
    array_ = std::make_unique<Array>("IPA cache", entries, ways > entries ? 0 : ways, policy,
                                     seed);
}

const IpaCacheEntry* IpaCache::find(const IpaCacheKey& k) {
  if (!array_) return nullptr;
  ++array_->stats().lookups;
  unsigned shift = 0;
  bool smallest = false;
  return array_->probe(ctxOf(k.vmid), false, k.ipa, shift, smallest);
}

bool IpaCache::insert(const IpaCacheEntry& e, IpaCacheEntry* victim) {
  if (!array_) return false;
  return array_->insert(ctxOf(e.tag.vmid), false, e.tag.ipaBase, e.tag.pageShift, e, victim);
}

unsigned IpaCache::invalidate(const IpaCacheInvalidation& inv) {
  if (!array_) return 0;
  using S = IpaCacheInvalidation::Scope;
  switch (inv.scope) {
    case S::All: return array_->clear();
    case S::Vmid:
      return array_->removeIf(
          [&](const IpaCacheEntry& e, const Array::Index&) { return e.tag.vmid == inv.vmid; });
    case S::Ipa: {
      if (inv.len == 0) return 0;
      const uint64_t last = inv.len - 1 > ~inv.ipa ? ~uint64_t(0) : inv.ipa + (inv.len - 1);
      return array_->removeIf([&](const IpaCacheEntry& e, const Array::Index& ix) {
        return e.tag.vmid == inv.vmid && ix.base <= last && inv.ipa <= ix.last();
      });
    }
  }
  return 0;
}


IpaCache::Translator::Translator(IpaCache& c, const S2WalkConfig& cfg, PhysMemIf& mem)
    : cache_(c), walker_(cfg, mem, c.s2WalkCache_) {
  if (c.s2WalkCache_) c.s2WalkCache_->setContext(cfg.vmid, 0);
}

// A stage-2 walk, through the stage-2 walk cache when there is one.
WalkResult IpaCache::Translator::walk(uint64_t ipa, const AccessAttrs& acc, uint8_t cls) {
  WalkResult r = walker_.translate(ipa, acc, cls);
  if (cache_.s2WalkCache_) r.latency += cache_.s2WalkLookupPs_;
  return r;
}

WalkResult IpaCache::Translator::translate(uint64_t ipa, const AccessAttrs& acc, uint8_t cls) {
  IpaCache& c = cache_;
  if (!c.enabled()) return walk(ipa, acc, cls);
  const S2WalkConfig& cfg = walker_.config();
  ++c.lookups_;
  if (const IpaCacheEntry* e = c.find(IpaCacheKey{cfg.vmid, ipa})) {
    ++c.hits_;
    WalkResult r;
    r.latency = c.lookupPs_;
    r.vaBase = e->tag.ipaBase;
    r.paBase = e->out.paBase;
    r.pa = e->out.paBase + (ipa - e->tag.ipaBase);
    r.pageShift = e->tag.pageShift;
    r.contigShift = e->tag.pageShift;  // the cached page only
    r.level = e->out.level;
    r.attrs = e->out.attrs;
    r.ipa = ipa;
    r.cls = cls;
    const EventId perm = checkS2Permission(e->out.attrs, cfg, acc);
    if (perm != EventId::None) {
      r.fault = perm;
      r.s2 = true;
    }
    return r;
  }
  WalkResult r = walk(ipa, acc, cls);
  r.latency += c.lookupPs_;
  // Cache the translation (also when only the permission check failed: the mapping is valid).
  if (r.fault == EventId::None || r.fault == EventId::F_PERMISSION) {
    IpaCacheEntry e;
    e.tag.vmid = cfg.vmid;
    e.tag.ipaBase = r.vaBase;
    e.tag.pageShift = r.pageShift;
    e.out.paBase = r.paBase;
    e.out.level = r.level;
    e.out.attrs = r.attrs;
    if (r.pageShift) c.insert(e, nullptr);
  }
  return r;
}

}  // namespace smmu
