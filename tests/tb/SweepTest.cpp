// Sweep files, axis expansion, the point directories, resume and the results tables.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "Sweep.h"

using namespace smmu;
using namespace smmu::tb;
namespace fs = std::filesystem;

namespace {

using Strings = std::vector<std::string>;

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "smmusim-sweep-XXXXXX").string();
    if (!mkdtemp(t.data())) throw std::runtime_error("mkdtemp failed");
    path_ = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& p) const { return (fs::path(path_) / p).string(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A small valid scenario (inline) followed by the given lines.
std::string sweepText(const std::string& tail) {
  return "scenario:\n"
         "  name: t\n"
         "  smmus:\n"
         "    - {name: s0, tlb_entries: 16, tlb_ways: 16}\n"
         "  devices:\n"
         "    - {name: d, transactions: 10}\n" +
         tail;
}

std::string parseError(const std::string& text) {
  try {
    const SweepSpec s = parseSweepString(text, "sw.yaml");
    expandSweep(s);
    return "OK";
  } catch (const SweepError& e) {
    return e.what();
  }
}

std::string rangeError(const std::string& from, const std::string& to, const std::string& step,
                       const std::string& factor) {
  try {
    expandRange(from, to, step, factor, "r");
    return "OK";
  } catch (const SweepError& e) {
    return e.what();
  }
}

// A stats.json with the headline fields.
std::string statsJson(unsigned issued, double p50, double walk, bool conserved = true) {
  return "{\"scenario\": \"t\", \"seed\": 1, \"sim_time_ns\": 1234.5, \"totals\": {"
         "\"issued\": " + std::to_string(issued) + ", \"completed\": " +
         std::to_string(issued - 1) + ", \"faulted\": 1, \"conserved\": " +
         (conserved ? "true" : "false") + ", \"latency_ns\": {\"min\": 10.0, \"mean\": 50.25, "
         "\"p50\": " + std::to_string(p50) + ", \"p90\": 90.0, \"p99\": 99.0, \"p999\": 110.0, "
         "\"max\": 120.0}, \"served_rates\": {\"utlb\": 0.0, \"tlb\": 0.125, \"coalesced\": 0.5, "
         "\"walk\": " + std::to_string(walk) + ", \"fault\": 0.01, \"abort\": 0.0, "
         "\"bypass\": 0.0}, \"config_cache_hit_rate\": 0.5, \"walks\": 7, "
         "\"memory_accesses_per_walk\": 4.0}, \"throughput\": {\"transactions_per_s\": "
         "2000000.0, \"bytes_per_s\": 128000000.0}}";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
TEST(SweepRange, IntegerStepsIncludeTo) {
  EXPECT_EQ(expandRange("2", "8", "2", "", ""), (Strings{"2", "4", "6", "8"}));
  EXPECT_EQ(expandRange("2", "9", "2", "", ""), (Strings{"2", "4", "6", "8"}));
  EXPECT_EQ(expandRange("5", "5", "3", "", ""), (Strings{"5"}));
  EXPECT_EQ(expandRange("8", "2", "3", "", ""), (Strings{"8", "5", "2"}));  // descending
  EXPECT_EQ(expandRange("0x10", "0x30", "0x10", "", ""), (Strings{"16", "32", "48"}));
  EXPECT_EQ(expandRange("1KiB", "3KiB", "1KiB", "", ""), (Strings{"1024", "2048", "3072"}));
}

TEST(SweepRange, FloatSteps) {
  EXPECT_EQ(expandRange("0", "1", "0.25", "", ""),
            (Strings{"0.0", "0.25", "0.5", "0.75", "1.0"}));
  // 0.3 / 0.1 is 2.9999999999999996 in binary floating point: 0.3 is still included.
  EXPECT_EQ(expandRange("0", "0.3", "0.1", "", ""), (Strings{"0.0", "0.1", "0.2", "0.3"}));
  EXPECT_EQ(expandRange("0.5", "1.1", "0.2", "", ""), (Strings{"0.5", "0.7", "0.9", "1.1"}));
  EXPECT_EQ(expandRange("1", "0", "0.5", "", ""), (Strings{"1.0", "0.5", "0.0"}));
  EXPECT_EQ(expandRange("-1", "1", "1", "", ""), (Strings{"-1", "0", "1"}));
  EXPECT_EQ(expandRange("1e-3", "3e-3", "1e-3", "", ""), (Strings{"0.001", "0.002", "0.003"}));
}

TEST(SweepRange, Factor) {
  EXPECT_EQ(expandRange("16", "256", "", "2", ""), (Strings{"16", "32", "64", "128", "256"}));
  EXPECT_EQ(expandRange("16", "300", "", "2", ""), (Strings{"16", "32", "64", "128", "256"}));
  EXPECT_EQ(expandRange("4KiB", "64KiB", "", "4", ""), (Strings{"4096", "16384", "65536"}));
  // Stops before overflowing 64 bits.
  EXPECT_EQ(expandRange("1", "18446744073709551615", "", "4294967296", "").size(), 2u);
}

TEST(SweepRange, Errors) {
  EXPECT_EQ(rangeError("1", "4", "0", ""), "r: range step must be positive");
  EXPECT_EQ(rangeError("0", "1", "0", ""), "r: range step must be positive");
  EXPECT_EQ(rangeError("0", "1", "-0.5", ""), "r: range step must be positive");
  EXPECT_EQ(rangeError("1", "4", "", ""),
            "r: a range needs exactly one of `step` (arithmetic) and `factor` (geometric)");
  EXPECT_EQ(rangeError("1", "4", "1", "2"),
            "r: a range needs exactly one of `step` (arithmetic) and `factor` (geometric)");
  EXPECT_EQ(rangeError("1", "", "1", ""),
            "r: a range needs `from` and `to` (and `step` or `factor`)");
  EXPECT_EQ(rangeError("a", "4", "1", ""),
            "r: range bounds and step must be numbers, got from a, to 4, step 1");
  EXPECT_EQ(rangeError("0", "1000000", "1", ""), "r: range has more than 10000 values");
  EXPECT_EQ(rangeError("0", "1", "1e-9", ""), "r: range has more than 10000 values");
  EXPECT_EQ(rangeError("0", "64", "", "2"),
            "r: a `factor` range needs 0 < from <= to and factor >= 2");
  EXPECT_EQ(rangeError("4", "64", "", "1"),
            "r: a `factor` range needs 0 < from <= to and factor >= 2");
  EXPECT_EQ(rangeError("1.5", "64", "", "2"),
            "r: a `factor` range needs non-negative integers, got from 1.5, to 64, factor 2");
}

// ---------------------------------------------------------------------------------------------
TEST(SweepParse, AxesInFileOrderWithValuesAsText) {
  const SweepSpec s =
      parseSweepString(sweepText("mode: product\n"
                                 "axes:\n"
                                 "  smmus[0].tlb_entries: [32, 0x40]\n"
                                 "  smmus[0].walker_issue_cycles: {from: 2, to: 8, step: 3}\n"
                                 "  memory.latency_ns: 70\n"
                                 "  smmus[0].granules: [[4K], [4K, 64K]]\n"),
                       "sw.yaml");
  EXPECT_EQ(s.mode, SweepMode::Product);
  ASSERT_EQ(s.axes.size(), 4u);
  EXPECT_EQ(s.axes[0].path, "smmus[0].tlb_entries");
  EXPECT_EQ(s.axes[0].values, (Strings{"32", "0x40"}));
  EXPECT_EQ(s.axes[0].line, 9u);
  EXPECT_EQ(s.axes[0].column, 3u);
  EXPECT_EQ(s.axes[1].path, "smmus[0].walker_issue_cycles");
  EXPECT_EQ(s.axes[1].values, (Strings{"2", "5", "8"}));
  EXPECT_EQ(s.axes[2].values, (Strings{"70"}));
  EXPECT_EQ(s.axes[3].values, (Strings{"[4K]", "[4K, 64K]"}));
  EXPECT_EQ(s.base.name, "t");
  EXPECT_EQ(s.base.smmus[0].config.tlbEntries, 16u);
  EXPECT_TRUE(s.baseFile.empty());
}

TEST(SweepParse, ProductOrderLastAxisFastest) {
  const SweepSpec s = parseSweepString(sweepText("axes:\n"
                                                 "  seed: [1, 2]\n"
                                                 "  memory.latency_ns: [10, 20, 30]\n"),
                                       "sw.yaml");
  EXPECT_EQ(sweepCombinations(s), (std::vector<std::vector<size_t>>{
                                      {0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}}));
  const auto points = expandSweep(s);
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[4].scenario.seed, 2u);
  EXPECT_EQ(points[4].scenario.memory.latencyNs, 20u);
  EXPECT_EQ(points[4].index, 4u);
  EXPECT_EQ(pointLabel(s, points[4]), "seed=2, memory.latency_ns=20");
  // The base is untouched apart from the axes, and yaml is the point's full scenario.
  EXPECT_EQ(points[4].scenario.smmus[0].config.tlbEntries, 16u);
  EXPECT_EQ(points[4].yaml, scenarioToYaml(points[4].scenario));
  EXPECT_NE(points[4].yaml.find("latency_ns: 20"), std::string::npos);
}

TEST(SweepParse, ZipPairsValues) {
  const SweepSpec s =
      parseSweepString(sweepText("mode: zip\n"
                                 "axes:\n"
                                 "  seed: [1, 2, 3]\n"
                                 "  memory.latency_ns: {from: 10, to: 30, step: 10}\n"),
                       "sw.yaml");
  const auto points = expandSweep(s);
  ASSERT_EQ(points.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(points[i].scenario.seed, i + 1);
    EXPECT_EQ(points[i].scenario.memory.latencyNs, 10 * (i + 1));
  }
}

TEST(SweepParse, ZipLengthMismatchNamesBothAxes) {
  EXPECT_EQ(parseError(sweepText("mode: zip\n"
                                 "axes:\n"
                                 "  seed: [1, 2, 3]\n"
                                 "  memory.latency_ns: [10, 20]\n")),
            "sw.yaml:10:3: zip mode needs axes of equal length: seed has 3 values, "
            "memory.latency_ns has 2");
}

TEST(SweepParse, AssignmentsOnlyValidTogetherAreAccepted) {
  // tlb_ways 32 does not divide the base's 16 entries until tlb_entries (a later axis) is 64.
  const SweepSpec s = parseSweepString(sweepText("axes:\n"
                                                 "  smmus[0].tlb_ways: [32]\n"
                                                 "  smmus[0].tlb_entries: [64, 128]\n"),
                                       "sw.yaml");
  const auto points = expandSweep(s);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[1].scenario.smmus[0].config.tlbWays, 32u);
  EXPECT_EQ(points[1].scenario.smmus[0].config.tlbEntries, 128u);
}

TEST(SweepParse, BadAxisPathOrValueNamesFileAndAxis) {
  EXPECT_EQ(parseError(sweepText("axes:\n  smmus[0].tlb_entriez: [8, 16]\n"))
                .rfind("sw.yaml:8:3: axis smmus[0].tlb_entriez: value 8: smmus[0]: unknown key "
                       "'tlb_entriez', did you mean 'tlb_entries'?",
                       0),
            0u);
  EXPECT_EQ(parseError(sweepText("axes:\n  seed: [1]\n  smmus[0].tlb_entries: [16, abc]\n")),
            "sw.yaml:9:3: axis smmus[0].tlb_entries: value abc: smmus[0].tlb_entries: expected an "
            "unsigned integer, got 'abc'");
  EXPECT_EQ(parseError(sweepText("axes:\n  smmus[3].tlb_entries: [16]\n")),
            "sw.yaml:8:3: axis smmus[3].tlb_entries: value 16: smmus: index 3 out of range "
            "(1 elements)");
  // Valid alone, invalid with the other axis: the point and its assignments are named.
  const std::string e = parseError(sweepText("axes:\n"
                                             "  smmus[0].tlb_entries: [16, 32]\n"
                                             "  smmus[0].tlb_ways: [16, 32]\n"));
  EXPECT_EQ(e.rfind("sw.yaml:9:3: axis smmus[0].tlb_ways: value 32 in point 1 "
                    "(smmus[0].tlb_entries=16, smmus[0].tlb_ways=32): smmus[0].tlb_ways: ", 0),
            0u)
      << e;
}

TEST(SweepParse, FileErrors) {
  EXPECT_EQ(parseError("axes: {seed: [1]}\nfoo: 1\n"),
            "sw.yaml:2:1: unknown key 'foo' (valid keys: base, scenario, mode, axes)");
  EXPECT_EQ(parseError("mode: cartesian\naxes: {seed: [1]}\n"),
            "sw.yaml:1:7: mode: expected product or zip, got 'cartesian'");
  EXPECT_EQ(parseError("mode: product\n"), "sw.yaml:1:1: missing `axes` (a map: scenario field -> "
                                           "values)");
  EXPECT_EQ(parseError("axes: {}\n"),
            "sw.yaml:1:7: axes: expected a non-empty map: scenario field -> values");
  EXPECT_EQ(parseError("axes:\n  seed: []\n"), "sw.yaml:2:9: axis seed: no values");
  EXPECT_EQ(parseError("axes:\n  seed: {from: 1, to: 3, stride: 1}\n"),
            "sw.yaml:2:26: axis seed: unknown range key 'stride' (valid keys: from, to, step, "
            "factor)");
  EXPECT_EQ(parseError("axes:\n  seed: {from: 1, to: 3, step: 0}\n"),
            "sw.yaml:2:9: axis seed: range step must be positive");
  EXPECT_EQ(parseError("axes: [seed]\n"),
            "sw.yaml:1:7: axes: expected a non-empty map: scenario field -> values");
  EXPECT_EQ(parseError("axes: {seed: [1\n"), parseError("axes: {seed: [1\n"));  // stable
  EXPECT_EQ(parseError("axes: {seed: [1\n").rfind("sw.yaml:", 0), 0u);
  EXPECT_EQ(parseError("base: a.yaml\nscenario: {name: x}\naxes: {seed: [1]}\n"),
            "sw.yaml:2:11: give either `base` (a file) or `scenario` (inline), not both");
  EXPECT_EQ(parseError("- 1\n"), "sw.yaml:1:1: expected a map with `base` and `axes`");
  // The product is bounded before anything is expanded.
  EXPECT_EQ(parseError("axes:\n  seed: {from: 1, to: 1000, step: 1}\n"
                       "  memory.latency_ns: {from: 1, to: 1000, step: 1}\n"),
            "sw.yaml: the product of the axes has more than 100000 points");
}

TEST(SweepParse, InlineScenarioErrorsPointIntoTheSweepFile) {
  EXPECT_EQ(parseError("scenario:\n"
                       "  name: x\n"
                       "  devices:\n"
                       "    - {name: a, pattern: zipff}\n"
                       "axes: {seed: [1]}\n"),
            "sw.yaml:4:26: devices[0].pattern: unknown value 'zipff' (expected sequential, "
            "strided, random, zipf)");
}

TEST(SweepParse, BaseFileIsRelativeToTheSweepFile) {
  TempDir d;
  write(d / "scen/base.yaml", "name: fromfile\nseed: 5\n");
  write(d / "sweeps/s.yaml", "base: ../scen/base.yaml\naxes:\n  seed: [6, 7]\n");
  const SweepSpec s = parseSweepFile(d / "sweeps/s.yaml");
  EXPECT_EQ(s.base.name, "fromfile");
  EXPECT_EQ(s.baseFile, fs::path(d / "scen/base.yaml").lexically_normal().string());
  EXPECT_EQ(expandSweep(s)[1].scenario.seed, 7u);

  write(d / "sweeps/bad.yaml", "axes: {seed: [1]}\nbase: missing.yaml\n");
  try {
    parseSweepFile(d / "sweeps/bad.yaml");
    FAIL() << "no error";
  } catch (const SweepError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(d / "sweeps/bad.yaml" + ":2:7: base: " +
                                              d / "sweeps/missing.yaml" + ": cannot open",
                                          0),
              0u)
        << e.what();
  }
  write(d / "sweeps/badscen.yaml", "base: ../scen/bad.yaml\naxes: {seed: [1]}\n");
  write(d / "scen/bad.yaml", "name: x\nseed: -1\n");
  try {
    parseSweepFile(d / "sweeps/badscen.yaml");
    FAIL() << "no error";
  } catch (const SweepError& e) {
    EXPECT_NE(std::string(e.what()).find("badscen.yaml:1:7: base: "), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("bad.yaml:2:7: seed: "), std::string::npos) << e.what();
  }
  EXPECT_THROW(parseSweepFile(d / "sweeps/none.yaml"), SweepError);
}

TEST(SweepParse, RelativeTracePathsBecomeAbsolute) {
  TempDir d;
  write(d / "scen/t.csv", "");
  write(d / "sweeps/u.csv", "");
  write(d / "scen/base.yaml", "devices:\n  - {name: a, trace: t.csv}\n  - {name: b}\n");
  write(d / "sweeps/s.yaml", "base: ../scen/base.yaml\naxes:\n"
                             "  devices[b].trace: [u.csv, /abs/v.csv]\n");
  const auto points = expandSweep(parseSweepFile(d / "sweeps/s.yaml"));
  ASSERT_EQ(points.size(), 2u);
  const std::string root = fs::path(d.path()).lexically_normal().string();
  EXPECT_EQ(points[0].scenario.devices[0].trace, root + "/scen/t.csv");    // the base's
  EXPECT_EQ(points[0].scenario.devices[1].trace, root + "/sweeps/u.csv");  // an axis's
  EXPECT_EQ(points[1].scenario.devices[1].trace, "/abs/v.csv");
  EXPECT_NE(points[0].yaml.find(root + "/sweeps/u.csv"), std::string::npos);
}

TEST(SweepParse, NoBaseMeansTheDefaultScenario) {
  const SweepSpec s = parseSweepString("axes: {seed: [3]}\n", "sw.yaml");
  EXPECT_EQ(s.base.name, "default");
  EXPECT_EQ(expandSweep(s)[0].scenario.devices.size(), defaultScenario().devices.size());
}

// ---------------------------------------------------------------------------------------------
TEST(SweepPlan, PointDirectories) {
  EXPECT_EQ(pointDirName(7, 12), "0007");
  EXPECT_EQ(pointDirName(0, 1), "0000");
  EXPECT_EQ(pointDirName(9999, 10000), "9999");
  EXPECT_EQ(pointDirName(7, 10001), "00007");
  EXPECT_EQ(pointDirName(12345, 20000), "12345");
  EXPECT_EQ(pointDir("/o", 3, 5), "/o/points/0003");
}

TEST(SweepPlan, ResumeSkipsOnlyCompletedIdenticalPoints) {
  TempDir d;
  const std::string dir = d / "points/0000";
  EXPECT_FALSE(pointIsDone(dir, "name: a\n"));
  preparePoint(dir, "name: a\n");
  EXPECT_EQ(readTextFile(dir + "/scenario.yaml"), "name: a\n");
  EXPECT_FALSE(pointIsDone(dir, "name: a\n"));  // no stats yet
  write(dir + "/stats.json", statsJson(10, 50, 0.5));
  EXPECT_TRUE(pointIsDone(dir, "name: a\n"));
  EXPECT_FALSE(pointIsDone(dir, "name: b\n"));  // the scenario changed
  write(dir + "/stats.json", "{\"totals\": {\"issu");  // cut short
  EXPECT_FALSE(pointIsDone(dir, "name: a\n"));
  write(dir + "/stats.json", statsJson(10, 50, 0.5));
  markPointFailed(dir, 3);
  EXPECT_FALSE(pointIsDone(dir, "name: a\n"));  // failed points run again
  // Preparing again clears what a previous run left.
  write(dir + "/log.txt", "old\n");
  preparePoint(dir, "name: b\n");
  EXPECT_FALSE(fs::exists(dir + "/stats.json"));
  EXPECT_FALSE(fs::exists(dir + "/failed"));
  EXPECT_FALSE(fs::exists(dir + "/log.txt"));
  EXPECT_EQ(readTextFile(dir + "/scenario.yaml"), "name: b\n");
}

TEST(SweepPlan, PointResults) {
  TempDir d;
  write(d / "ok/stats.json", statsJson(10, 50, 0.5));
  PointResult r = readPointResult(d / "ok", 4);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.index, 4u);
  EXPECT_EQ(r.exitStatus, 0);
  EXPECT_EQ(r.stats["totals"]["issued"], 10);

  write(d / "fail/stats.json", statsJson(10, 50, 0.5));
  markPointFailed(d / "fail", 139);
  r = readPointResult(d / "fail", 0);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exitStatus, 139);
  EXPECT_EQ(r.error, "exit status 139 (signal 11)");

  fs::create_directories(d / "none");
  r = readPointResult(d / "none", 0);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "no stats.json (the point did not run to the end)");

  write(d / "lost/stats.json", statsJson(10, 50, 0.5, false));
  r = readPointResult(d / "lost", 0);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "conservation check failed (issued != completed + faulted)");

  write(d / "junk/stats.json", "not json");
  EXPECT_EQ(readPointResult(d / "junk", 0).error, "stats.json is unreadable");
}

// ---------------------------------------------------------------------------------------------
TEST(SweepResults, CsvColumnsAndRowsFromStatsFiles) {
  TempDir d;
  const SweepSpec s = parseSweepString(sweepText("axes:\n"
                                                 "  smmus[0].tlb_entries: [16, 32]\n"
                                                 "  smmus[0].granules: [[4K], [4K, 64K]]\n"),
                                       "sw.yaml");
  const auto points = expandSweep(s);
  ASSERT_EQ(points.size(), 4u);
  write(pointDir(d.path(), 0, 4) + "/stats.json", statsJson(100, 50.5, 0.25));
  write(pointDir(d.path(), 1, 4) + "/stats.json", statsJson(200, 60, 0.75));
  fs::create_directories(pointDir(d.path(), 2, 4));
  markPointFailed(pointDir(d.path(), 2, 4), 2);
  write(pointDir(d.path(), 3, 4) + "/stats.json", statsJson(300, 70, 1));
  std::vector<PointResult> results;
  for (size_t i = 0; i < 4; ++i) results.push_back(readPointResult(pointDir(d.path(), i, 4), i));

  EXPECT_EQ(resultsCsvHeader(s),
            (Strings{"point", "smmus[0].tlb_entries", "smmus[0].granules", "issued", "completed",
                     "faulted", "latency_p50_ns", "latency_p90_ns", "latency_p99_ns",
                     "latency_p999_ns", "latency_mean_ns", "latency_max_ns", "utlb_rate",
                     "tlb_rate", "coalesced_rate", "walk_rate", "fault_rate",
                     "config_cache_hit_rate", "walks", "memory_accesses_per_walk",
                     "transactions_per_s", "bytes_per_s", "sim_time_ns", "status"}));
  const std::string csv = resultsCsv(s, points, results);
  EXPECT_EQ(csv,
            "point,smmus[0].tlb_entries,smmus[0].granules,issued,completed,faulted,"
            "latency_p50_ns,latency_p90_ns,latency_p99_ns,latency_p999_ns,latency_mean_ns,"
            "latency_max_ns,utlb_rate,tlb_rate,coalesced_rate,walk_rate,fault_rate,"
            "config_cache_hit_rate,walks,memory_accesses_per_walk,transactions_per_s,"
            "bytes_per_s,sim_time_ns,status\n"
            "0,16,[4K],100,99,1,50.5,90.0,99.0,110.0,50.25,120.0,0.0,0.125,0.5,0.25,0.01,0.5,7,"
            "4.0,2000000.0,128000000.0,1234.5,ok\n"
            "1,16,\"[4K, 64K]\",200,199,1,60.0,90.0,99.0,110.0,50.25,120.0,0.0,0.125,0.5,0.75,"
            "0.01,0.5,7,4.0,2000000.0,128000000.0,1234.5,ok\n"
            "2,32,[4K],,,,,,,,,,,,,,,,,,,,,failed\n"
            "3,32,\"[4K, 64K]\",300,299,1,70.0,90.0,99.0,110.0,50.25,120.0,0.0,0.125,0.5,1.0,"
            "0.01,0.5,7,4.0,2000000.0,128000000.0,1234.5,ok\n");

  const nlohmann::json j = resultsJson(s, points, results);
  EXPECT_EQ(j["ok"], 3);
  EXPECT_EQ(j["failed"], 1);
  EXPECT_EQ(j["mode"], "product");
  EXPECT_EQ(j["axes"][1]["values"][1], nlohmann::json::parse(R"(["4K", "64K"])"));
  EXPECT_EQ(j["points"][1]["values"]["smmus[0].tlb_entries"], 16);  // a number, not "16"
  EXPECT_EQ(j["points"][1]["dir"], "points/0001");
  EXPECT_EQ(j["points"][1]["stats"]["latency_p50_ns"], 60.0);
  EXPECT_EQ(j["points"][2]["status"], "failed");
  EXPECT_EQ(j["points"][2]["error"], "exit status 2");
  EXPECT_EQ(j["points"][2]["exit_status"], 2);
}

TEST(SweepResults, CsvQuoting) {
  EXPECT_EQ(csvField("abc"), "abc");
  EXPECT_EQ(csvField("a,b"), "\"a,b\"");
  EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvField("two\nlines"), "\"two\nlines\"");
}

TEST(SweepResults, LastLines) {
  EXPECT_EQ(lastLines("a\nb\n\nc\r\nprogress 1\rprogress 2\n\n", 3),
            (Strings{"b", "c", "progress 2"}));
  EXPECT_EQ(lastLines("", 3), Strings{});
  EXPECT_EQ(lastLines("only", 3), Strings{"only"});
}
