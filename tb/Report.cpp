#include "Report.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>

#include <fmt/format.h>

namespace smmu::tb {

namespace {

double ratio(uint64_t num, uint64_t den) { return den ? double(num) / double(den) : 0.0; }
double ns(uint64_t ps) { return double(ps) / 1000.0; }

// Rounds to 1e-6 so that the printed decimals are short and stable.
double round6(double v) { return double(int64_t(v * 1e6 + (v >= 0 ? 0.5 : -0.5))) / 1e6; }

// Where the transactions were served, in the summary's order (stats.json sorts keys by name).
constexpr std::array<ServedBy, kServedByCount> kServedOrder = {
    ServedBy::Utlb,  ServedBy::Tlb,   ServedBy::Coalesced, ServedBy::Walk,
    ServedBy::Fault, ServedBy::Abort, ServedBy::Bypass};

// The device statistics of a set of devices (all of them, a group) added up.
struct Tally {
  uint64_t devices = 0, issued = 0, completed = 0, faulted = 0, aborted = 0;
  std::array<uint64_t, kServedByCount> served{};
  uint64_t walks = 0, walkReads = 0, bytes = 0;
  LatencyHistogram latency;
  Tick lastCompletionPs = 0;
  void add(const DeviceStats& s) {
    ++devices;
    issued += s.issued;
    completed += s.completed;
    faulted += s.faulted;
    aborted += s.aborted;
    for (unsigned i = 0; i < kServedByCount; ++i) served[i] += s.served[i];
    walks += s.walks;
    walkReads += s.walkReads;
    bytes += s.bytes;
    latency.merge(s.latency);
    lastCompletionPs = std::max(lastCompletionPs, s.lastCompletionPs);
  }
};

// {utlb, tlb, ...}: the counts (they add up to `issued`), and the same as fractions of it.
nlohmann::json servedJson(const std::array<uint64_t, kServedByCount>& served) {
  nlohmann::json j = nlohmann::json::object();
  for (ServedBy b : kServedOrder) j[std::string(servedByName(b))] = served[unsigned(b)];
  return j;
}
nlohmann::json servedRatesJson(const std::array<uint64_t, kServedByCount>& served,
                               uint64_t issued) {
  nlohmann::json j = nlohmann::json::object();
  for (ServedBy b : kServedOrder)
    j[std::string(servedByName(b))] = round6(ratio(served[unsigned(b)], issued));
  return j;
}

nlohmann::json faultsJson(const SmmuStats& s) {
  nlohmann::json f = nlohmann::json::object();
  for (unsigned id = 1; id < s.faultsById.size(); ++id)
    if (s.faultsById[id]) f[std::string(eventName(EventId(id)))] = s.faultsById[id];
  return f;
}

}  // namespace

nlohmann::json latencyJson(const LatencyHistogram& h) {
  return {{"min", ns(h.min())}, {"mean", round6(h.mean() / 1000.0)}, {"p50", ns(h.p50())},
          {"p90", ns(h.p90())}, {"p99", ns(h.p99())},                {"p999", ns(h.p999())},
          {"max", ns(h.max())}};
}

nlohmann::json latencyHistogramJson(const LatencyHistogram& h) {
  nlohmann::json edges = nlohmann::json::array(), counts = nlohmann::json::array();
  const auto bins = h.readableBins();
  for (const auto& b : bins) {
    if (edges.empty()) edges.push_back(ns(b.low));
    edges.push_back(ns(b.end));
    counts.push_back(b.count);
  }
  return {{"edges_ns", std::move(edges)}, {"counts", std::move(counts)}};
}

nlohmann::json makeStatsJson(const RunRecord& run) {
  nlohmann::json j;
  j["scenario"] = run.scenario->name;
  j["seed"] = run.scenario->seed;
  j["sim_time_ns"] = round6(run.simTimeNs);

  // Device statistics: every device, per group (groups in scenario order: devices are listed
  // group by group), and in total.
  Tally all;
  std::vector<std::pair<std::string, Tally>> groups;
  std::map<std::string, Tally> byTbu;  // "smmu\ntbu": the devices wired to that TBU
  nlohmann::json devs = nlohmann::json::array();
  for (const auto& d : run.devices) {
    const DeviceStats& s = *d.stats;
    all.add(s);
    byTbu[d.smmu + "\n" + d.tbu].add(s);
    if (groups.empty() || groups.back().first != d.group) groups.emplace_back(d.group, Tally{});
    groups.back().second.add(s);
    nlohmann::json r;
    r["name"] = d.name;
    r["group"] = d.group;
    r["smmu"] = d.smmu;
    if (!d.tbu.empty()) r["tbu"] = d.tbu;
    r["sid"] = d.sid;
    if (d.ssv) r["ssid"] = d.ssid;
    r["pattern"] = d.pattern;
    r["issued"] = s.issued;
    r["completed"] = s.completed;
    r["faulted"] = s.faulted;
    r["aborted"] = s.aborted;
    r["served"] = servedJson(s.served);
    r["served_rates"] = servedRatesJson(s.served, s.issued);
    r["bytes"] = s.bytes;
    r["latency_ns"] = latencyJson(s.latency);
    r["walks"] = s.walks;
    r["memory_accesses_per_walk"] = round6(ratio(s.walkReads, s.walks));
    devs.push_back(std::move(r));
  }
  nlohmann::json grps = nlohmann::json::array();
  for (const auto& [name, g] : groups) {
    nlohmann::json r;
    r["name"] = name;
    r["devices"] = g.devices;
    r["issued"] = g.issued;
    r["completed"] = g.completed;
    r["served"] = servedJson(g.served);
    r["served_rates"] = servedRatesJson(g.served, g.issued);
    r["latency_ns"] = latencyJson(g.latency);
    r["latency_histogram"] = latencyHistogramJson(g.latency);
    r["walks"] = g.walks;
    r["bytes"] = g.bytes;
    grps.push_back(std::move(r));
  }

  // The window: from the issue of its first transaction to the last completion of one (a window
  // that never opened, a warm-up longer than the traffic, is empty at the end of the run).
  const bool opened = run.windowStartPs != StatsWindow::kClosed;
  const Tick startPs = opened ? run.windowStartPs : Tick(std::llround(run.simTimeNs * 1000.0));
  const Tick endPs = opened ? std::max(startPs, all.lastCompletionPs) : startPs;
  const double window = ns(endPs - startPs);  // ns
  const double seconds = window * 1e-9;

  uint64_t cfgLookups = 0, cfgHits = 0, events = 0;
  nlohmann::json smmus = nlohmann::json::array();
  for (const auto& m : run.smmus) {
    const SmmuStats& s = *m.stats;
    cfgLookups += s.configLookups;
    cfgHits += s.configHits;
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
    if (m.walkers) {
      nlohmann::json w;
      w["walks"] = m.walkers->jobs();
      w["waited"] = m.walkers->jobsThatWaited();
      w["mean_wait_ns"] = round6(m.walkers->jobs() ? ns(m.walkers->waitSum()) /
                                                          double(m.walkers->jobs())
                                                    : 0.0);
      w["max_wait_ns"] = ns(m.walkers->maxWait());
      // Mean number of busy walkers over the window, and per walker when their number is set.
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
    // Lookup bandwidth of the shared caches, where it is bounded: the main TLBs' over every
    // TBU (summed, occupancy over all their slots), the TCU's caches'.
    std::vector<std::pair<std::string, std::vector<const ResourcePool*>>> pools;
    pools.emplace_back("tlb", std::vector<const ResourcePool*>{});
    for (const Tbu* b : m.tbus) pools.back().second.push_back(&b->tlbLookupSlots());
    for (const auto& [name, pool] : m.lookupSlots) pools.emplace_back(name, std::vector{pool});
    nlohmann::json lk;
    for (const auto& [name, list] : pools) {
      uint64_t jobs = 0, waited = 0, servers = 0;
      Tick waitSum = 0, maxWait = 0, busy = 0;
      for (const ResourcePool* pool : list) {
        if (!pool || !pool->limited()) continue;
        jobs += pool->jobs();
        waited += pool->jobsThatWaited();
        waitSum += pool->waitSum();
        maxWait = std::max(maxWait, pool->maxWait());
        busy += pool->busySum();
        servers += pool->servers();
      }
      if (!servers) continue;
      nlohmann::json w;
      w["lookups"] = jobs;
      w["waited"] = waited;
      w["mean_wait_ns"] = round6(jobs ? ns(waitSum) / double(jobs) : 0.0);
      w["max_wait_ns"] = ns(maxWait);
      w["occupancy"] = round6(window > 0 ? ns(busy) / window / double(servers) : 0.0);
      lk[name] = std::move(w);
    }
    if (!lk.empty()) r["lookup_slots"] = std::move(lk);
    if (!m.tbus.empty()) {  // the TBUs' translation slots, together
      uint64_t jobs = 0, waited = 0;
      Tick maxWait = 0;
      for (const Tbu* b : m.tbus) {
        jobs += b->xlateSlots().jobs();
        waited += b->xlateSlots().jobsThatWaited();
        maxWait = std::max(maxWait, b->xlateSlots().maxWait());
      }
      nlohmann::json w;
      w["translations"] = jobs;
      w["waited"] = waited;
      w["max_wait_ns"] = ns(maxWait);
      r["translation_slots"] = std::move(w);
    }
    // The TBUs, each with the latency of the devices wired to it, and the TCU they share. The
    // TBUs' link_requests sum to the TCU's tbu_requests.
    nlohmann::json tbus = nlohmann::json::array();
    for (const Tbu* b : m.tbus) {
      const TbuStats& x = b->stats();
      nlohmann::json e;
      e["name"] = b->name();
      e["translations"] = x.translations;
      e["utlb_hits"] = x.utlbHits;
      e["tlb_hits"] = x.tlbHits;
      e["misses"] = x.misses;
      e["link_requests"] = x.linkRequests;
      e["link_responses"] = x.linkResponses;
      e["link_invalidations"] = x.linkInvalidations;
      e["link_syncs"] = x.linkSyncs;
      e["link_wait_ns"] = ns(x.linkWait);
      const ResourcePool& sl = b->xlateSlots();
      e["translation_slots"] = {{"waited", sl.jobsThatWaited()}, {"max_wait_ns", ns(sl.maxWait())}};
      if (const ResourcePool& lp = b->tlbLookupSlots(); lp.limited())
        e["tlb_lookup_slots"] = {{"waited", lp.jobsThatWaited()},
                                 {"max_wait_ns", ns(lp.maxWait())}};
      const auto it = byTbu.find(m.name + "\n" + b->name());
      e["latency_ns"] = latencyJson(it != byTbu.end() ? it->second.latency : LatencyHistogram{});
      tbus.push_back(std::move(e));
    }
    r["tbus"] = std::move(tbus);
    nlohmann::json tcu;
    tcu["tbu_requests"] = s.tbuRequests;
    tcu["walks"] = s.walks;
    tcu["config_lookups"] = s.configLookups;
    tcu["config_hits"] = s.configHits;
    tcu["walk_cache_hits"] = s.walkCacheHits;
    tcu["s2_walk_cache_hits"] = s.s2WalkCacheHits;
    if (m.walkers) {
      tcu["walker_waits"] = m.walkers->jobsThatWaited();
      tcu["walker_wait_ns_mean"] = round6(
          m.walkers->jobs() ? ns(m.walkers->waitSum()) / double(m.walkers->jobs()) : 0.0);
    }
    tcu["sync_tbu_wait_ns"] = ns(s.syncTbuWait);
    r["tcu"] = std::move(tcu);
    smmus.push_back(std::move(r));
  }

  nlohmann::json t;
  t["devices"] = run.devices.size();
  t["issued"] = all.issued;
  t["completed"] = all.completed;
  t["faulted"] = all.faulted;
  t["aborted"] = all.aborted;
  t["conserved"] = all.issued == all.completed + all.faulted;
  t["served"] = servedJson(all.served);
  t["served_rates"] = servedRatesJson(all.served, all.issued);
  t["bytes"] = all.bytes;
  t["latency_ns"] = latencyJson(all.latency);
  t["latency_histogram"] = latencyHistogramJson(all.latency);
  t["config_cache_hit_rate"] = round6(ratio(cfgHits, cfgLookups));
  t["walks"] = all.walks;
  t["memory_accesses_per_walk"] = round6(ratio(all.walkReads, all.walks));
  t["events_recorded"] = events;
  t["events_drained"] = run.eventsDrained;
  t["memory_pages"] = run.memoryPages;
  if (run.lateWrites >= 0) t["memory_late_writes"] = run.lateWrites;
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
  nlohmann::json w;
  w["traffic_start_ns"] = round6(run.trafficStartNs);
  w["start_ns"] = ns(startPs);
  w["end_ns"] = ns(endPs);
  w["warmup_ns"] = run.warmupNs;
  w["warmup_transactions"] = run.warmupTransactions;
  w["excluded_transactions"] = run.excludedTransactions;
  j["window"] = std::move(w);
  // Per second of simulated time in the window, rounded to whole units.
  j["throughput"] = {
      {"transactions_per_s", seconds > 0 ? std::round(double(all.completed) / seconds) : 0.0},
      {"bytes_per_s", seconds > 0 ? std::round(double(all.bytes) / seconds) : 0.0}};
  j["groups"] = std::move(grps);
  j["smmus"] = std::move(smmus);
  j["devices"] = std::move(devs);
  return j;
}

namespace {

// "utlb 1.2%  tlb 3.4%  coalesced 60.1%  walk 35.3%  fault 0.0%": the served_rates of stats.json;
// abort and bypass only when some transaction ended so (they are rare outside special setups).
std::string servedLine(const nlohmann::json& rates, const nlohmann::json& counts) {
  std::string out;
  for (ServedBy b : kServedOrder) {
    const std::string name(servedByName(b));
    if ((b == ServedBy::Abort || b == ServedBy::Bypass) && counts[name].get<uint64_t>() == 0)
      continue;
    out += fmt::format("{}{} {:.1f}%", out.empty() ? "" : "  ", name,
                       100.0 * rates[name].get<double>());
  }
  return out;
}

}  // namespace

void printSummary(std::ostream& os, const RunRecord& run, double hostSeconds) {
  const nlohmann::json j = makeStatsJson(run);
  const auto& t = j["totals"];
  const auto& l = t["latency_ns"];
  const auto& w = j["window"];
  // Host speed counts every transaction simulated, the warm-up's too.
  const uint64_t simulated = t["issued"].get<uint64_t>() + run.excludedTransactions;
  os << fmt::format("scenario {}  seed {}  devices {}  smmus {}\n", run.scenario->name,
                    run.scenario->seed, run.devices.size(), run.smmus.size());
  os << fmt::format("simulated {:.3f} us in {:.2f} s host ({:.2f} M transactions/s)\n",
                    run.simTimeNs / 1000.0, hostSeconds,
                    hostSeconds > 0 ? double(simulated) / hostSeconds / 1e6 : 0.0);
  if (run.windowStartPs == StatsWindow::kClosed)
    os << fmt::format("warning: the statistics window never opened (warm-up {} ns, {} "
                      "transactions): nothing was counted\n",
                      run.warmupNs, run.warmupTransactions);
  os << fmt::format("window {:.3f} .. {:.3f} us ({} transactions of warm-up left out): "
                    "{:.3f} M transactions/s  {:.3f} GB/s\n",
                    w["start_ns"].get<double>() / 1000.0, w["end_ns"].get<double>() / 1000.0,
                    run.excludedTransactions,
                    j["throughput"]["transactions_per_s"].get<double>() / 1e6,
                    j["throughput"]["bytes_per_s"].get<double>() / 1e9);
  os << fmt::format("transactions: issued {}  completed {}  faulted {} (aborted {})  {}\n",
                    t["issued"].get<uint64_t>(), t["completed"].get<uint64_t>(),
                    t["faulted"].get<uint64_t>(), t["aborted"].get<uint64_t>(),
                    t["conserved"].get<bool>() ? "conserved" : "NOT CONSERVED");
  os << "served: " << servedLine(t["served_rates"], t["served"]) << "\n";
  os << fmt::format("latency ns: min {:.1f}  mean {:.1f}  p50 {:.1f}  p90 {:.1f}  p99 {:.1f}  "
                    "p99.9 {:.1f}  max {:.1f}\n",
                    l["min"].get<double>(), l["mean"].get<double>(), l["p50"].get<double>(),
                    l["p90"].get<double>(), l["p99"].get<double>(), l["p999"].get<double>(),
                    l["max"].get<double>());
  for (const auto& g : j["groups"]) {
    const auto& gl = g["latency_ns"];
    const uint64_t n = g["devices"].get<uint64_t>();
    os << fmt::format("  group {} ({} device{}): {}  p50 {:.1f}  p99 {:.1f} ns\n",
                      g["name"].get<std::string>(), n, n == 1 ? "" : "s",
                      servedLine(g["served_rates"], g["served"]), gl["p50"].get<double>(),
                      gl["p99"].get<double>());
  }
  for (const auto& s : j["smmus"]) {
    // Cache lookups, not transactions: hits under fill (which waited for a walk in flight) are
    // hits there, so the count of those is shown with it.
    os << fmt::format(
        "{}: TLB lookups hit {:.2f}% ({} hits under fill)  config cache hit {:.2f}%  walks {}  "
        "mem reads/walk {:.2f}  faults {}  events {}  commands {}\n",
        s["name"].get<std::string>(), 100.0 * s["tlb_hit_rate"].get<double>(),
        s["tlb_hits_under_fill"].get<uint64_t>(),
        100.0 * s["config_cache_hit_rate"].get<double>(), s["walks"].get<uint64_t>(),
        s["memory_accesses_per_walk"].get<double>(), s["faulted"].get<uint64_t>(),
        s["events_recorded"].get<uint64_t>(), s["commands"].get<uint64_t>());
    // Its TBUs, when it has several: requests each sent the TCU, the time its messages waited
    // for the link, and its devices' latency.
    if (s["tbus"].size() < 2) continue;
    for (const auto& b : s["tbus"]) {
      const auto& bl = b["latency_ns"];
      os << fmt::format("  tbu {}: translations {}  misses {}  link requests {}  link wait "
                        "{:.1f} us  p50 {:.1f}  p99 {:.1f} ns\n",
                        b["name"].get<std::string>(), b["translations"].get<uint64_t>(),
                        b["misses"].get<uint64_t>(), b["link_requests"].get<uint64_t>(),
                        b["link_wait_ns"].get<double>() / 1000.0, bl["p50"].get<double>(),
                        bl["p99"].get<double>());
    }
  }
}

}  // namespace smmu::tb
