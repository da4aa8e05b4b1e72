// A TBU (translation buffer unit) of an MMU-600/700-class SMMU: a micro TLB per device port and
// one main TLB next to the devices, translation slots, and its end of the link (Arm's DTI) to
// the TCU, which walks on its behalf. Pure C++ state owned by SmmuCore, which runs the hit path
// through it and sends its misses over the link; the SystemC Smmu gives each device port the
// TBU it is wired to. Its link: tbu/DtiLink.h (link_latency_ns, link_bytes_per_ns).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arch/Types.h"
#include "cache/Tlb.h"
#include "cache/TlbIf.h"
#include "mem/ResourcePool.h"
#include "smmu/SmmuConfig.h"
#include "tbu/DtiLink.h"

namespace smmu {

// Counters of one TBU (the names are the ones stats.json uses).
// The hit path's counters live here (SmmuCore::stats() adds them up over the TBUs).
struct TbuStats {
  uint64_t translations = 0;
  uint64_t utlbLookups = 0, utlbHits = 0;  // micro TLB (hits include hits on a fill in flight)
  uint64_t tlbLookups = 0, tlbHits = 0;    // main TLB (likewise)
  uint64_t misses = 0;                 // main-TLB misses (each sends a request to the TCU)
  uint64_t hitsUnderFill = 0;          // hits on an entry whose fill was still in flight
  uint64_t linkRequests = 0;           // translation requests sent up the link
  uint64_t linkResponses = 0;          // translation responses received
  uint64_t linkInvalidations = 0;      // invalidation messages received (one per TLBI/CFGI)
  uint64_t linkSyncs = 0;              // syncs received (and acknowledged)
  Tick linkWait = 0;                   // time messages waited for a flit slot (both ways)
};

class Tbu {
 public:
  // cfg: the SMMU's configuration as this TBU sees it (tbuConfig). tlb: a main TLB to use (an
  // RTL one, another policy); null builds the configured set-associative one. TBU 0 seeds its
  // replacement as a single-TBU SMMU always did.
  Tbu(std::string name, unsigned index, const SmmuConfig& cfg, std::unique_ptr<TlbIf> tlb);

  const std::string& name() const { return name_; }
  unsigned index() const { return index_; }
  const SmmuConfig& config() const { return cfg_; }

  TlbIf& tlb() { return *tlb_; }
  // The main TLB when it is a SetAssocTlb (the hit path's direct call), else null.
  SetAssocTlb* defaultTlb() const { return defaultTlb_; }
  // The port's micro TLB (created on first use), or null without micro TLBs.
  SetAssocTlb* utlbFor(uint32_t port) {
    if (!hasUtlbs_) return nullptr;
    if (port < utlbs_.size() && utlbs_[port]) return utlbs_[port].get();
    return makeUtlb(port);
  }
  SetAssocTlb* utlbIfAny(uint32_t port) const {
    return port < utlbs_.size() ? utlbs_[port].get() : nullptr;
  }
  bool hasUtlbs() const { return hasUtlbs_; }
  // An invalidation applied to the main TLB and every micro TLB: the entries removed.
  unsigned invalidate(const TlbInvalidation& inv) {
    unsigned n = tlb_->invalidate(inv);
    for (auto& u : utlbs_)
      if (u) n += u->invalidate(inv);
    return n;
  }

  ResourcePool& xlateSlots() { return xlate_; }
  const ResourcePool& xlateSlots() const { return xlate_; }
  ResourcePool& tlbLookupSlots() { return tlbPorts_; }
  const ResourcePool& tlbLookupSlots() const { return tlbPorts_; }
  Tick utlbLookupPs() const { return utlbLookupPs_; }
  Tick tlbLookupPs() const { return tlbLookupPs_; }

  LinkChannel& up() { return up_; }
  LinkChannel& down() { return down_; }

  // Invalidations have come down the link since the last sync (the next CMD_SYNC waits for
  // this TBU's acknowledgement).
  bool invalidationsUnsynced = false;
  // The latest completion of a transaction (or translation) it has accepted: a SYNC is
  // acknowledged no earlier (those in flight at an invalidation may use what it removes).
  void noteDone(Tick end) {
    if (end > doneBy_) doneBy_ = end;
  }
  Tick doneBy() const { return doneBy_; }

  TbuStats& stats() { return stats_; }
  const TbuStats& stats() const { return stats_; }
  void resetStats();

 private:
  SetAssocTlb* makeUtlb(uint32_t port);

  // What a hit touches first, together (the hit path reads these and nothing else here).
  SetAssocTlb* defaultTlb_ = nullptr;
  bool hasUtlbs_ = false;
  Tick utlbLookupPs_ = 0, tlbLookupPs_ = 0;
  ResourcePool xlate_;     // translation slots
  ResourcePool tlbPorts_;  // main TLB lookup slots
  TbuStats stats_;
  Tick doneBy_ = 0;
  std::vector<std::unique_ptr<SetAssocTlb>> utlbs_;  // per port, created on first use
  std::unique_ptr<TlbIf> tlb_;
  LinkChannel up_, down_;
  std::string name_;
  unsigned index_;
  SmmuConfig cfg_;
};

}  // namespace smmu
