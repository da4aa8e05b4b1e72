#include "smmu/SmmuStatistics.h"

namespace smmu {

namespace {

using S = SmmuStats;

std::vector<Statistic<SmmuStats>> table() {
  constexpr uint8_t kBoth = kSmmuRecord | kTcuRecord;
  return {
      countStat("translations", "transactions", "translations requested of the SMMU's TBUs",
                &S::translations),
      countStat("tlb_lookups", "lookups", "main TLB lookups, every TBU's", &S::tlbLookups),
      countStat("tlb_hits", "lookups",
                "main TLB lookups that hit, hits on an entry whose fill is in flight included",
                &S::tlbHits),
      countStat("tlb_hits_under_fill", "lookups",
                "main TLB hits on an entry whose fill was still in flight (they waited for it)",
                &S::tlbHitsUnderFill),
      ratioStat("tlb_hit_rate", "fraction", "tlb_hits / tlb_lookups", &S::tlbHits, &S::tlbLookups),
      countStat("config_lookups", "lookups", "configuration cache lookups (STE and CD)",
                &S::configLookups, kBoth),
      countStat("config_hits", "lookups", "configuration cache lookups that hit", &S::configHits,
                kBoth),
      countStat("config_hits_under_fill", "lookups",
                "configuration cache hits that waited for a fetch in flight",
                &S::configHitsUnderFill),
      ratioStat("config_cache_hit_rate", "fraction", "config_hits / config_lookups", &S::configHits,
                &S::configLookups),
      countStat("walks", "walks", "translation table walks started", &S::walks, kBoth),
      countStat("walk_reads", "reads", "descriptor reads of the table walks", &S::walkReads),
      countStat("config_reads", "reads", "STE, CD and L1 descriptor reads of config fetches",
                &S::configReads),
      ratioStat("memory_accesses_per_walk", "reads/walk", "walk_reads / walks", &S::walkReads,
                &S::walks),
      ratioStat<S>(
          "memory_accesses_per_miss", "reads/miss",
          "(walk_reads + config_reads) / main TLB misses (the TBUs' misses)",
          [](const S& s) { return s.walkReads + s.configReads; },
          [](const S& s) { return s.tlbMisses; }),
      countStat("bypassed", "transactions",
                "transactions not translated (SMMU disabled without GBPA.ABORT, STE bypass)",
                &S::bypassed),
      countStat("aborted", "transactions",
                "transactions terminated (STE abort, SMMU disabled with GBPA.ABORT)", &S::aborted),
      countStat("faulted", "transactions",
                "transactions that ended in a translation or configuration fault (aborts not "
                "included)",
                &S::faulted),
      countStat("events_recorded", "events", "event records written to the event queue",
                &S::eventsRecorded),
      countStat("events_suppressed", "events",
                "faults that wrote no event record (the configuration suppresses it)",
                &S::eventsSuppressed),
      countStat("events_lost", "events", "event records lost: the event queue full or disabled",
                &S::eventsLost),
      countStat("commands", "commands", "commands consumed from the command queue", &S::commands),
      countStat("syncs", "commands", "CMD_SYNCs consumed", &S::syncs),
      countStat("command_errors", "commands", "commands that raised a command queue error",
                &S::commandErrors),
      countStat("tlb_entries_invalidated", "entries",
                "TLB entries removed by invalidation commands", &S::tlbInvalidated),
      countStat("config_entries_invalidated", "entries",
                "configuration cache entries removed by invalidation commands",
                &S::configInvalidated),
      countStat("utlb_lookups", "lookups", "micro TLB lookups, every port's", &S::utlbLookups),
      countStat("utlb_hits", "lookups",
                "micro TLB lookups that hit, hits on an entry whose fill is in flight included",
                &S::utlbHits),
      ratioStat("utlb_hit_rate", "fraction", "utlb_hits / utlb_lookups", &S::utlbHits,
                &S::utlbLookups),
      countStat("walk_cache_hits", "walks", "walks that resumed from a walk cache entry",
                &S::walkCacheHits, kBoth),
      countStat("s2_walk_cache_hits", "walks",
                "stage-2 walks that resumed from a stage-2 walk cache entry", &S::s2WalkCacheHits,
                kBoth),
      countStat("walk_joins", "walks",
                "walks that joined a walk in flight reading a table they need (prefix "
                "coalescing)",
                &S::walkJoins),
      timeStat("walk_join_wait_ns", "time the joining walks waited for the walk they joined",
               &S::walkJoinWait),
      countStat("contiguous_fills", "fills", "TLB fills that cover a contiguous-hint span",
                &S::contiguousFills),
      countStat("walk_cache_entries_invalidated", "entries",
                "walk cache entries removed by invalidation commands", &S::walkCacheInvalidated),
      countStat("tbu_requests", "requests",
                "translation requests that arrived over the TBU links (the sum of the TBUs' "
                "link_requests)",
                &S::tbuRequests, kTcuRecord),
      timeStat("sync_tbu_wait_ns", "CMD_SYNC time spent waiting for the TBUs' acknowledgements",
               &S::syncTbuWait, kTcuRecord),
  };
}

}  // namespace

const std::vector<Statistic<SmmuStats>>& smmuStatistics() {
  static const std::vector<Statistic<SmmuStats>> t = table();
  return t;
}

const Statistic<SmmuStats>* findSmmuStatistic(const std::string& key) {
  return findStatistic(smmuStatistics(), key);
}

}  // namespace smmu
