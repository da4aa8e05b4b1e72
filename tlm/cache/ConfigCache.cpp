#include "cache/ConfigCache.h"

namespace smmu {

SetAssocConfigCache::SetAssocConfigCache(unsigned entries, unsigned ways, std::string_view policy,
                                         uint64_t seed) {
  CacheGeometry g = CacheGeometry::make("config cache", entries, ways);
  sets_ = g.sets;
  ways_ = g.ways;
  setMask_ = sets_ - 1;
  policy_ = makeReplacementPolicy(policy, sets_, ways_, seed);
  tags_.assign(size_t(sets_) * ways_, Tag{0, 0});
  entries_.resize(size_t(sets_) * ways_);
}

unsigned SetAssocConfigCache::setIndex(uint64_t ctx, uint8_t meta) const {
  // StreamID XOR a hash of (ssid, ssv): for one substream, consecutive StreamIDs land in
  // consecutive sets (permuted); the substreams of one StreamID are spread by the hash.
  uint64_t h = ((ctx & 0xffffffffu) ^ (uint64_t(meta) << 32)) * 0x9e3779b97f4a7c15ull;
  return unsigned(((ctx >> 32) ^ (h >> 32)) & setMask_);
}

const ConfigEntry* SetAssocConfigCache::find(uint32_t sid, uint32_t ssid, bool ssv) {
  ++stats_.lookups;
  const uint64_t ctx = ctxOf(sid, ssid, ssv);
  const uint8_t meta = metaOf(ssv);
  const unsigned set = setIndex(ctx, meta);
  const size_t base = size_t(set) * ways_;
  for (unsigned w = 0; w < ways_; ++w) {
    const Tag& t = tags_[base + w];
    if (t.meta == meta && t.ctx == ctx) {
      ++stats_.hits;
      policy_->touch(set, w);
      return &entries_[base + w];
    }
  }
  ++stats_.misses;
  return nullptr;
}

bool SetAssocConfigCache::insert(const ConfigEntry& e, ConfigEntry* victim) {
  ++stats_.fills;
  const uint64_t ctx = ctxOf(e.tag.sid, e.tag.ssid, e.tag.ssv);
  const uint8_t meta = metaOf(e.tag.ssv);
  const unsigned set = setIndex(ctx, meta);
  const size_t base = size_t(set) * ways_;
  unsigned way = ways_;
  for (unsigned w = 0; w < ways_; ++w) {
    const Tag& t = tags_[base + w];
    if (t.meta == meta && t.ctx == ctx) {
      entries_[base + w] = e;
      policy_->touch(set, w);
      return false;
    }
    if (t.meta == 0 && way == ways_) way = w;
  }
  bool evicted = false;
  if (way == ways_) {
    way = policy_->victim(set);
    ++stats_.evictions;
    --occupancy_;
    evicted = true;
    if (victim) *victim = entries_[base + way];
  }
  tags_[base + way] = Tag{ctx, meta};
  entries_[base + way] = e;
  ++occupancy_;
  policy_->fill(set, way);
  return evicted;
}

template <class Pred>
unsigned SetAssocConfigCache::removeIf(Pred pred) {
  unsigned n = 0;
  for (size_t i = 0; i < tags_.size() && occupancy_ != 0; ++i) {
    if (tags_[i].meta != 0 && pred(tags_[i])) {
      tags_[i].meta = 0;
      --occupancy_;
      policy_->invalidate(unsigned(i / ways_), unsigned(i % ways_));
      ++n;
    }
  }
  stats_.invalidated += n;
  return n;
}

unsigned SetAssocConfigCache::invalidateAll() {
  unsigned n = occupancy_;
  for (auto& t : tags_) t.meta = 0;
  occupancy_ = 0;
  policy_->reset();
  stats_.invalidated += n;
  return n;
}

unsigned SetAssocConfigCache::invalidateSidRange(uint32_t first, uint32_t last) {
  return removeIf([&](const Tag& t) {
    uint32_t sid = uint32_t(t.ctx >> 32);
    return sid >= first && sid <= last;
  });
}

unsigned SetAssocConfigCache::invalidateCd(uint32_t sid, uint32_t ssid) {
  const uint64_t ctx = ctxOf(sid, ssid, true);  // a non-ssv entry's ctx holds ssid 0
  return removeIf([&](const Tag& t) { return t.ctx == ctx; });
}

unsigned SetAssocConfigCache::invalidateCdAll(uint32_t sid) {
  return removeIf([&](const Tag& t) { return uint32_t(t.ctx >> 32) == sid; });
}

unsigned SetAssocConfigCache::invalidate(const ConfigInvalidation& i) {
  using S = ConfigInvalidation::Scope;
  switch (i.scope) {
    case S::All: return invalidateAll();
    case S::Streams: return invalidateSidRange(i.sid, i.sidLast);
    case S::Cd: return invalidateCd(i.sid, i.ssid);
    case S::CdAll: return invalidateCdAll(i.sid);
  }
  return 0;
}


}  // namespace smmu
