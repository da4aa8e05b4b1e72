// The value of one SMMU knob (smmu/SmmuKnobs.h), apart from the knob table so that SmmuConfig
// can hold knob values (a TBU's own settings) without depending on the table.
#pragma once
#include <array>
#include <string>
#include <variant>

#include "smmu/WalkerArbiter.h"

namespace smmu {

struct GranuleSet {
  bool k4 = false, k16 = false, k64 = false;
  bool operator==(const GranuleSet& o) const { return k4 == o.k4 && k16 == o.k16 && k64 == o.k64; }
  bool operator!=(const GranuleSet& o) const { return !(*this == o); }
};

using KnobValue = std::variant<std::string, uint64_t, unsigned, double, bool, ArbitrationPolicy,
                               GranuleSet, std::array<unsigned, 3>>;

}  // namespace smmu
