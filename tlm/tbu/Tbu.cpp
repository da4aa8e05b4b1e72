#include "tbu/Tbu.h"

#include <cmath>

namespace smmu {

Tbu::Tbu(std::string name, unsigned index, const SmmuConfig& cfg, std::unique_ptr<TlbIf> tlb)
    : tlb_(std::move(tlb)), name_(std::move(name)), index_(index), cfg_(cfg) {
  hasUtlbs_ = cfg_.utlbEntries != 0;
  // TBU 0 keeps the seeds of a single-TBU SMMU (results of existing scenarios do not move).
  const uint64_t seed = cfg_.seed + uint64_t(index_) * 1000003;
  if (!tlb_) tlb_ = std::make_unique<SetAssocTlb>(cfg_.tlbEntries, cfg_.tlbWays, cfg_.tlbPolicy, seed);
  defaultTlb_ = dynamic_cast<SetAssocTlb*>(tlb_.get());
  xlate_.resize(cfg_.tbuXlateSlots);
  tlbPorts_.resize(cfg_.tlbLookupSlots);
  utlbLookupPs_ = Tick(cfg_.timing.utlbLookupCycles) * cfg_.timing.clockPeriodPs;
  tlbLookupPs_ = Tick(cfg_.timing.tlbLookupCycles) * cfg_.timing.clockPeriodPs;
  up_.configure(cfg_.linkLatencyNs, cfg_.linkBytesPerNs);
  down_.configure(cfg_.linkLatencyNs, cfg_.linkBytesPerNs);
}

// A port's micro TLB, created on the port's first translation (out of the hit path).
__attribute__((noinline)) SetAssocTlb* Tbu::makeUtlb(uint32_t port) {
  if (port >= utlbs_.size()) utlbs_.resize(size_t(port) + 1);
  auto& u = utlbs_[port];
  if (!u)
    u = std::make_unique<SetAssocTlb>(cfg_.utlbEntries, cfg_.utlbWays, cfg_.utlbPolicy,
                                      cfg_.seed + uint64_t(index_) * 1000003 + 101 + port);
  return u.get();
}

void Tbu::resetStats() {
  stats_ = TbuStats{};
  xlate_.resetCounters();
  tlbPorts_.resetCounters();
}

}  // namespace smmu
