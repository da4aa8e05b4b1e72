// smmusim: the command-line front end.
//   smmusim run [SCENARIO] [--out DIR] [--set path=value ...] [--progress auto|on|off]
//   smmusim replay --regs REGS.json --image IMG.bin --index IMG.idx --trace IN.csv --out OUT.csv
//                  [--ram BASE:SIZE ...]
//   smmusim scenario [--default | SCENARIO]   (print the canonical YAML, with every default)
//   smmusim presets [NAME]   (list the SMMU presets / print one as scenario YAML with sources)
//   smmusim stats --reference   (every statistic of stats.json: place, unit, meaning)
//   smmusim sweep SWEEP.yaml --out DIR [-j N] [--slurm] [--dry-run]   (docs/sweeps.md)
//   smmusim bench [--out DIR] [--quick] [--case NAME ...]   (bench/README.md)
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <systemc>

#include "Bench.h"
#include "Progress.h"
#include "Replay.h"
#include "Report.h"
#include "Scenario.h"
#include "Statistics.h"
#include "SweepRunner.h"
#include "System.h"
#include "mem/MemoryImage.h"

namespace {

using namespace smmu;
using namespace smmu::tb;

int runScenario(const std::string& path, const std::vector<std::string>& sets,
                const std::string& outDir, const std::string& progressMode, bool record) {
  Scenario s = path.empty() ? defaultScenario() : parseScenarioFile(path);
  for (const auto& a : sets) applyOverride(s, a);
  if (!progressMode.empty() && !progressModeFromName(progressMode, s.run.progress))
    throw std::runtime_error("--progress: expected auto, on or off, got '" + progressMode + "'");
  validateScenario(s);

  const auto t0 = std::chrono::steady_clock::now();
  if (record && outDir.empty()) throw std::runtime_error("--record needs --out DIR");
  if (!outDir.empty()) std::filesystem::create_directories(outDir);
  System sys("system", s, record ? outDir + "/transactions.csv" : "");
  Progress progress(s.run.progress, &std::cerr);
  if (progress.enabled())
    sys.onProgress = [&](uint64_t done, uint64_t total, uint64_t ns) {
      progress.update(done, total, ns);
    };
  sc_core::sc_start();
  const double hostSec =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const RunRecord rec = sys.record();
  if (progress.enabled()) {
    uint64_t done = rec.excludedTransactions;  // issued before the statistics window
    for (const auto& d : rec.devices) done += d.stats->issued;
    progress.finish(done, totalTransactions(s), uint64_t(rec.simTimeNs));
  }
  if (!sys.hostError().empty()) throw std::runtime_error("host agent: " + sys.hostError());

  printSummary(std::cout, rec, hostSec);
  if (!outDir.empty()) {
    std::filesystem::create_directories(outDir);
    const std::string file = outDir + "/stats.json";
    std::ofstream out(file);
    if (!out) throw std::runtime_error(file + ": cannot create");
    out << makeStatsJson(rec).dump(2) << '\n';
    std::cout << "wrote " << file << '\n';
  }
  bool conserved = true;
  for (const auto& d : rec.devices)
    conserved = conserved && d.stats->issued == d.stats->completed + d.stats->faulted;
  if (!conserved) {
    std::cerr << "error: conservation check failed (issued != completed + faulted)\n";
    return 3;
  }
  return 0;
}

}  // namespace

int sc_main(int argc, char** argv) {
  // sc_stop() is how a run ends, not news.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  CLI::App app{"smmusim: a cycle-approximate SMMUv3 system model"};
  app.require_subcommand(1);

  std::string scenarioPath, outDir, progressMode;
  std::vector<std::string> sets;
  auto* run = app.add_subcommand("run", "run a scenario (the default one without SCENARIO)");
  run->add_option("scenario", scenarioPath, "scenario file (YAML or JSON)");
  run->add_option("--out", outDir, "write DIR/stats.json");
  run->add_option("--set", sets, "override a scenario field, e.g. devices[0].outstanding=8");
  run->add_option("--progress", progressMode, "progress line on a terminal: auto, on, off");
  bool record = false;
  run->add_flag("--record", record, "also write DIR/transactions.csv, one row per transaction");

  ReplayOptions ro;
  std::vector<std::string> ram;
  auto* replay = app.add_subcommand("replay", "translate a logged trace against a memory image");
  replay->add_option("--regs", ro.regsPath, "register dump (JSON)")->required();
  replay->add_option("--image", ro.imageBin, "memory image pages (IMG.bin)")->required();
  replay->add_option("--index", ro.imageIdx, "memory image index (IMG.idx)")->required();
  replay->add_option("--trace", ro.tracePath, "input CSV: sid,ssid,iova,dir")->required();
  replay->add_option("--out", ro.outPath, "output CSV")->required();
  replay->add_option("--ram", ram, "memory region BASE:SIZE (hex), repeatable");

  bool dumpDefault = false;
  std::string dumpPath;
  auto* scen = app.add_subcommand("scenario", "print a scenario with every default filled in");
  scen->add_flag("--default", dumpDefault, "the built-in default scenario");
  scen->add_option("file", dumpPath, "scenario file");
  bool reference = false;
  scen->add_flag("--reference", reference, "list every field, its unit and default");
  std::string presetName;
  auto* presetsCmd = app.add_subcommand("presets", "list the SMMU presets, or print one (NAME) "
                                                   "as scenario YAML with each value's source");
  presetsCmd->add_option("name", presetName, "preset to print");
  auto* statsCmd = app.add_subcommand("stats", "describe the statistics of stats.json");
  bool statsReference = false;
  statsCmd->add_flag("--reference", statsReference,
                     "list every statistic: its place in stats.json, unit and meaning")
      ->required();

  SweepOptions sweepOpts;
  auto* sweep = addSweepSubcommand(app, sweepOpts);
  BenchCommands bench;
  addBenchSubcommands(app, bench);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*run) return runScenario(scenarioPath, sets, outDir, progressMode, record);
    if (*sweep) return runSweep(sweepOpts);
    if (bench.selected()) return runBenchCommand(bench);
    if (*replay) {
      for (const auto& r : ram) ro.ram.push_back(parseRegionSpec(r));
      const ReplaySummary s = runReplay(ro);
      std::cout << "replayed " << s.rows << " transactions: " << s.ok << " ok, " << s.aborted
                << " aborted, " << s.faulted << " faulted; wrote " << ro.outPath << '\n';
      return 0;
    }
    if (*statsCmd) {
      std::cout << statisticsReference();
      return 0;
    }
    if (*presetsCmd) {
      std::cout << (presetName.empty() ? presetListing() : presetToYaml(presetName));
      return 0;
    }
    if (*scen) {
      if (reference) {
        std::cout << scenarioReference();
        return 0;
      }
      const Scenario s = dumpPath.empty() ? defaultScenario() : parseScenarioFile(dumpPath);
      std::cout << scenarioToYaml(s);
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  }
  return 0;
}
