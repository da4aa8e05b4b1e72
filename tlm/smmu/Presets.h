// Named SMMU configurations: published figures of real SMMUs (and of gem5's SMMUv3 model) as
// SmmuConfig values, each value with the place it comes from or a note that it is a choice.
// A scenario names one with `preset: NAME`; docs/presets.md lists every value and its source.
//
// Source strings start with how solid the value is, in the words of /work/shared/PRESETS.md:
// SPEC (fixed by a vendor document), RANGE (a pick from a documented configurable range),
// INST (the value a shipped SoC chose), gem5 (a default of gem5's model), UNVERIFIED (a guess:
// no source reached gives it), choice (no counterpart in any source: the model's own pick),
// model (SmmuConfig's default).
#pragma once
#include <string>
#include <vector>

#include "smmu/SmmuConfig.h"

namespace smmu {

// One value of a preset.
struct PresetValue {
  std::string key;     // the scenario key (smmus[].KEY), e.g. "tlb_entries"
  std::string value;   // the value as a scenario writes it, e.g. "2048", "[4, 28, 348]"
  std::string source;  // "SPEC [A600AE] §2.1: ..." or "choice: ..."
};

struct Preset {
  std::string name;     // "gem5-default"
  std::string summary;  // one line
  SmmuConfig config;    // name and regBase are SmmuConfig's defaults: a preset does not set them
  std::vector<PresetValue> values;  // one per presetKeys() entry, in that order
  std::vector<std::string> notes;   // source parameters with no counterpart in the model
};

// Every preset, in a fixed order ("default" first).
const std::vector<Preset>& presets();
// The preset of that name, or nullptr.
const Preset* findPresetInfo(const std::string& name);
// Copies the preset's configuration into `out` (name and regBase included: SmmuConfig's
// defaults); false (out unchanged) for an unknown name.
bool findPreset(const std::string& name, SmmuConfig& out);
// "default", "gem5-default", "mmu500-like", "mmu600-like", "mmu700-server".
std::vector<std::string> presetNames();

// The SmmuConfig fields a preset sets, by scenario key: every field but name and reg_base.
const std::vector<std::string>& presetKeys();
// The value of `key` in `c`, written as a scenario writes it ("" for an unknown key).
std::string presetValueText(const SmmuConfig& c, const std::string& key);

}  // namespace smmu
