// Running sweeps: local parallel execution, failure reports, resume and the Slurm flow, with a
// fake simulator (a shell script that writes stats.json) and fake sbatch/squeue/scancel.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "Sweep.h"
#include "SweepRunner.h"

using namespace smmu;
using namespace smmu::tb;
namespace fs = std::filesystem;

namespace {

class TempDir {
 public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "smmusim-runner-XXXXXX").string();
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

void write(const std::string& path, const std::string& text, bool executable = false) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
  if (executable) chmod(path.c_str(), 0755);
}

std::string read(const std::string& path) { return readTextFile(path); }

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// A fake smmusim: `run DIR/scenario.yaml --out DIR --progress off`. It logs start/end to
// $LOG, fails with status 3 when the scenario's seed is 13, kills itself when it is 9, and
// otherwise writes a stats.json whose walk rate is the memory latency / 1000.
std::string fakeSim(const TempDir& d, double sleepSec = 0.0) {
  const std::string path = d / "fake-smmusim.sh";
  std::ostringstream s;
  s << "#!/bin/sh\n"
    << "[ \"$1\" = run ] && [ \"$3\" = --out ] && [ \"$5\" = --progress ] && [ \"$6\" = off ] "
       "|| { echo \"bad arguments: $*\" >&2; exit 64; }\n"
    << "echo \"start $4\" >> '" << d / "calls.log" << "'\n"
    << "sleep " << sleepSec << "\n"
    << "echo \"simulating $2\"\n"
    << "if grep -q '^seed: 13$' \"$2\"; then echo 'error: seed 13 is unlucky' >&2; "
       "echo \"end $4\" >> '" << d / "calls.log" << "'; exit 3; fi\n"
    << "if grep -q '^seed: 9$' \"$2\"; then kill -9 $$; fi\n"
    << "lat=$(sed -n 's/^  latency_ns: //p' \"$2\")\n"
    << "echo \"{\\\"sim_time_ns\\\": 5.0, \\\"totals\\\": {\\\"issued\\\": 4, "
       "\\\"completed\\\": 4, "
       "\\\"faulted\\\": 0, \\\"conserved\\\": true, "
       "\\\"served_rates\\\": {\\\"walk\\\": 0.$lat}}}\" "
       "> \"$4/stats.json\"\n"
    << "echo \"end $4\" >> '" << d / "calls.log" << "'\n";
  write(path, s.str(), true);
  return path;
}

// Largest number of fake runs in flight at once, from calls.log.
int maxInFlight(const std::string& log) {
  std::istringstream in(log);
  std::string line;
  int now = 0, most = 0;
  while (std::getline(in, line)) {
    now += line.rfind("start", 0) == 0 ? 1 : -1;
    most = std::max(most, now);
  }
  return most;
}

SweepOptions options(const TempDir& d, const std::string& sweep, std::ostream& out,
                     std::ostream& err) {
  SweepOptions o;
  o.sweepFile = sweep;
  o.outDir = d / "out";
  o.exe = fakeSim(d);
  o.jobs = 2;
  o.progress = ProgressMode::Off;
  o.out = &out;
  o.err = &err;
  return o;
}

const char* kSweep =
    "scenario:\n"
    "  name: t\n"
    "  devices: [{name: d, transactions: 10}]\n"
    "axes:\n"
    "  seed: [1, 13, 2]\n"
    "  memory.latency_ns: [100, 300]\n";

}  // namespace

// ---------------------------------------------------------------------------------------------
TEST(SweepRunner, ArraySpec) {
  EXPECT_EQ(arraySpec({0, 1, 2, 3}), "0-3");
  EXPECT_EQ(arraySpec({0, 1, 2, 3, 7, 9, 10}), "0-3,7,9-10");
  EXPECT_EQ(arraySpec({5}), "5");
  EXPECT_EQ(arraySpec({}), "");
}

TEST(SweepRunner, ShellQuote) {
  EXPECT_EQ(shellQuote("/a b/c"), "'/a b/c'");
  EXPECT_EQ(shellQuote("it's"), "'it'\\''s'");
}

TEST(SweepRunner, PointCommandAndStatus) {
  EXPECT_EQ(pointCommand("/bin/smmusim", "/o/points/0003"),
            (std::vector<std::string>{"/bin/smmusim", "run", "/o/points/0003/scenario.yaml",
                                      "--out", "/o/points/0003", "--progress", "off"}));
  EXPECT_EQ(describeStatus(2 << 8), "exit status 2");  // W_EXITCODE(2, 0)
  EXPECT_EQ(exitCodeOf(2 << 8), 2);
  EXPECT_EQ(describeStatus(9).rfind("killed by signal 9", 0), 0u);
  EXPECT_EQ(exitCodeOf(9), 137);
  EXPECT_GE(defaultJobs(), 1u);
}

TEST(SweepRunner, RunCommandCapturesOutputAndStatus) {
  CommandResult r = runCommand({"/bin/sh", "-c", "echo out; echo err >&2; exit 4"});
  EXPECT_EQ(r.status, 4);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  r = runCommand({"no-such-command-for-sweep-test"});
  EXPECT_EQ(r.status, 127);
  EXPECT_NE(r.err.find("cannot execute no-such-command-for-sweep-test"), std::string::npos);
  // Large output on both streams does not dead-lock.
  r = runCommand({"/bin/sh", "-c", "seq 1 20000; seq 1 20000 >&2"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(count(r.out, "\n"), 20000u);
  EXPECT_EQ(count(r.err, "\n"), 20000u);
}

TEST(SweepRunner, LocalRunsInParallelAndReportsFailures) {
  TempDir d;
  const std::string exe = fakeSim(d, 0.3);
  std::vector<LocalRun> runs;
  for (size_t i = 0; i < 5; ++i) {
    const std::string dir = pointDir(d / "out", i, 5);
    preparePoint(dir, std::string("seed: ") + (i == 3 ? "13" : std::to_string(i)) +
                          "\nmemory:\n  latency_ns: 100\n");
    runs.push_back({i, dir});
  }
  std::ostringstream err;
  const size_t failed = runLocal(exe, runs, 2, false, err, {"a", "b", "c", "seed=13", "e"});
  EXPECT_EQ(failed, 1u);
  EXPECT_EQ(maxInFlight(read(d / "calls.log")), 2);
  EXPECT_EQ(count(read(d / "calls.log"), "start"), 5u);
  EXPECT_EQ(read(pointDir(d / "out", 3, 5) + "/failed"), "3\n");
  EXPECT_TRUE(fs::exists(pointDir(d / "out", 4, 5) + "/stats.json"));
  EXPECT_NE(read(pointDir(d / "out", 4, 5) + "/log.txt").find("simulating"), std::string::npos);
  EXPECT_EQ(err.str(), "point 0003 failed: exit status 3 (seed=13)\n"
                       "  last lines of " + pointDir(d / "out", 3, 5) + "/log.txt:\n"
                       "    simulating " + pointDir(d / "out", 3, 5) + "/scenario.yaml\n"
                       "    error: seed 13 is unlucky\n");
}

TEST(SweepRunner, LocalReportsSignalsAndMissingBinary) {
  TempDir d;
  const std::string dir = pointDir(d / "out", 0, 1);
  preparePoint(dir, "seed: 9\n");
  std::ostringstream err;
  EXPECT_EQ(runLocal(fakeSim(d), {{0, dir}}, 1, false, err), 1u);
  EXPECT_EQ(err.str().rfind("point 0000 failed: killed by signal 9", 0), 0u) << err.str();
  EXPECT_EQ(read(dir + "/failed"), "137\n");

  std::ostringstream err2;
  preparePoint(dir, "seed: 1\n");
  EXPECT_EQ(runLocal(d / "missing-binary", {{0, dir}}, 1, false, err2), 1u);
  EXPECT_NE(err2.str().find("exit status 127"), std::string::npos);
  EXPECT_NE(err2.str().find("cannot execute " + d / "missing-binary"), std::string::npos)
      << err2.str();
}

TEST(SweepRunner, SweepCollectsResultsAndResumes) {
  TempDir d;
  write(d / "sw.yaml", kSweep);
  std::ostringstream out, err;
  SweepOptions o = options(d, d / "sw.yaml", out, err);
  EXPECT_EQ(runSweep(o), 1);  // seed 13 fails
  const std::string csv = read(d / "out/results.csv");
  EXPECT_EQ(count(csv, "\n"), 7u);
  EXPECT_EQ(count(csv, ",ok\n"), 4u);
  EXPECT_NE(csv.find("\n2,13,100,,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n5,2,300,4,4,0,,,,,,,,,,0.3,,,,,,,5.0,ok\n"), std::string::npos) << csv;
  EXPECT_NE(out.str().find("sweep: 6 points, 4 ok, 2 failed (0002 0003)"), std::string::npos)
      << out.str();
  EXPECT_EQ(count(err.str(), "failed: exit status 3"), 2u);
  EXPECT_TRUE(fs::exists(d / "out/results.json"));
  EXPECT_EQ(count(read(d / "calls.log"), "start"), 6u);

  // Re-run: the four good points are skipped, the failed two run again.
  std::ostringstream out2, err2;
  o.out = &out2;
  o.err = &err2;
  EXPECT_EQ(runSweep(o), 1);
  EXPECT_EQ(count(read(d / "calls.log"), "start"), 8u);
  EXPECT_NE(out2.str().find("resuming: 4 of 6 points already done, skipped"), std::string::npos);
  EXPECT_EQ(read(d / "out/results.csv"), csv);

  // A changed axis value changes those points' scenarios: only they run again.
  std::string changed = kSweep;
  changed.replace(changed.find("13"), 2, "14");
  write(d / "sw.yaml", changed);
  std::ostringstream out3, err3;
  o.out = &out3;
  o.err = &err3;
  EXPECT_EQ(runSweep(o), 0);
  EXPECT_EQ(count(read(d / "calls.log"), "start"), 10u);
  EXPECT_EQ(count(read(d / "out/results.csv"), ",ok\n"), 6u);
  EXPECT_EQ(err3.str(), "");
}

TEST(SweepRunner, DryRunWritesNothing) {
  TempDir d;
  write(d / "sw.yaml", kSweep);
  std::ostringstream out, err;
  SweepOptions o = options(d, d / "sw.yaml", out, err);
  o.dryRun = true;
  EXPECT_EQ(runSweep(o), 0);
  EXPECT_FALSE(fs::exists(d / "out"));
  EXPECT_FALSE(fs::exists(d / "calls.log"));
  EXPECT_NE(out.str().find("6 points"), std::string::npos);
  EXPECT_NE(out.str().find("0002   13    100                run"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("6 to run, 0 already done; 2 at a time"), std::string::npos);

  std::ostringstream slurmPlan;
  o.out = &slurmPlan;
  o.slurm = true;
  EXPECT_EQ(runSweep(o), 0);
  EXPECT_NE(slurmPlan.str().find("#SBATCH --array=0-5%2\n"), std::string::npos)
      << slurmPlan.str();
  EXPECT_FALSE(fs::exists(d / "out"));
}

TEST(SweepRunner, InvalidSweepFailsBeforeAnythingRuns) {
  TempDir d;
  write(d / "sw.yaml", "axes:\n  seed: [1, x]\n");
  std::ostringstream out, err;
  SweepOptions o = options(d, d / "sw.yaml", out, err);
  try {
    runSweep(o);
    FAIL() << "no error";
  } catch (const SweepError& e) {
    EXPECT_EQ(std::string(e.what()),
              d / "sw.yaml" +
                  ":2:3: axis seed: value x: seed: expected an unsigned integer, got 'x'");
  }
  EXPECT_FALSE(fs::exists(d / "out"));
}

// ---------------------------------------------------------------------------------------------
TEST(SweepSlurm, SbatchScript) {
  SlurmOptions so;
  so.partition = "short";
  so.time = "0:10:00";
  so.maxRunning = 4;
  const std::string s = makeSbatchScript("/opt/smmu sim/smmusim", "/scratch/out", 12,
                                         {0, 1, 2, 3, 5}, so);
  EXPECT_EQ(s.rfind("#!/bin/bash\n", 0), 0u);
  EXPECT_NE(s.find("#SBATCH --array=0-3,5%4\n"), std::string::npos) << s;
  EXPECT_NE(s.find("#SBATCH --partition=short\n"), std::string::npos);
  EXPECT_NE(s.find("#SBATCH --time=0:10:00\n"), std::string::npos);
  EXPECT_NE(s.find("#SBATCH --output=\"/scratch/out/slurm/%a.out\"\n"), std::string::npos);
  EXPECT_NE(s.find("exe='/opt/smmu sim/smmusim'\n"), std::string::npos);
  EXPECT_EQ(makeSbatchScript("x", "/o", 3, {0, 1, 2}, SlurmOptions{}).find("--partition"),
            std::string::npos);
  EXPECT_NE(makeSbatchScript("x", "/o", 3, {0, 1, 2}, SlurmOptions{}).find("--array=0-2\n"),
            std::string::npos);
}

TEST(SweepSlurm, SbatchTaskRunsItsPoint) {
  TempDir d;
  const std::string exe = fakeSim(d);
  const std::string script = d / "sweep.sbatch";
  write(script, makeSbatchScript(exe, d / "out", 3, {0, 1, 2}, SlurmOptions{}));
  preparePoint(pointDir(d / "out", 1, 3), "seed: 1\nmemory:\n  latency_ns: 250\n");
  preparePoint(pointDir(d / "out", 2, 3), "seed: 13\n");
  CommandResult r = runCommand({"/usr/bin/env", "SLURM_ARRAY_TASK_ID=1", "bash", script});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(read(pointDir(d / "out", 1, 3) + "/stats.json").find("0.250"), std::string::npos);
  EXPECT_FALSE(fs::exists(pointDir(d / "out", 0, 3) + "/stats.json"));
  r = runCommand({"/usr/bin/env", "SLURM_ARRAY_TASK_ID=2", "bash", script});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(read(pointDir(d / "out", 2, 3) + "/failed"), "3\n");
  EXPECT_NE(read(pointDir(d / "out", 2, 3) + "/log.txt").find("unlucky"), std::string::npos);
}

namespace {

// Fake Slurm commands: sbatch runs every task of the script's array at once and prints a job
// id; squeue prints nothing (the job is gone) unless $d/queue-stuck exists; scancel records
// its argument.
SlurmOptions fakeSlurm(const TempDir& d) {
  write(d / "bin/sbatch",
        "#!/bin/bash\n"
        "[ \"$1\" = --parsable ] || exit 9\n"
        "spec=$(sed -n 's/^#SBATCH --array=//p' \"$2\")\n"
        "echo \"$spec\" > '" + d / "array.txt" + "'\n"
        "IFS=, read -ra parts <<< \"${spec%\\%*}\"\n"
        "for p in \"${parts[@]}\"; do\n"
        "  a=${p%-*}; b=${p#*-}\n"
        "  for ((i=a; i<=b; i++)); do SLURM_ARRAY_TASK_ID=$i bash \"$2\" >/dev/null 2>&1; done\n"
        "done\n"
        "echo '4242;cluster'\n",
        true);
  write(d / "bin/squeue",
        "#!/bin/sh\n[ -e '" + d / "queue-stuck" + "' ] && echo \"$3\"_1\nexit 0\n", true);
  write(d / "bin/scancel", "#!/bin/sh\necho \"$1\" > '" + d / "cancelled" + "'\n", true);
  SlurmOptions so;
  so.sbatch = d / "bin/sbatch";
  so.squeue = d / "bin/squeue";
  so.scancel = d / "bin/scancel";
  so.pollSec = 0.05;
  return so;
}

}  // namespace

TEST(SweepSlurm, SubmitsPendingPointsWaitsAndCollects) {
  TempDir d;
  write(d / "sw.yaml", kSweep);
  std::ostringstream out, err;
  SweepOptions o = options(d, d / "sw.yaml", out, err);
  o.slurm = true;
  o.jobs = 0;
  o.slurmOptions = fakeSlurm(d);
  EXPECT_EQ(runSweep(o), 1);
  EXPECT_EQ(read(d / "array.txt"), "0-5\n");
  EXPECT_NE(read(d / "out/sweep.sbatch").find("#SBATCH --array=0-5\n"), std::string::npos);
  EXPECT_NE(out.str().find("submitted Slurm array job 4242 (6 tasks"), std::string::npos)
      << out.str();
  const std::string csv = read(d / "out/results.csv");
  EXPECT_EQ(count(csv, ",ok\n"), 4u);
  EXPECT_EQ(count(csv, ",failed\n"), 2u);
  // The failures are reported as for a local run.
  EXPECT_NE(err.str().find("point 0002 failed: exit status 3 (seed=13, memory.latency_ns=100)"),
            std::string::npos)
      << err.str();
  EXPECT_NE(err.str().find("error: seed 13 is unlucky"), std::string::npos);

  // Resume: only the failed points are submitted again.
  std::ostringstream out2, err2;
  o.out = &out2;
  o.err = &err2;
  EXPECT_EQ(runSweep(o), 1);
  EXPECT_EQ(read(d / "array.txt"), "2-3\n");
  EXPECT_EQ(read(d / "out/results.csv"), csv);
}

TEST(SweepSlurm, TimeoutCancelsTheJob) {
  TempDir d;
  write(d / "sw.yaml", "scenario: {name: t}\naxes:\n  seed: [1, 2]\n");
  write(d / "queue-stuck", "");
  std::ostringstream out, err;
  SweepOptions o = options(d, d / "sw.yaml", out, err);
  o.slurm = true;
  o.slurmOptions = fakeSlurm(d);
  o.slurmOptions.timeoutSec = 0.3;
  EXPECT_EQ(runSweep(o), 1);
  EXPECT_EQ(read(d / "cancelled"), "4242\n");
  EXPECT_NE(err.str().find("timed out after 0.3 s waiting for Slurm job 4242; cancelled it"),
            std::string::npos)
      << err.str();
  EXPECT_EQ(read(d / "array.txt"), "0-1%2\n");  // -j 2 throttles the array
}

TEST(SweepSlurm, SbatchFailureIsAnError) {
  TempDir d;
  write(d / "sw.yaml", "scenario: {name: t}\naxes:\n  seed: [1]\n");
  write(d / "bin/sbatch", "#!/bin/sh\necho 'sbatch: error: invalid partition' >&2\nexit 1\n",
        true);
  std::ostringstream out, err;
  SweepOptions o = options(d, d / "sw.yaml", out, err);
  o.slurm = true;
  o.slurmOptions.sbatch = d / "bin/sbatch";
  try {
    runSweep(o);
    FAIL() << "no error";
  } catch (const SweepError& e) {
    EXPECT_NE(std::string(e.what()).find("failed (status 1): sbatch: error: invalid partition"),
              std::string::npos)
        << e.what();
  }
}
