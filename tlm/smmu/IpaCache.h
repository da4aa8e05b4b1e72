// The TCU's IPA cache: stage-2 translations (IPA page -> PA page with S2 attributes) tagged by
// VMID, consulted for every stage-2 translation of a nested or stage-2 walk (the stage-1 table
// addresses, CD addresses and the final IPA). A hit costs ipa_cache_lookup_cycles and no
// memory access; that is what cuts a nested 4 x 4-level walk from 24 reads towards 4 + 1.
// TLBI_S2_IPA, TLBI_S12_VMALL and TLBI_NSNH_ALL remove entries. Its interface is IpaCacheIf
// (cache/CacheIf.h: split-phase, answers by value).
#pragma once
#include <memory>

#include "cache/CacheIf.h"
#include "cache/SetAssocArray.h"
#include "walk/Stage2Walker.h"

namespace smmu {

struct IpaCacheTag {
  uint16_t vmid = 0;
  uint64_t ipaBase = 0;  // aligned to 2^pageShift
  uint8_t pageShift = 12;
};
struct IpaCacheOutput {
  PhysAddr paBase = 0;
  uint8_t level = 3;  // of the stage-2 leaf
  LeafAttrs attrs;    // its stage-2 attributes (s2Read, s2Write, XN, MemAttr)
};
struct IpaCacheEntry {
  IpaCacheTag tag;
  IpaCacheOutput out;
};
struct IpaCacheKey {
  uint16_t vmid = 0;
  uint64_t ipa = 0;
};
struct IpaCacheInvalidation {
  enum class Scope : uint8_t {
    All,   // TLBI_NSNH_ALL
    Vmid,  // TLBI_S12_VMALL
    Ipa,   // TLBI_S2_IPA: entries of vmid overlapping [ipa, ipa + len)
  };
  Scope scope = Scope::All;
  uint16_t vmid = 0;
  uint64_t ipa = 0, len = 0;
};

class IpaCacheIf : public CacheIf<IpaCacheKey, IpaCacheEntry, IpaCacheInvalidation> {};

class IpaCache final : public ImmediateCache<IpaCacheIf, IpaCache> {
 public:
  IpaCache(unsigned entries, unsigned ways, const std::string& policy, uint64_t seed,
           Tick lookupPs);
  bool enabled() const { return array_ != nullptr; }
  // The stage-2 walk cache the walks behind this cache use (VMID context set per walk), and
  // its lookup latency, added to every stage-2 walk that consults it.
  void setS2WalkCache(class WalkCache* wc, Tick lookupPs) {
    s2WalkCache_ = wc;
    s2WalkLookupPs_ = lookupPs;
  }
  uint64_t hits() const { return hits_; }
  uint64_t lookups() const { return lookups_; }
  unsigned invalidate(const IpaCacheInvalidation& inv);
  unsigned capacity() const override { return array_ ? array_->capacity() : 0; }
  unsigned occupancy() const override { return array_ ? array_->occupancy() : 0; }

  // A translator for one walk's stage-2 configuration that goes through this cache.
  class Translator : public S2Translator {
   public:
    Translator(IpaCache& c, const S2WalkConfig& cfg, PhysMemIf& mem);
    WalkResult translate(uint64_t ipa, const AccessAttrs& acc, uint8_t cls) override;

   private:
    WalkResult walk(uint64_t ipa, const AccessAttrs& acc, uint8_t cls);
    IpaCache& cache_;
    S2WalkTranslator walker_;
  };

 private:
  friend class ImmediateCache<IpaCacheIf, IpaCache>;
  friend class Translator;
  using Array = SetAssocArray<IpaCacheEntry>;
  static uint64_t ctxOf(uint16_t vmid) { return uint64_t(vmid) << 32; }
  const IpaCacheEntry* find(const IpaCacheKey& k);
  bool insert(const IpaCacheEntry& e, IpaCacheEntry* victim);

  std::unique_ptr<Array> array_;
  Tick lookupPs_;
  class WalkCache* s2WalkCache_ = nullptr;
  Tick s2WalkLookupPs_ = 0;
  uint64_t hits_ = 0, lookups_ = 0;
};

}  // namespace smmu
