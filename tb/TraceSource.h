// A captured workload for a trace-driven device: CSV rows `t_ns,sid,ssid,iova,dir,bytes`
// (issue time in ns from the start of traffic; hex sid/iova with 0x; ssid hex or empty; dir r
// or w; bytes decimal, 1..4096). A header line naming the columns is allowed; `#` starts a
// comment. Rows must be in non-decreasing time order. Errors name file:line and the field.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace smmu::tb {

class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TraceRow {
  uint64_t tNs = 0;
  uint32_t sid = 0;
  uint32_t ssid = 0;
  bool ssv = false;
  uint64_t iova = 0;
  bool write = false;
  uint32_t bytes = 64;
};

std::vector<TraceRow> loadTrace(const std::string& path);
std::vector<TraceRow> parseTrace(const std::string& text, const std::string& name);

}  // namespace smmu::tb
