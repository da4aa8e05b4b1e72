#include "Report.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "Statistics.h"
#include "smmu/SmmuStatistics.h"
#include "tbu/TbuStatistics.h"

namespace smmu::tb {

namespace {

double ratio(uint64_t num, uint64_t den) { return statRatio(num, den); }
double ns(uint64_t ps) { return double(ps) / 1000.0; }

// Rounds to 1e-6 so that the printed decimals are short and stable.
double round6(double v) { return double(int64_t(v * 1e6 + (v >= 0 ? 0.5 : -0.5))) / 1e6; }

// Where the transactions were served, in the summary's order (stats.json sorts keys by name).
constexpr std::array<ServedBy, kServedByCount> kServedOrder = {
    ServedBy::Utlb,  ServedBy::Tlb,   ServedBy::Coalesced, ServedBy::Walk,
    ServedBy::Fault, ServedBy::Abort, ServedBy::Bypass};

// A statistic's value as stats.json writes it: counts as integers, times in ns, rates rounded.
nlohmann::json statJson(StatKind kind, const StatSum& v) {
  switch (kind) {
    case StatKind::Count: return v.value;
    case StatKind::Time: return ns(v.value);
    case StatKind::Ratio: return round6(ratio(v.value, v.denominator));
  }
  return nullptr;
}

// Every statistic of `table` that `record` holds, of the counters `s`, into `r`.
template <class S>
void putStats(nlohmann::json& r, const std::vector<Statistic<S>>& table, uint8_t record,
              const S& s) {
  for (const auto& st : table)
    if ((st.records & record) && statPresent(st, s)) r[st.key] = statJson(st.kind, statSum(st, s));
}
// The same, of several records' counters added up (statSum).
template <class S>
void putStats(nlohmann::json& r, const std::vector<Statistic<S>>& table, uint8_t record,
              const std::vector<const S*>& all) {
  for (const auto& st : table)
    if (st.records & record) r[st.key] = statJson(st.kind, statSum(st, all));
}

// The devices of a set (all of them, a group): their counters (added up by the declarations of
// deviceStatistics()), where their transactions were served and their latency.
struct Tally {
  std::vector<const DeviceStats*> members;
  std::array<uint64_t, kServedByCount> served{};
  LatencyHistogram latency;
  Tick lastCompletionPs = 0;
  void add(const DeviceStats& s) {
    members.push_back(&s);
    for (unsigned i = 0; i < kServedByCount; ++i) served[i] += s.served[i];
    latency.merge(s.latency);
    lastCompletionPs = std::max(lastCompletionPs, s.lastCompletionPs);
  }
  uint64_t sum(uint64_t DeviceStats::*m) const {
    uint64_t n = 0;
    for (const DeviceStats* s : members) n += s->*m;
    return n;
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
    putStats(r, deviceStatistics(), kDeviceRecord, s);
    r["served"] = servedJson(s.served);
    r["served_rates"] = servedRatesJson(s.served, s.issued);
    r["latency_ns"] = latencyJson(s.latency);
    devs.push_back(std::move(r));
  }
  nlohmann::json grps = nlohmann::json::array();
  for (const auto& [name, g] : groups) {
    nlohmann::json r;
    r["name"] = name;
    r["devices"] = g.members.size();
    putStats(r, deviceStatistics(), kGroupRecord, g.members);
    r["served"] = servedJson(g.served);
    r["served_rates"] = servedRatesJson(g.served, g.sum(&DeviceStats::issued));
    r["latency_ns"] = latencyJson(g.latency);
    r["latency_histogram"] = latencyHistogramJson(g.latency);
    grps.push_back(std::move(r));
  }

  // The window: from the issue of its first transaction to the last completion of one (a window
  // that never opened, a warm-up longer than the traffic, is empty at the end of the run).
  const bool opened = run.windowStartPs != StatsWindow::kClosed;
  const Tick startPs = opened ? run.windowStartPs : Tick(std::llround(run.simTimeNs * 1000.0));
  const Tick endPs = opened ? std::max(startPs, all.lastCompletionPs) : startPs;
  const double window = ns(endPs - startPs);  // ns
  const double seconds = window * 1e-9;

  std::vector<const SmmuStats*> allSmmus;  // for the totals
  nlohmann::json smmus = nlohmann::json::array();
  for (const auto& m : run.smmus) {
    const SmmuStats& s = *m.stats;
    allSmmus.push_back(&s);
    nlohmann::json r;
    r["name"] = m.name;
    putStats(r, smmuStatistics(), kSmmuRecord, s);
    r["faults"] = faultsJson(s);
    r["table_bytes"] = m.tableBytes;
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
      putStats(e, tbuStatistics(), 1, x);
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
    putStats(tcu, smmuStatistics(), kTcuRecord, s);
    if (m.walkers) {
      tcu["walker_waits"] = m.walkers->jobsThatWaited();
      tcu["walker_wait_ns_mean"] = round6(
          m.walkers->jobs() ? ns(m.walkers->waitSum()) / double(m.walkers->jobs()) : 0.0);
    }
    r["tcu"] = std::move(tcu);
    smmus.push_back(std::move(r));
  }

  nlohmann::json t;
  const uint64_t issued = all.sum(&DeviceStats::issued);
  t["devices"] = run.devices.size();
  putStats(t, deviceStatistics(), kTotalsRecord, all.members);
  for (const Statistic<SmmuStats>* st : smmuTotalsStatistics())
    t[st->key] = statJson(st->kind, statSum(*st, allSmmus));
  putStats(t, runStatistics(), 1, run);
  t["conserved"] = issued == all.sum(&DeviceStats::completed) + all.sum(&DeviceStats::faulted);
  t["served"] = servedJson(all.served);
  t["served_rates"] = servedRatesJson(all.served, issued);
  t["latency_ns"] = latencyJson(all.latency);
  t["latency_histogram"] = latencyHistogramJson(all.latency);
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
      {"transactions_per_s",
       seconds > 0 ? std::round(double(all.sum(&DeviceStats::completed)) / seconds) : 0.0},
      {"bytes_per_s",
       seconds > 0 ? std::round(double(all.sum(&DeviceStats::bytes)) / seconds) : 0.0}};
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

// A statistic as the summary shows it: the words of its key ("link_wait_ns": "link wait") and
// its value in `r`, its record of stats.json ("link wait 1.2 us"; a fraction as a percentage).
template <class S>
std::string field(const Statistic<S>* st, const nlohmann::json& r) {
  if (!st) throw std::logic_error("summary: a statistic it shows is not declared");
  std::string words = st->key;
  if (st->kind == StatKind::Time && words.size() > 3 && words.substr(words.size() - 3) == "_ns")
    words.resize(words.size() - 3);
  std::replace(words.begin(), words.end(), '_', ' ');
  const nlohmann::json& v = r.at(st->key);
  switch (st->kind) {
    case StatKind::Count: return fmt::format("{} {}", words, v.get<uint64_t>());
    case StatKind::Time: return fmt::format("{} {:.1f} us", words, v.get<double>() / 1000.0);
    case StatKind::Ratio:
      if (st->unit == "fraction") return fmt::format("{} {:.2f}%", words, 100.0 * v.get<double>());
      return fmt::format("{} {:.2f}", words, v.get<double>());
  }
  return words;
}
std::string deviceField(const std::string& key, const nlohmann::json& r) {
  return field(findDeviceStatistic(key), r);
}
std::string smmuField(const std::string& key, const nlohmann::json& r) {
  return field(findSmmuStatistic(key), r);
}
std::string tbuField(const std::string& key, const nlohmann::json& r) {
  return field(findTbuStatistic(key), r);
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
  os << fmt::format("transactions: {}  {}  {} ({})  {}\n", deviceField("issued", t),
                    deviceField("completed", t), deviceField("faulted", t),
                    deviceField("aborted", t),
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
    os << fmt::format("{}: {} ({})  {}  {}  {}  {}  {}  {}\n", s["name"].get<std::string>(),
                      smmuField("tlb_hit_rate", s), smmuField("tlb_hits_under_fill", s),
                      smmuField("config_cache_hit_rate", s), smmuField("walks", s),
                      smmuField("memory_accesses_per_walk", s), smmuField("faulted", s),
                      smmuField("events_recorded", s), smmuField("commands", s));
    // Its TBUs, when it has several: requests each sent the TCU, the time its messages waited
    // for the link, and its devices' latency.
    if (s["tbus"].size() < 2) continue;
    for (const auto& b : s["tbus"]) {
      const auto& bl = b["latency_ns"];
      os << fmt::format("  tbu {}: {}  {}  {}  {}  p50 {:.1f}  p99 {:.1f} ns\n",
                        b["name"].get<std::string>(), tbuField("translations", b),
                        tbuField("misses", b), tbuField("link_requests", b),
                        tbuField("link_wait_ns", b), bl["p50"].get<double>(),
                        bl["p99"].get<double>());
    }
  }
}

}  // namespace smmu::tb
