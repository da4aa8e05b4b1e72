// The SMMU's configuration knobs, each declared once: scenario key, kind, unit, one-line
// meaning, the check of its own range and where it lives in SmmuConfig. Everything that lists
// knobs derives from this table: the scenario schema (tb/Scenario.cpp: reading, writing,
// overrides, `smmusim scenario --reference`, each key's own validation), the preset listings
// (Presets.cpp) and their docs. Adding a knob is its member in SmmuConfig (whose initialiser is
// the default) and one entry in smmuKnobs().
//
// Pure C++: the model must not depend on the testbench, so the YAML codecs stay there, one per
// KnobKind. Rules between knobs (ways divide entries, pri needs ats) stay with the scenario's
// validation, which reads them from the SmmuConfig.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "smmu/KnobValue.h"
#include "smmu/SmmuConfig.h"

namespace smmu {

// How a knob's value is written in a scenario (the testbench has a codec per kind) and which
// KnobValue alternative holds it.
enum class KnobKind : uint8_t {
  Name,         // string                                      (std::string)
  Address,      // unsigned integer, written in hex            (uint64_t)
  Count,        // unsigned integer, decimal                   (unsigned)
  Integer,      // 64-bit unsigned integer, decimal            (uint64_t)
  Number,       // floating point                              (double)
  Flag,         // true | false                                (bool)
  Policy,       // replacement policy: replacementPolicyNames() (std::string)
  Httu,         // none | af | af_dirty, IDR0.HTTU 0 1 2       (unsigned)
  Arbitration,  // walker arbitration: arbitrationNames()      (ArbitrationPolicy)
  StreamTable,  // linear | 2level; true = 2level              (bool)
  Granules,     // list of 4K | 16K | 64K                      (GranuleSet)
  Levels,       // list of 3 counts [L0, L1, L2]               (std::array<unsigned, 3>)
};

// What is wrong with a value: an empty message when it is valid; `at` names the element of a
// list ("[1]": smmus[0].walk_cache_entries[1]).
struct KnobError {
  std::string message;
  std::string at = {};
};

struct SmmuKnob {
  std::string key;   // scenario key, smmus[].KEY
  KnobKind kind;
  std::string unit;  // "cycles", "entries" ...; "" for none (the doc names it for readers)
  std::string doc;   // one line, for `smmusim scenario --reference`
  std::function<KnobValue(const SmmuConfig&)> get;
  // False (nothing set) for a value the member cannot hold (300 for a uint8_t): the reader then
  // reports check()'s message for it.
  std::function<bool(SmmuConfig&, const KnobValue&)> set;
  std::function<KnobError(const KnobValue&)> check;  // null: every value of the kind is valid
  bool preset = true;  // a preset sets it (every knob but name and reg_base)
  // A TBU's own (smmus[].tbus[].KEY): its TLBs, lookup timing, translation slots and link.
  // The SMMU's value is every TBU's default.
  bool tbu = false;
};

// Every knob, in the order of the scenario's SMMU keys (the `preset` key, which is not part of
// SmmuConfig, stands after `name`).
const std::vector<SmmuKnob>& smmuKnobs();
// The knob of that key, or nullptr.
const SmmuKnob* findKnob(const std::string& key);
// The value of `k` in `c` as a scenario writes it: "512", "0x2b400000", "[4K, 64K]", "lru".
std::string knobText(const SmmuKnob& k, const SmmuConfig& c);
// `k`'s check applied to its value in `c` (an empty message when there is no check).
KnobError checkKnob(const SmmuKnob& k, const SmmuConfig& c);
// The configuration TBU `index` of `c` sees: `c` with that TBU's knobs (c.tbus[index]) set.
// Without tbus (index 0 of none), `c` itself.
SmmuConfig tbuConfig(const SmmuConfig& c, size_t index);
// Shortest text that reads back as exactly `v` ("0.5", "1e-06").
std::string numberText(double v);

}  // namespace smmu
