// `smmusim replay`: translate a logged sequence of transactions against a memory image and a
// register dump taken from a real system (or another model), and write what the model did
// with each one, so that a verification engineer can diff it against the system's log.
// Runs SmmuCore directly: no SystemC kernel, deterministic, fast.
#pragma once
#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "smmu/SmmuConfig.h"

namespace smmu::tb {

class ReplayError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ReplayOptions {
  std::string regsPath;    // REGS.json
  std::string imageBin;    // IMG.bin
  std::string imageIdx;    // IMG.idx
  std::string tracePath;   // IN.csv: sid,ssid,iova,dir
  std::string outPath;     // OUT.csv
  std::vector<std::pair<uint64_t, uint64_t>> ram;  // (base, size); empty = all memory
  SmmuConfig smmu;         // caches and timing; features come from the IDRs in REGS.json
};

struct ReplaySummary {
  uint64_t rows = 0, ok = 0, aborted = 0, faulted = 0, eventsRecorded = 0;
};

// Register name (with or without the SMMU_ prefix, any case) -> frame offset. False if unknown.
bool registerOffset(const std::string& name, uint32_t& offset, bool& is64);

// Throws ReplayError (file:line: what) on bad input. OUT.csv rows written before an error in
// IN.csv are kept (the file is flushed) and the error names the offending line.
ReplaySummary runReplay(const ReplayOptions& opt);

}  // namespace smmu::tb
