// `smmusim bench`: host-speed measurement of the model, every case in the same run on the same
// machine, reported as host nanoseconds per transaction and as ratios to a bare SystemC loop.
//
//   bare_loop   an LT initiator -> target b_transport loop with a quantum keeper, no SMMU (the
//               floor a translation model can approach)
//   lt_hit      LT mode, hit-dominated translated DMA: 4 devices, footprints that stay in the TLB
//   contention  contention mode: 16 devices sharing the SMMU, limited walkers, translation
//               slots and memory channels, mostly TLB hits
//   miss_heavy  contention mode, every access walks: random 64-byte accesses over 256 MiB per
//               device, a 16-entry TLB and no walk caches
//   scale       4096 devices, each mapping 4096 4 KiB pages (16 M pages): peak resident memory
//
// A SystemC kernel runs once per process, so `bench` runs each case in a child process
// (`smmusim bench-case NAME [--quick]`, hidden, prints one JSON line), then writes
// DIR/bench.json and prints a table. --quick runs fewer transactions per case; it never changes
// what a case measures (the same systems, the same 4096 x 4096 pages for scale).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "Scenario.h"

namespace CLI {
class App;
}

namespace smmu::tb {

struct BenchCaseInfo {
  std::string name;   // bench-case NAME
  std::string key;    // its bench.json figure: "lt_hit_ns", "scale_rss_bytes", ...
  std::string title;  // one line for the table
};
const std::vector<BenchCaseInfo>& benchCases();

// The scenario of a System-based case (every case but bare_loop). Throws for an unknown name.
Scenario benchScenario(const std::string& name, bool quick);

// Runs one case in this process (it elaborates and runs a SystemC design: once per process).
// The result: {"case", "transactions", "host_s", "ns_per_txn", "rss_bytes", ...}. `sets` are
// scenario overrides (applyOverride) for exploring a System-based case; `bench` passes none.
nlohmann::json runBenchCase(const std::string& name, bool quick,
                            const std::vector<std::string>& sets = {});

struct BenchOptions {
  std::string outDir;               // DIR/bench.json ("" = do not write)
  bool quick = false;
  unsigned repeat = 3;              // runs of each case (but scale), the fastest counts
  std::vector<std::string> cases;   // empty = all
  std::string exe;                  // the smmusim binary; "" = /proc/self/exe
};

// Runs the cases (each in a child process), writes bench.json, prints the table. Returns 0 when
// every case ran and every target was met, 1 when a target was missed, 2 when a case failed.
int runBench(const BenchOptions& opts);

// The `bench` and hidden `bench-case` subcommands (main.cpp).
struct BenchCommands {
  CLI::App* bench = nullptr;
  CLI::App* benchCase = nullptr;
  BenchOptions opts;
  std::string caseName;
  bool caseQuick = false;
  std::vector<std::string> caseSets;
  bool selected() const;
};
void addBenchSubcommands(CLI::App& app, BenchCommands& c);
int runBenchCommand(const BenchCommands& c);

}  // namespace smmu::tb
