#include "Report.h"

#include <cstdio>

#include <fmt/format.h>

namespace smmu::tb {

namespace {

double ratio(uint64_t num, uint64_t den) { return den ? double(num) / double(den) : 0.0; }
double ns(uint64_t ps) { return double(ps) / 1000.0; }

// Rounds to 1e-6 so that the printed decimals are short and stable.
double round6(double v) { return double(int64_t(v * 1e6 + (v >= 0 ? 0.5 : -0.5))) / 1e6; }

nlohmann::json faultsJson(const SmmuStats& s) {
  nlohmann::json f = nlohmann::json::object();
  for (unsigned id = 1; id < s.faultsById.size(); ++id)
    if (s.faultsById[id]) f[std::string(eventName(EventId(id)))] = s.faultsById[id];
  return f;
}

}  // namespace

nlohmann::json latencyJson(const LatencyHistogram& h) {
  return {{"min", ns(h.min())},     {"mean", round6(h.mean() / 1000.0)}, {"p50", ns(h.p50())},
          {"p90", ns(h.p90())},     {"p99", ns(h.p99())},                {"max", ns(h.max())}};
}

nlohmann::json makeStatsJson(const RunRecord& run) {
  nlohmann::json j;
  j["scenario"] = run.scenario->name;
  j["seed"] = run.scenario->seed;
  j["sim_time_ns"] = round6(run.simTimeNs);

  LatencyHistogram all;
  uint64_t issued = 0, completed = 0, faulted = 0, aborted = 0, hits = 0, walks = 0, reads = 0;
  nlohmann::json devs = nlohmann::json::array();
  for (const auto& d : run.devices) {
    const DeviceStats& s = *d.stats;
    all.merge(s.latency);
    issued += s.issued;
    completed += s.completed;
    faulted += s.faulted;
    aborted += s.aborted;
    hits += s.tlbHits;
    walks += s.walks;
    reads += s.walkReads;
    nlohmann::json r;
    r["name"] = d.name;
    r["group"] = d.group;
    r["smmu"] = d.smmu;
    r["sid"] = d.sid;
    if (d.ssv) r["ssid"] = d.ssid;
    r["pattern"] = d.pattern;
    r["issued"] = s.issued;
    r["completed"] = s.completed;
    r["faulted"] = s.faulted;
    r["aborted"] = s.aborted;
    r["latency_ns"] = latencyJson(s.latency);
    r["tlb_hit_rate"] = round6(ratio(s.tlbHits, s.issued));
    r["walks"] = s.walks;
    r["memory_accesses_per_walk"] = round6(ratio(s.walkReads, s.walks));
    devs.push_back(std::move(r));
  }

  uint64_t cfgLookups = 0, cfgHits = 0, tlbLookups = 0, tlbHits = 0, events = 0;
  nlohmann::json smmus = nlohmann::json::array();
  for (const auto& m : run.smmus) {
    const SmmuStats& s = *m.stats;
    cfgLookups += s.configLookups;
    cfgHits += s.configHits;
    tlbLookups += s.tlbLookups;
    tlbHits += s.tlbHits;
    events += s.eventsRecorded;
    nlohmann::json r;
    r["name"] = m.name;
    r["translations"] = s.translations;
    r["tlb_lookups"] = s.tlbLookups;
    r["tlb_hits"] = s.tlbHits;
    r["tlb_hits_under_fill"] = s.tlbHitsUnderFill;
    r["tlb_hit_rate"] = round6(ratio(s.tlbHits, s.tlbLookups));
    r["config_lookups"] = s.configLookups;
    r["config_hits"] = s.configHits;
    r["config_hits_under_fill"] = s.configHitsUnderFill;
    r["config_cache_hit_rate"] = round6(ratio(s.configHits, s.configLookups));
    r["walks"] = s.walks;
    r["walk_reads"] = s.walkReads;
    r["config_reads"] = s.configReads;
    r["memory_accesses_per_walk"] = round6(ratio(s.walkReads, s.walks));
    r["memory_accesses_per_miss"] = round6(ratio(s.walkReads + s.configReads, s.tlbMisses));
    r["bypassed"] = s.bypassed;
    r["aborted"] = s.aborted;
    r["faulted"] = s.faulted;
    r["faults"] = faultsJson(s);
    r["events_recorded"] = s.eventsRecorded;
    r["events_suppressed"] = s.eventsSuppressed;
    r["events_lost"] = s.eventsLost;
    r["commands"] = s.commands;
    r["syncs"] = s.syncs;
    r["command_errors"] = s.commandErrors;
    r["tlb_entries_invalidated"] = s.tlbInvalidated;
    r["config_entries_invalidated"] = s.configInvalidated;
    r["table_bytes"] = m.tableBytes;
    r["utlb_lookups"] = s.utlbLookups;
    r["utlb_hits"] = s.utlbHits;
    r["utlb_hit_rate"] = round6(ratio(s.utlbHits, s.utlbLookups));
    r["walk_cache_hits"] = s.walkCacheHits;
    r["s2_walk_cache_hits"] = s.s2WalkCacheHits;
    r["walk_joins"] = s.walkJoins;  // walks that joined a walk in flight (prefix coalescing)
    r["walk_join_wait_ns"] = ns(s.walkJoinWait);
    r["contiguous_fills"] = s.contiguousFills;
    r["walk_cache_entries_invalidated"] = s.walkCacheInvalidated;
    const double window = run.simTimeNs - run.trafficStartNs;
    if (m.walkers) {
      nlohmann::json w;
      w["walks"] = m.walkers->jobs();
      w["waited"] = m.walkers->jobsThatWaited();
      w["mean_wait_ns"] = round6(m.walkers->jobs() ? ns(m.walkers->waitSum()) /
                                                          double(m.walkers->jobs())
                                                    : 0.0);
      w["max_wait_ns"] = ns(m.walkers->maxWait());
      // Mean number of busy walkers over the run, and per walker when their number is set.
      const double busy = window > 0 ? ns(m.walkers->busySum()) / window : 0.0;
      w["mean_busy"] = round6(busy);
      if (m.walkerCount) w["occupancy"] = round6(busy / m.walkerCount);
      w["arbitration"] = std::string(arbitrationName(m.arbitration));
      if (const WalkerArbitrationStats* a = m.arbitrationStats) {
        // Waits for a walker by the transactions' QoS (the QoS levels that asked), and the
        // misses that took another walk's fill while they waited.
        nlohmann::json q = nlohmann::json::array();
        for (unsigned level = 0; level < a->byQos.size(); ++level) {
          const auto& x = a->byQos[level];
          if (!x.walks) continue;
          nlohmann::json e;
          e["qos"] = level;
          e["walks"] = x.walks;
          e["waited"] = x.waited;
          e["mean_wait_ns"] = round6(ns(x.waitSum) / double(x.walks));
          e["max_wait_ns"] = ns(x.maxWait);
          q.push_back(std::move(e));
        }
        w["by_qos"] = std::move(q);
        w["served_by_fill"] = a->servedByFill;
      }
      r["walkers"] = std::move(w);
    }
    // Lookup bandwidth of the shared caches, where it is bounded.
    nlohmann::json lk;
    for (const auto& [name, pool] : m.lookupSlots) {
      if (!pool || !pool->limited()) continue;
      nlohmann::json w;
      w["lookups"] = pool->jobs();
      w["waited"] = pool->jobsThatWaited();
      w["mean_wait_ns"] =
          round6(pool->jobs() ? ns(pool->waitSum()) / double(pool->jobs()) : 0.0);
      w["max_wait_ns"] = ns(pool->maxWait());
      w["occupancy"] =
          round6(window > 0 ? ns(pool->busySum()) / window / double(pool->servers()) : 0.0);
      lk[name] = std::move(w);
    }
    if (!lk.empty()) r["lookup_slots"] = std::move(lk);
    if (m.slots) {
      nlohmann::json w;
      w["translations"] = m.slots->jobs();
      w["waited"] = m.slots->jobsThatWaited();
      w["max_wait_ns"] = ns(m.slots->maxWait());
      r["translation_slots"] = std::move(w);
    }
    smmus.push_back(std::move(r));
  }

  nlohmann::json t;
  t["devices"] = run.devices.size();
  t["issued"] = issued;
  t["completed"] = completed;
  t["faulted"] = faulted;
  t["aborted"] = aborted;
  t["conserved"] = issued == completed + faulted;
  t["latency_ns"] = latencyJson(all);
  t["tlb_hit_rate"] = round6(ratio(tlbHits, tlbLookups));
  t["config_cache_hit_rate"] = round6(ratio(cfgHits, cfgLookups));
  t["walks"] = walks;
  t["memory_accesses_per_walk"] = round6(ratio(reads, walks));
  t["events_recorded"] = events;
  t["events_drained"] = run.eventsDrained;
  t["memory_pages"] = run.memoryPages;
  if (run.memoryChannels && run.memoryChannels->limited()) {
    nlohmann::json c;
    c["accesses"] = run.memoryChannels->jobs();
    c["waited"] = run.memoryChannels->jobsThatWaited();
    c["mean_wait_ns"] = round6(run.memoryChannels->jobs()
                                   ? ns(run.memoryChannels->waitSum()) /
                                         double(run.memoryChannels->jobs())
                                   : 0.0);
    c["max_wait_ns"] = ns(run.memoryChannels->maxWait());
    t["memory_channels"] = std::move(c);
  }
  j["totals"] = std::move(t);
  j["smmus"] = std::move(smmus);
  j["devices"] = std::move(devs);
  return j;
}

void printSummary(std::ostream& os, const RunRecord& run, double hostSeconds) {
  const nlohmann::json j = makeStatsJson(run);
  const auto& t = j["totals"];
  const auto& l = t["latency_ns"];
  os << fmt::format("scenario {}  seed {}  devices {}  smmus {}\n", run.scenario->name,
                    run.scenario->seed, run.devices.size(), run.smmus.size());
  os << fmt::format("simulated {:.3f} us in {:.2f} s host ({:.2f} M transactions/s)\n",
                    run.simTimeNs / 1000.0, hostSeconds,
                    hostSeconds > 0 ? double(t["issued"].get<uint64_t>()) / hostSeconds / 1e6
                                    : 0.0);
  os << fmt::format("transactions: issued {}  completed {}  faulted {} (aborted {})  {}\n",
                    t["issued"].get<uint64_t>(), t["completed"].get<uint64_t>(),
                    t["faulted"].get<uint64_t>(), t["aborted"].get<uint64_t>(),
                    t["conserved"].get<bool>() ? "conserved" : "NOT CONSERVED");
  os << fmt::format("latency ns: min {:.1f}  mean {:.1f}  p50 {:.1f}  p90 {:.1f}  p99 {:.1f}  "
                    "max {:.1f}\n",
                    l["min"].get<double>(), l["mean"].get<double>(), l["p50"].get<double>(),
                    l["p90"].get<double>(), l["p99"].get<double>(), l["max"].get<double>());
  for (const auto& s : j["smmus"]) {
    os << fmt::format(
        "{}: TLB hit {:.2f}%  config cache hit {:.2f}%  walks {}  mem reads/walk {:.2f}  "
        "faults {}  events {}  commands {}\n",
        s["name"].get<std::string>(), 100.0 * s["tlb_hit_rate"].get<double>(),
        100.0 * s["config_cache_hit_rate"].get<double>(), s["walks"].get<uint64_t>(),
        s["memory_accesses_per_walk"].get<double>(), s["faulted"].get<uint64_t>(),
        s["events_recorded"].get<uint64_t>(), s["commands"].get<uint64_t>());
  }
}

}  // namespace smmu::tb
