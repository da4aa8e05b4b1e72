// The TCU's IPA cache: stage-2 translations (IPA page -> PA page with S2 attributes) tagged by
// VMID, consulted for every stage-2 translation of a nested or stage-2 walk (the stage-1 table
// addresses, CD addresses and the final IPA). A hit costs ipa_cache_lookup_cycles and no
// memory access; that is what cuts a nested 4 x 4-level walk from 24 reads towards 4 + 1.
// TLBI_S2_IPA, TLBI_S12_VMALL and TLBI_NSNH_ALL remove entries.
#pragma once
#include <memory>

#include "cache/Tlb.h"
#include "walk/Stage2Walker.h"

namespace smmu {

class IpaCache {
 public:
  IpaCache(unsigned entries, unsigned ways, const std::string& policy, uint64_t seed,
           Tick lookupPs);
  bool enabled() const { return cache_ != nullptr; }
  // The stage-2 walk cache the walks behind this cache use (VMID context set per walk), and
  // its lookup latency, added to every stage-2 walk that consults it.
  void setS2WalkCache(class WalkCache* wc, Tick lookupPs) {
    s2WalkCache_ = wc;
    s2WalkLookupPs_ = lookupPs;
  }
  SetAssocTlb* cache() { return cache_.get(); }
  uint64_t hits() const { return hits_; }
  uint64_t lookups() const { return lookups_; }

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
  friend class Translator;
  std::unique_ptr<SetAssocTlb> cache_;
  Tick lookupPs_;
  class WalkCache* s2WalkCache_ = nullptr;
  Tick s2WalkLookupPs_ = 0;
  uint64_t hits_ = 0, lookups_ = 0;
};

}  // namespace smmu
