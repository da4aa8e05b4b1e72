#include "smmu/SmmuKnobs.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <type_traits>

#include "cache/ReplacementPolicy.h"

namespace smmu {

namespace {

using Get = std::function<KnobValue(const SmmuConfig&)>;
using Set = std::function<bool(SmmuConfig&, const KnobValue&)>;
using Check = std::function<KnobError(const KnobValue&)>;

struct Access {
  Get get;
  Set set;
};

// Member `m` of the part `part` of SmmuConfig (features, timing), seen as the kind's type V.
template <class V, class P, class M>
Access nested(P SmmuConfig::*part, M P::*m) {
  return {[part, m](const SmmuConfig& c) { return KnobValue(std::in_place_type<V>, c.*part.*m); },
          [part, m](SmmuConfig& c, const KnobValue& x) {
            const V& v = std::get<V>(x);
            if constexpr (std::is_arithmetic_v<M> && !std::is_same_v<M, V>) {
              if (V(M(v)) != v) return false;  // narrower member: 300 is no uint8_t
            }
            c.*part.*m = M(v);
            return true;
          }};
}
// Member `m` of SmmuConfig itself.
template <class V, class M>
Access member(M SmmuConfig::*m) {
  return {[m](const SmmuConfig& c) { return KnobValue(std::in_place_type<V>, c.*m); },
          [m](SmmuConfig& c, const KnobValue& x) {
            c.*m = M(std::get<V>(x));
            return true;
          }};
}
template <class V, class M>
Access feature(M SmmuFeatures::*m) {
  return nested<V>(&SmmuConfig::features, m);
}
template <class V, class M>
Access timing(M SmmuTiming::*m) {
  return nested<V>(&SmmuConfig::timing, m);
}

uint64_t integerOf(const KnobValue& v) {
  if (const auto* u = std::get_if<unsigned>(&v)) return *u;
  return std::get<uint64_t>(v);
}

std::string hexText(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
  return buf;
}

// ---- checks: the wording is the scenario's error messages ----
Check lessEq(uint64_t max, std::string tail = "") {
  return [max, tail](const KnobValue& v) -> KnobError {
    const uint64_t x = integerOf(v);
    if (x <= max) return {};
    return {"must be <= " + std::to_string(max) + tail + " (got " + std::to_string(x) + ")"};
  };
}
Check atMost(uint64_t max) {
  return [max](const KnobValue& v) -> KnobError {
    const uint64_t x = integerOf(v);
    if (x <= max) return {};
    return {"must be at most " + std::to_string(max) + " (got " + std::to_string(x) + ")"};
  };
}
Check between(uint64_t min, uint64_t max) {
  return [min, max](const KnobValue& v) -> KnobError {
    const uint64_t x = integerOf(v);
    if (x >= min && x <= max) return {};
    return {"must be between " + std::to_string(min) + " and " + std::to_string(max) + " (got " +
            std::to_string(x) + ")"};
  };
}
Check oneOf(std::vector<unsigned> valid) {
  return [valid](const KnobValue& v) -> KnobError {
    const uint64_t x = integerOf(v);
    if (std::find(valid.begin(), valid.end(), x) != valid.end()) return {};
    std::string list;
    for (unsigned n : valid) list += (list.empty() ? "" : ", ") + std::to_string(n);
    return {"must be one of " + list + " (got " + std::to_string(x) + ")"};
  };
}
Check finiteAtLeast(double min) {
  return [min](const KnobValue& v) -> KnobError {
    const double x = std::get<double>(v);
    if (std::isfinite(x) && x >= min) return {};
    return {"must be >= " + numberText(min) + " and finite (got " + numberText(x) + ")"};
  };
}
// The limit of tlm/cache's geometry (CacheGeometry::make), for each level of a walk cache.
Check eachAtMost(unsigned max) {
  return [max](const KnobValue& v) -> KnobError {
    const auto& levels = std::get<std::array<unsigned, 3>>(v);
    for (size_t l = 0; l < levels.size(); ++l) {
      const KnobError e = atMost(max)(KnobValue(std::in_place_type<unsigned>, levels[l]));
      if (!e.message.empty()) return {e.message, "[" + std::to_string(l) + "]"};
    }
    return {};
  };
}
Check knownPolicy() {
  return [](const KnobValue& v) -> KnobError {
    const auto& p = std::get<std::string>(v);
    const auto& names = replacementPolicyNames();
    if (std::find(names.begin(), names.end(), p) != names.end()) return {};
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return {"unknown value '" + p + "' (expected " + list + ")"};
  };
}

constexpr unsigned kMaxCacheEntries = 1u << 24;  // tlm/cache's geometry limit
constexpr unsigned kMaxSlots = 65536;
constexpr unsigned kMaxCycles = 1000000;
constexpr uint64_t kFrameBytes = 128 * 1024;  // the register frame: 2 x 64 KiB pages

SmmuKnob knob(const char* key, KnobKind kind, const char* unit, std::string doc, Access a,
              Check check = {}) {
  return {key, kind, unit, std::move(doc), std::move(a.get), std::move(a.set), std::move(check)};
}

std::vector<SmmuKnob> table() {
  using C = SmmuConfig;
  using F = SmmuFeatures;
  using T = SmmuTiming;
  using K = KnobKind;
  const Check slots = lessEq(kMaxSlots, ", 0 = unlimited");
  const Check cycles = lessEq(kMaxCycles);
  std::vector<SmmuKnob> t = {
      knob("name", K::Name, "", "unique name (letters, digits, _ -)",
           member<std::string>(&C::name)),
      knob("reg_base", K::Address, "bytes",
           "register frame base (2 x 64 KiB pages), 64 KiB aligned", member<uint64_t>(&C::regBase),
           [](const KnobValue& v) -> KnobError {
             const uint64_t b = std::get<uint64_t>(v);
             if (b % (kFrameBytes / 2)) return {hexText(b) + " is not aligned to 64 KiB"};
             if (b > UINT64_MAX - kFrameBytes)
               return {hexText(b) + " leaves no room for the 128 KiB register frame"};
             return {};
           }),
      knob("oas_bits", K::Count, "bits", "output address size: 32 36 40 42 44 48 52",
           feature<unsigned>(&F::oasBits), oneOf({32, 36, 40, 42, 44, 48, 52})),
      knob("sid_bits", K::Count, "bits", "StreamID bits (IDR1.SIDSIZE), 0..32",
           feature<unsigned>(&F::sidBits), lessEq(32)),
      knob("ssid_bits", K::Count, "bits", "SubstreamID bits (IDR1.SSIDSIZE), 0..20",
           feature<unsigned>(&F::ssidBits), lessEq(20)),
      knob("granules", K::Granules, "",
           "translation granules the SMMU supports (IDR5.GRAN4K/16K/64K)",
           {[](const C& c) {
              return KnobValue(GranuleSet{c.features.gran4k, c.features.gran16k,
                                          c.features.gran64k});
            },
            [](C& c, const KnobValue& x) {
              const auto& g = std::get<GranuleSet>(x);
              c.features.gran4k = g.k4, c.features.gran16k = g.k16, c.features.gran64k = g.k64;
              return true;
            }},
           [](const KnobValue& v) -> KnobError {
             const auto& g = std::get<GranuleSet>(v);
             if (!g.k4 && !g.k16 && !g.k64) return {"at least one granule"};
             return {};
           }),
      knob("httu", K::Httu, "", "hardware table update: none, af, af_dirty",
           feature<unsigned>(&F::httu),
           [](const KnobValue& v) -> KnobError {
             if (std::get<unsigned>(v) > 2) return {"must be none, af or af_dirty"};
             return {};
           }),
      knob("ats", K::Flag, "", "ATS supported (IDR0.ATS)", feature<bool>(&F::ats)),
      knob("pri", K::Flag, "", "PRI supported (IDR0.PRI); needs ats", feature<bool>(&F::pri)),
      knob("stage1", K::Flag, "",
           "stage-1 translation (IDR0.S1P); scenarios need it (the host builds stage-1 domains)",
           feature<bool>(&F::s1p)),
      knob("stage2", K::Flag, "",
           "stage-2 translation (IDR0.S2P): stage-2-only and nested STEs translate",
           feature<bool>(&F::s2p)),
      knob("utlb_entries", K::Count, "entries",
           "TBU micro TLB entries, one micro TLB per device port (0 = none)",
           member<unsigned>(&C::utlbEntries), atMost(kMaxCacheEntries)),
      knob("utlb_ways", K::Count, "ways", "micro TLB ways (0 = fully associative)",
           member<unsigned>(&C::utlbWays)),
      knob("utlb_policy", K::Policy, "", "micro TLB replacement",
           member<std::string>(&C::utlbPolicy), knownPolicy()),
      knob("tlb_entries", K::Count, "entries", "TBU main TLB entries",
           member<unsigned>(&C::tlbEntries), between(1, kMaxCacheEntries)),
      knob("tlb_ways", K::Count, "ways", "TBU main TLB ways (0 = fully associative)",
           member<unsigned>(&C::tlbWays)),
      knob("tlb_policy", K::Policy, "", "main TLB replacement",
           member<std::string>(&C::tlbPolicy), knownPolicy()),
      knob("tbu_xlate_slots", K::Count, "translations",
           "translations in flight in the TBU (0 = unlimited)",
           member<unsigned>(&C::tbuXlateSlots), slots),
      knob("tlb_lookup_slots", K::Count, "lookups",
           "main TLB lookups in progress at once, each for tlb_lookup_cycles (0 = unlimited)",
           member<unsigned>(&C::tlbLookupSlots), slots),
      knob("config_lookup_slots", K::Count, "lookups",
           "config cache lookups in progress at once (0 = unlimited)",
           member<unsigned>(&C::configLookupSlots), slots),
      knob("walk_cache_lookup_slots", K::Count, "lookups",
           "walk cache lookups in progress at once (0 = unlimited)",
           member<unsigned>(&C::walkCacheLookupSlots), slots),
      knob("link_bytes_per_ns", K::Number, "bytes/ns",
           "bandwidth of the TBU-TCU link, bytes/ns (0 = unlimited)",
           member<double>(&C::linkBytesPerNs), finiteAtLeast(0)),
      knob("link_latency_ns", K::Number, "ns",
           "latency of the TBU-TCU link, each way, ns (0 = none)",
           member<double>(&C::linkLatencyNs), finiteAtLeast(0)),
      knob("config_cache_entries", K::Count, "entries", "TCU config cache entries",
           member<unsigned>(&C::configCacheEntries), between(1, kMaxCacheEntries)),
      knob("config_cache_ways", K::Count, "ways", "TCU config cache ways (0 = fully associative)",
           member<unsigned>(&C::configCacheWays)),
      knob("config_cache_policy", K::Policy, "", "config cache replacement",
           member<std::string>(&C::configCachePolicy), knownPolicy()),
      knob("walk_cache_entries", K::Levels, "entries",
           "stage-1 walk cache entries for table descriptors of levels [0, 1, 2] (0 = none)",
           member<std::array<unsigned, 3>>(&C::walkCacheEntries), eachAtMost(kMaxCacheEntries)),
      knob("walk_cache_ways", K::Count, "ways",
           "walk cache ways, every level (0 = fully associative)",
           member<unsigned>(&C::walkCacheWays)),
      knob("walk_cache_policy", K::Policy, "",
           "walk cache replacement (stage 1 and stage 2)",
           member<std::string>(&C::walkCachePolicy), knownPolicy()),
      knob("s2_walk_cache_entries", K::Levels, "entries",
           "stage-2 walk cache entries for stage-2 table descriptors of levels [0, 1, 2] (0 = "
           "none)",
           member<std::array<unsigned, 3>>(&C::s2WalkCacheEntries),
           eachAtMost(kMaxCacheEntries)),
      knob("s2_walk_cache_ways", K::Count, "ways",
           "stage-2 walk cache ways, every level (0 = fully associative)",
           member<unsigned>(&C::s2WalkCacheWays)),
      knob("ptw_slots", K::Count, "walks", "table walks in parallel (0 = unlimited)",
           member<unsigned>(&C::ptwSlots), slots),
      knob("ptw_arbitration", K::Arbitration, "",
           "which waiting miss a freed walker serves: fifo, round_robin (by device port), qos "
           "(devices' qos, highest first); contention mode",
           member<ArbitrationPolicy>(&C::ptwArbitration)),
      knob("ipa_cache_entries", K::Count, "entries",
           "TCU IPA cache entries: stage-2 translations of nested and stage-2 walks (0 = none)",
           member<unsigned>(&C::ipaCacheEntries), atMost(kMaxCacheEntries)),
      knob("ipa_cache_ways", K::Count, "ways", "IPA cache ways (0 = fully associative)",
           member<unsigned>(&C::ipaCacheWays)),
      knob("walk_prefix_coalescing", K::Flag, "",
           "a walk needing a table another walk in flight is reading waits for it",
           member<bool>(&C::walkPrefixCoalescing)),
      knob("contiguous_hint", K::Flag, "",
           "a TLB entry covers a leaf's whole contiguous-hint span",
           member<bool>(&C::contiguousHint)),
      knob("seed", K::Integer, "", "seed of the random replacement policies",
           member<uint64_t>(&C::seed)),
      knob("clock_period_ps", K::Integer, "ps", "SMMU clock period, ps",
           timing<uint64_t>(&T::clockPeriodPs), between(1, 1000000000)),
      knob("utlb_lookup_cycles", K::Count, "cycles", "micro TLB lookup, cycles",
           timing<unsigned>(&T::utlbLookupCycles), cycles),
      knob("tlb_lookup_cycles", K::Count, "cycles", "TBU main TLB lookup, cycles",
           timing<unsigned>(&T::tlbLookupCycles), cycles),
      knob("walker_issue_cycles", K::Count, "cycles",
           "TBU->TCU request and walker dispatch, cycles",
           timing<unsigned>(&T::walkerIssueCycles), cycles),
      knob("config_lookup_cycles", K::Count, "cycles", "TCU config cache lookup, cycles",
           timing<unsigned>(&T::configLookupCycles), cycles),
      knob("walk_cache_lookup_cycles", K::Count, "cycles", "TCU walk cache lookup, cycles",
           timing<unsigned>(&T::walkCacheLookupCycles), cycles),
      knob("ipa_cache_lookup_cycles", K::Count, "cycles", "TCU IPA cache lookup, cycles",
           timing<unsigned>(&T::ipaCacheLookupCycles), cycles),
      knob("command_cycles", K::Count, "cycles", "consuming one CMDQ command, cycles",
           timing<unsigned>(&T::commandCycles), cycles),
      knob("stream_table", K::StreamTable, "", "stream table format offered (IDR0.ST_LEVEL)",
           feature<bool>(&F::stLevel2)),
  };
  // A preset describes an SMMU, not where it sits in a system.
  for (auto& k : t) k.preset = k.key != "name" && k.key != "reg_base";
  // What a TBU holds (its TLBs, their lookups, its translation slots and its end of the link).
  for (auto& k : t)
    k.tbu = k.key.rfind("utlb_", 0) == 0 || k.key.rfind("tlb_", 0) == 0 ||
            k.key == "tbu_xlate_slots" || k.key.rfind("link_", 0) == 0;
  return t;
}

}  // namespace

const std::vector<SmmuKnob>& smmuKnobs() {
  static const std::vector<SmmuKnob> t = table();
  return t;
}

const SmmuKnob* findKnob(const std::string& key) {
  for (const auto& k : smmuKnobs())
    if (k.key == key) return &k;
  return nullptr;
}

SmmuConfig tbuConfig(const SmmuConfig& c, size_t index) {
  SmmuConfig t = c;
  t.tbus.clear();
  if (index < c.tbus.size())
    for (const auto& [key, value] : c.tbus[index].knobs)
      if (const SmmuKnob* k = findKnob(key); k && k->tbu) k->set(t, value);
  return t;
}

std::string numberText(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest exact round trip
  return std::string(buf, r.ptr);
}

std::string knobText(const SmmuKnob& k, const SmmuConfig& c) {
  const KnobValue v = k.get(c);
  auto list = [](std::vector<std::string> items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
    return "[" + s + "]";
  };
  switch (k.kind) {
    case KnobKind::Name:
    case KnobKind::Policy: return std::get<std::string>(v);
    case KnobKind::Address: return hexText(std::get<uint64_t>(v));
    case KnobKind::Count:
    case KnobKind::Integer: return std::to_string(integerOf(v));
    case KnobKind::Number: return numberText(std::get<double>(v));
    case KnobKind::Flag: return std::get<bool>(v) ? "true" : "false";
    case KnobKind::Httu: {
      const unsigned h = std::get<unsigned>(v);
      return h == 0 ? "none" : h == 1 ? "af" : h == 2 ? "af_dirty" : "?";
    }
    case KnobKind::Arbitration: return std::string(arbitrationName(std::get<ArbitrationPolicy>(v)));
    case KnobKind::StreamTable: return std::get<bool>(v) ? "2level" : "linear";
    case KnobKind::Granules: {
      const auto& g = std::get<GranuleSet>(v);
      std::vector<std::string> items;
      if (g.k4) items.push_back("4K");
      if (g.k16) items.push_back("16K");
      if (g.k64) items.push_back("64K");
      return list(items);
    }
    case KnobKind::Levels: {
      std::vector<std::string> items;
      for (unsigned n : std::get<std::array<unsigned, 3>>(v)) items.push_back(std::to_string(n));
      return list(items);
    }
  }
  return "?";
}

KnobError checkKnob(const SmmuKnob& k, const SmmuConfig& c) {
  return k.check ? k.check(k.get(c)) : KnobError{};
}

}  // namespace smmu
