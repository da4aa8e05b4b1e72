// The source tree the tests read files of (docs/, traces/): SMMUSIM_SOURCE_DIR, which ctest
// sets, else the tree this header is in.
#pragma once
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace smmu::testing {

inline std::string sourceDir() {
  if (const char* d = std::getenv("SMMUSIM_SOURCE_DIR")) return d;
  const std::string f = __FILE__;  // <src>/tests/SourceDir.h
  const std::string tests = f.substr(0, f.rfind('/'));
  return tests.substr(0, tests.rfind('/'));
}

// The text of `relative` in the source tree ("docs/statistics.md"); empty when it cannot be read.
inline std::string readSourceFile(const std::string& relative) {
  std::ifstream in(sourceDir() + "/" + relative);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace smmu::testing
