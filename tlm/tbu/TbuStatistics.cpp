#include "tbu/TbuStatistics.h"

namespace smmu {

namespace {

using S = TbuStats;

std::vector<Statistic<TbuStats>> table() {
  return {
      countStat("translations", "transactions", "translations requested of the TBU",
                &S::translations),
      countStat("utlb_hits", "lookups",
                "micro TLB lookups that hit, hits on an entry whose fill is in flight included",
                &S::utlbHits),
      countStat("tlb_hits", "lookups",
                "main TLB lookups that hit, hits on an entry whose fill is in flight included",
                &S::tlbHits),
      countStat("misses", "lookups",
                "main TLB misses (each sends a translation request to the TCU)", &S::misses),
      countStat("link_requests", "requests", "translation requests sent to the TCU over the link",
                &S::linkRequests),
      countStat("link_responses", "responses", "translation responses received from the TCU",
                &S::linkResponses),
      countStat("link_invalidations", "messages",
                "invalidation messages received (one per TLBI / CFGI)", &S::linkInvalidations),
      countStat("link_syncs", "messages", "syncs received from the TCU (and acknowledged)",
                &S::linkSyncs),
      timeStat("link_wait_ns", "time the TBU's messages waited for a flit slot, both ways",
               &S::linkWait),
  };
}

}  // namespace

const std::vector<Statistic<TbuStats>>& tbuStatistics() {
  static const std::vector<Statistic<TbuStats>> t = table();
  return t;
}

const Statistic<TbuStats>* findTbuStatistic(const std::string& key) {
  return findStatistic(tbuStatistics(), key);
}

}  // namespace smmu
