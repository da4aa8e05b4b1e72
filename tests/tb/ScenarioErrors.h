// Test helpers: the error text of parsing a scenario or applying an override, or "OK".
#pragma once
#include <string>

#include "Scenario.h"

namespace smmu::testing {

// what() of the error parsing `yaml` as "t.yaml", or "OK".
inline std::string parseError(const std::string& yaml) {
  try {
    parseScenarioString(yaml, "t.yaml");
    return "OK";
  } catch (const ScenarioError& e) {
    return e.what();
  }
}

inline std::string overrideError(Scenario& s, const std::string& assignment) {
  try {
    applyOverride(s, assignment);
    return "OK";
  } catch (const ScenarioError& e) {
    return e.what();
  }
}

}  // namespace smmu::testing
