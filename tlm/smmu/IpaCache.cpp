#include "smmu/IpaCache.h"

#include "cache/WalkCache.h"

namespace smmu {

IpaCache::IpaCache(unsigned entries, unsigned ways, const std::string& policy, uint64_t seed,
                   Tick lookupPs)
    : lookupPs_(lookupPs) {
  if (entries) cache_ = std::make_unique<SetAssocTlb>(entries, ways > entries ? 0 : ways, policy,
                                                      seed);
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
  if (!c.cache_) return walk(ipa, acc, cls);
  const S2WalkConfig& cfg = walker_.config();
  ++c.lookups_;
  const TlbLookupKey key{cfg.vmid, 0, false, ipa};
  if (const TlbEntry* e = c.cache_->lookup(key)) {
    ++c.hits_;
    WalkResult r;
    r.latency = c.lookupPs_;
    r.vaBase = e->vaBase;
    r.paBase = e->paBase;
    r.pa = e->paBase + (ipa - e->vaBase);
    r.pageShift = e->pageShift;
    r.contigShift = e->pageShift;  // the cached page only
    r.level = e->level;
    r.attrs = e->attrs;
    r.ipa = ipa;
    r.cls = cls;
    const EventId perm = checkS2Permission(e->attrs, cfg, acc);
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
    TlbEntry e;
    e.sid = cfg.vmid;
    e.vmid = cfg.vmid;
    e.global = true;
    e.vaBase = r.vaBase;
    e.paBase = r.paBase;
    e.pageShift = r.pageShift;
    e.level = r.level;
    e.attrs = r.attrs;
    e.stages = 2;
    if (r.pageShift) c.cache_->insert(e);
  }
  return r;
}

}  // namespace smmu
