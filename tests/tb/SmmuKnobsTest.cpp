// The SMMU knob table (tlm/smmu/SmmuKnobs.h) is the one declaration of every SMMU key: the
// scenario's reference, reading, writing, overrides, validation and the preset tables all derive
// from it. These tests go over every knob, so a knob added to the table is covered without
// naming it here.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "Scenario.h"
#include "smmu/Presets.h"
#include "smmu/SmmuKnobs.h"

using namespace smmu;

namespace {

// Values of the knob's kind other than `def`, most likely valid first.
std::vector<KnobValue> otherValues(const SmmuKnob& k, const KnobValue& def) {
  std::vector<KnobValue> out;
  auto add = [&](KnobValue v) {
    if (v != def) out.push_back(std::move(v));
  };
  switch (k.kind) {
    case KnobKind::Name: add(std::string("other")); break;
    case KnobKind::Address: add(std::get<uint64_t>(def) + 0x20000); break;
    case KnobKind::Count:
    case KnobKind::Httu: {
      const unsigned d = std::get<unsigned>(def);
      for (unsigned v : {d * 2, d + 1, d ? d - 1 : 1u, 1u, 2u, 16u, 32u}) add(v);
      break;
    }
    case KnobKind::Integer: {
      const uint64_t d = std::get<uint64_t>(def);
      for (uint64_t v : {d * 2, d + 1, uint64_t(1)}) add(v);
      break;
    }
    case KnobKind::Number: add(std::get<double>(def) + 1.5); break;
    case KnobKind::Flag:
    case KnobKind::StreamTable: add(!std::get<bool>(def)); break;
    case KnobKind::Policy:
      for (const char* p : {"fifo", "lru", "random"}) add(std::string(p));
      break;
    case KnobKind::Arbitration:
      for (auto p : {ArbitrationPolicy::RoundRobin, ArbitrationPolicy::Qos}) add(p);
      break;
    case KnobKind::Granules:
      add(GranuleSet{true, false, false});
      add(GranuleSet{false, false, true});
      break;
    case KnobKind::Levels: add(std::array<unsigned, 3>{{8, 16, 32}}); break;
  }
  return out;
}

// Values of the knob's kind that a check may reject.
std::vector<KnobValue> suspectValues(const SmmuKnob& k) {
  switch (k.kind) {
    case KnobKind::Count:
    case KnobKind::Httu: return {0u, 3u, std::numeric_limits<unsigned>::max()};
    case KnobKind::Integer: return {uint64_t(0), std::numeric_limits<uint64_t>::max()};
    case KnobKind::Address: return {uint64_t(0x1000), std::numeric_limits<uint64_t>::max()};
    case KnobKind::Number: return {-1.0};
    case KnobKind::Policy: return {std::string("bogus")};
    case KnobKind::Granules: return {GranuleSet{}};
    case KnobKind::Levels: return {std::array<unsigned, 3>{{0, (1u << 24) + 1, 0}}};
    default: return {};
  }
}

// The value as a scenario writes it (knobText() needs it in a config, which may not hold it).
std::string yamlText(const SmmuKnob& k, const KnobValue& v) {
  SmmuConfig c;
  if (k.set(c, v)) return knobText(k, c);
  if (const auto* u = std::get_if<unsigned>(&v)) return std::to_string(*u);
  return std::to_string(std::get<uint64_t>(v));
}

std::string oneKey(const SmmuKnob& k, const std::string& text, const std::string& also = "") {
  return "smmus:\n  - " + k.key + ": " + text + "\n" + also;
}

// Knobs with no other value that a scenario accepts on its own.
const std::set<std::string> kOnlyDefault = {
    "stage1",  // scenarios need stage 1: the host agent builds stage-1 domains
};

}  // namespace

// Every knob is in `smmusim scenario --reference`, in table order (the preset after the name),
// with its kind's default from SmmuConfig's and its description.
TEST(SmmuKnobs, ReferenceListsEveryKnobInOrder) {
  const std::string ref = scenarioReference();
  const SmmuConfig def;
  size_t at = 0;
  for (const auto& k : smmuKnobs()) {
    SCOPED_TRACE(k.key);
    const size_t line = ref.find("\nsmmus[]." + k.key + "  (", at);
    ASSERT_NE(line, std::string::npos);
    EXPECT_GT(line, at) << "out of table order";
    at = line + 1;
    const std::string rest = ref.substr(line, ref.find('\n', line + 1) - line);
    // reg_base's default is the scenario's `auto` (assigned frames), its doc says how.
    const std::string value = k.key == "reg_base" ? "auto" : knobText(k, def);
    EXPECT_NE(rest.find(", default " + value + ")  " + k.doc), std::string::npos) << rest;
  }
  EXPECT_NE(ref.find("\nsmmus[].preset  ("), std::string::npos);
}

// Every preset key is a knob (all but name and reg_base), and a preset writes it as a scenario.
TEST(SmmuKnobs, PresetKeysAreTheKnobsAPresetSets) {
  std::vector<std::string> want;
  for (const auto& k : smmuKnobs())
    if (k.preset) want.push_back(k.key);
  EXPECT_EQ(presetKeys(), want);
  EXPECT_EQ(findKnob("name")->preset, false);
  EXPECT_EQ(findKnob("reg_base")->preset, false);
  for (const auto& p : presets())
    for (const auto& v : p.values) EXPECT_EQ(v.value, knobText(*findKnob(v.key), p.config));
}

// For every knob, a value other than the default, in a file and as an override, reaches the
// SmmuConfig and is written back as it was read.
TEST(SmmuKnobs, EveryKnobRoundTrips) {
  for (const auto& k : smmuKnobs()) {
    SCOPED_TRACE(k.key);
    const KnobValue def = k.get(SmmuConfig{});
    bool done = false;
    for (const auto& v : otherValues(k, def)) {
      const std::string text = yamlText(k, v);
      Scenario s;
      std::string with;  // what else the scenario needs for it
      bool parsed = false;
      for (const char* also : {"", "    ats: true\n"}) {  // pri needs ats: a second try
        try {
          s = parseScenarioString(oneKey(k, text, also));
          with = also;
          parsed = true;
          break;
        } catch (const ScenarioError&) {
        }
      }
      if (!parsed) continue;  // this value breaks a rule between knobs: try the next
      const SmmuConfig c = toSmmuConfig(s.smmus[0]);
      EXPECT_EQ(k.get(c), v) << text;
      const std::string yaml = scenarioToYaml(s);
      EXPECT_NE(yaml.find(k.key + ": " + text + "\n"), std::string::npos) << yaml;
      EXPECT_EQ(k.get(toSmmuConfig(parseScenarioString(yaml).smmus[0])), v);
      // The same through an override of the default value.
      Scenario o = parseScenarioString(oneKey(k, knobText(k, SmmuConfig{}), with));
      ASSERT_EQ(k.get(o.smmus[0].config), def);
      applyOverride(o, "smmus[0]." + k.key + "=" + text);
      EXPECT_EQ(k.get(o.smmus[0].config), v);
      done = true;
      break;
    }
    EXPECT_EQ(done, !kOnlyDefault.count(k.key)) << "no other valid value round-trips";
  }
}

// A value a knob's check rejects is an error naming the key's path, in a file (at the value's
// line), through an override and through validateScenario.
TEST(SmmuKnobs, OutOfRangeValuesNameTheKey) {
  size_t checked = 0;
  for (const auto& k : smmuKnobs()) {
    if (!k.check) continue;
    SCOPED_TRACE(k.key);
    bool found = false;
    for (const auto& v : suspectValues(k)) {
      const KnobError e = k.check(v);
      if (e.message.empty()) continue;
      found = true;
      const std::string path = "smmus[0]." + k.key + e.at;
      Scenario s;
      if (k.set(s.smmus[0].config, v)) {
        try {
          validateScenario(s);
          ADD_FAILURE() << "validateScenario accepted it";
        } catch (const ScenarioError& err) {
          EXPECT_EQ(err.path(), path);
          EXPECT_EQ(err.message(), e.message);
        }
      }
      if (k.kind == KnobKind::Httu) break;  // YAML spells only valid names: none, af, af_dirty
      const std::string text = yamlText(k, v);
      try {
        parseScenarioString(oneKey(k, text), "t.yaml");
        ADD_FAILURE() << "parsed " << text;
      } catch (const ScenarioError& err) {
        EXPECT_EQ(err.path(), path) << err.what();
        EXPECT_EQ(err.message(), e.message) << err.what();
        EXPECT_EQ(err.line(), 2u) << err.what();
      }
      Scenario o;
      try {
        applyOverride(o, "smmus[0]." + k.key + "=" + text);
        ADD_FAILURE() << "override accepted " << text;
      } catch (const ScenarioError& err) {
        EXPECT_EQ(err.path(), path) << err.what();
        EXPECT_EQ(err.message(), e.message) << err.what();
      }
      break;
    }
    EXPECT_TRUE(found) << "no value of its kind that the check rejects";
    ++checked;
  }
  EXPECT_GE(checked, 20u);
}
