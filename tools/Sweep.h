// Parameter sweeps (`smmusim sweep`): the pure part. Reads a sweep file, expands it into points
// (each one the base scenario with one value per axis applied by applyOverride), plans the
// output directory, decides which points a re-run can skip, and turns the points' stats.json
// files into results.csv / results.json. Running the points is SweepRunner's job.
//
// Sweep file (YAML):
//
//   base: scenario.yaml        # scenario file, relative to the sweep file's directory
//   # scenario: {...}          # ... or the scenario inline (neither: the built-in default)
//   mode: product              # product (cartesian, the last axis varies fastest) | zip
//   axes:                      # scenario field path (as for `run --set`) -> values
//     smmus[0].tlb_entries: [128, 512, 2048]                 # a list of YAML values
//     smmus[0].walker_issue_cycles: {from: 2, to: 8, step: 2}  # 2 4 6 8 (`to` included)
//     devices[0].write_fraction: {from: 0, to: 1, step: 0.25}  # float steps
//     smmus[0].config_cache_entries: {from: 16, to: 256, factor: 2}  # 16 32 64 128 256
//     memory.latency_ns: 100   # a single value
//
// Output directory OUT:
//   OUT/points/NNNN/scenario.yaml   the point's full scenario (scenarioToYaml)
//   OUT/points/NNNN/stats.json      written by `smmusim run ... --out OUT/points/NNNN`
//   OUT/points/NNNN/log.txt         the run's stdout and stderr
//   OUT/points/NNNN/failed          present after a failed run: its exit status
//   OUT/results.csv, OUT/results.json
// NNNN is the point index, zero-padded to 4 digits (more when there are more points).
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "Scenario.h"

namespace smmu::tb {

// what() = "FILE:LINE:COL: message" (line/column when known).
class SweepError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class SweepMode : uint8_t { Product, Zip };
std::string_view sweepModeName(SweepMode m);  // "product", "zip"

struct SweepAxis {
  std::string path;                 // scenario field, e.g. "smmus[0].tlb_entries"
  std::vector<std::string> values;  // YAML text of each value, as given to applyOverride
  unsigned line = 0, column = 0;    // the axis key in the sweep file (1-based; 0 = unknown)
};

struct SweepSpec {
  std::string file;      // the sweep file as named on the command line (for messages)
  std::string baseFile;  // the base scenario file ("" = inline or built-in default)
  std::string baseDir;   // the sweep file's directory: relative paths in axis values
  Scenario base;
  SweepMode mode = SweepMode::Product;
  std::vector<SweepAxis> axes;
};

struct SweepPoint {
  size_t index = 0;
  std::vector<size_t> valueIndex;  // per axis: index into SweepAxis::values
  Scenario scenario;               // base + every axis value (validated)
  std::string yaml;                // scenarioToYaml(scenario): the point's scenario.yaml
};

// Largest number of values one range may produce, and of points a sweep may have.
inline constexpr size_t kMaxRangeValues = 10000;
inline constexpr size_t kMaxSweepPoints = 100000;

// Parses a sweep file. Relative `base:` paths are resolved against baseDir (parseSweepFile: the
// sweep file's directory). Throws SweepError naming the file, line and key; a base scenario
// that fails to parse is reported with the scenario's own error.
SweepSpec parseSweepFile(const std::string& path);
SweepSpec parseSweepString(const std::string& text, const std::string& file,
                           const std::string& baseDir = ".");

// Values of a range {from, to, step} (inclusive; descending when from > to; integer or float)
// or {from, to, factor} (integers, geometric). `where` prefixes error messages.
std::vector<std::string> expandRange(const std::string& from, const std::string& to,
                                     const std::string& step, const std::string& factor,
                                     const std::string& where);

// Value indices of every point in point order: product = nested loops over the axes in file
// order (the last axis fastest); zip = the i-th value of every axis (equal lengths, else a
// SweepError naming the file and both axes).
std::vector<std::vector<size_t>> sweepCombinations(const SweepSpec& spec);

// Every point, built and validated before anything runs. Relative device trace paths become
// absolute (those of a base file relative to it, the others relative to the sweep file), since
// the point's scenario.yaml is written elsewhere. An invalid axis path or value throws
// SweepError "FILE:LINE:COL: axis PATH: value V: <the scenario error>"; a combination that no
// order of the assignments makes valid names the point and its assignments.
std::vector<SweepPoint> expandSweep(const SweepSpec& spec);

// "PATH=VALUE" of one axis of a point, and all of them joined with ", ".
std::string pointAssignment(const SweepSpec& spec, const SweepPoint& p, size_t axis);
std::string pointLabel(const SweepSpec& spec, const SweepPoint& p);

// ---- output directory ----
std::string pointDirName(size_t index, size_t count);  // 7 of 12 -> "0007"; 7 of 20000 -> "00007"
std::string pointDir(const std::string& out, size_t index, size_t count);  // OUT/points/0007

// A re-run skips a point whose scenario.yaml equals `yaml` and whose stats.json parses, unless
// the `failed` marker is there (failed points run again).
bool pointIsDone(const std::string& dir, const std::string& yaml);
// Makes a point ready to run: creates dir, writes scenario.yaml, removes any stale stats.json,
// log.txt and failed marker.
void preparePoint(const std::string& dir, const std::string& yaml);
// Records a failed run (exit status, or 128 + signal) in DIR/failed.
void markPointFailed(const std::string& dir, int exitStatus);

struct PointResult {
  size_t index = 0;
  bool ok = false;
  int exitStatus = -1;       // from the failed marker; 0 when ok; -1 unknown
  std::string error;         // why it failed ("" when ok)
  nlohmann::json stats;      // the parsed stats.json (null when missing or unreadable)
};
// Reads DIR: ok = stats.json parses, has totals, totals.conserved is not false and there is no
// failed marker.
PointResult readPointResult(const std::string& dir, size_t index);

// ---- results ----
// The headline statistics, in column order: CSV column name and JSON pointer into stats.json.
struct HeadlineStat {
  const char* column;
  const char* pointer;
};
const std::vector<HeadlineStat>& headlineStats();
std::vector<std::string> resultsCsvHeader(const SweepSpec& spec);  // point, axes..., stats, status
// One row per point, in point order; a failed point's statistics columns are empty.
std::string resultsCsv(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                       const std::vector<PointResult>& results);
nlohmann::json resultsJson(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                           const std::vector<PointResult>& results);
std::string csvField(const std::string& text);  // quoted when it holds , " CR LF

// The last n non-empty lines of text (for reporting a failed point's log).
std::vector<std::string> lastLines(const std::string& text, size_t n);
std::string readTextFile(const std::string& path);  // "" when missing
void writeTextFile(const std::string& path, const std::string& text);  // throws on failure

}  // namespace smmu::tb
