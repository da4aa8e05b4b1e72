// Running a sweep (`smmusim sweep`): every point is a separate process,
//   EXE run OUT/points/NNNN/scenario.yaml --out OUT/points/NNNN --progress off
// with its stdout and stderr in OUT/points/NNNN/log.txt. Locally, up to `jobs` of them run at a
// time (fork/exec of the smmusim binary itself); with Slurm, OUT/sweep.sbatch is an array job
// with one task per point to run, submitted with sbatch and waited for. Either way the results
// are then collected from the point directories (Sweep.h) into OUT/results.csv and .json.
// Points already done with the same scenario are skipped (resume).
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "Progress.h"
#include "Sweep.h"

namespace CLI {
class App;
}

namespace smmu::tb {

struct SlurmOptions {
  std::string partition;          // --partition ("" = the cluster's default)
  std::string time;               // --time limit per task ("" = the partition's default)
  unsigned maxRunning = 0;        // array throttle (%N); 0 = none
  double timeoutSec = 86400;      // give up waiting (and scancel) after this long
  double pollSec = 1.0;           // squeue polling interval
  std::string sbatch = "sbatch", squeue = "squeue", scancel = "scancel";
};

struct SweepOptions {
  std::string sweepFile;
  std::string outDir;
  unsigned jobs = 0;               // 0 = the CPUs this process may use
  bool dryRun = false;
  bool slurm = false;
  SlurmOptions slurmOptions;
  ProgressMode progress = ProgressMode::Auto;
  std::string exe;                 // the smmusim binary; "" = /proc/self/exe
  std::ostream* out = nullptr;     // messages (default std::cout)
  std::ostream* err = nullptr;     // progress and failures (default std::cerr)
};

// Runs the whole sweep; returns the exit status: 0 all points ok, 1 some failed. Invalid sweep
// files and setup failures throw (SweepError, ScenarioError).
int runSweep(const SweepOptions& opts);

// Adds the `sweep` subcommand and its options to a CLI11 app (main.cpp).
CLI::App* addSweepSubcommand(CLI::App& app, SweepOptions& opts);

// ---- pieces, exposed for tests ----
unsigned defaultJobs();           // CPUs in this process's affinity mask (at least 1)
std::string selfExe();            // readlink(/proc/self/exe)
std::string describeStatus(int waitStatus);  // "exit status 2", "killed by signal 9"
int exitCodeOf(int waitStatus);   // exit code, or 128 + signal

// The per-point command line.
std::vector<std::string> pointCommand(const std::string& exe, const std::string& dir);

struct LocalRun {
  size_t index;      // point index
  std::string dir;   // its directory (prepared)
};
// Runs the points, `jobs` at a time, each with stdout/stderr in DIR/log.txt; a failed one gets
// DIR/failed (markPointFailed) and a report on `err` (status, last log lines). `progress`
// draws "sweep: done/total points ... ETA" on `err`. Returns the number that failed.
size_t runLocal(const std::string& exe, const std::vector<LocalRun>& runs, unsigned jobs,
                bool progress, std::ostream& err, const std::vector<std::string>& labels = {});

// "0-3,7,9-10" for {0,1,2,3,7,9,10} (sorted, unique).
std::string arraySpec(const std::vector<size_t>& indices);
// The sbatch script: an array job whose task $SLURM_ARRAY_TASK_ID runs the point command of
// that point and writes the failed marker on a non-zero exit. Paths should be absolute.
std::string makeSbatchScript(const std::string& exe, const std::string& outDir,
                             size_t pointCount, const std::vector<size_t>& indices,
                             const SlurmOptions& o);
std::string shellQuote(const std::string& s);  // 'it'\''s'

struct CommandResult {
  int status = -1;  // exit code (128 + signal), or -1 when it could not start
  std::string out, err;
};
// Runs argv (PATH lookup), capturing stdout and stderr.
CommandResult runCommand(const std::vector<std::string>& argv);

}  // namespace smmu::tb
