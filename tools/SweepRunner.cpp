#include "SweepRunner.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

extern char** environ;

namespace smmu::tb {

namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// argv/envp arrays for execve, built before fork (the child only calls async-signal-safe
// functions).
struct ExecArgs {
  std::vector<std::string> strings;
  std::vector<char*> ptrs;
  explicit ExecArgs(std::vector<std::string> s) : strings(std::move(s)) {
    for (auto& x : strings) ptrs.push_back(x.data());
    ptrs.push_back(nullptr);
  }
  ExecArgs(const ExecArgs&) = delete;
  char** get() { return ptrs.data(); }
};

std::vector<std::string> childEnvironment() {
  std::vector<std::string> env;
  bool banner = false;
  for (char** e = environ; e && *e; ++e) {
    env.emplace_back(*e);
    banner |= env.back().rfind("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=", 0) == 0;
  }
  if (!banner) env.emplace_back("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1");
  return env;
}

void writeAll(int fd, const char* s) {
  size_t n = std::strlen(s);
  while (n > 0) {
    const ssize_t w = ::write(fd, s, n);
    if (w <= 0) return;
    s += w;
    n -= size_t(w);
  }
}

// Starts one point run; -1 if fork failed.
pid_t spawnPoint(ExecArgs& argv, ExecArgs& envp, const std::string& logPath) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  const int log = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int null = ::open("/dev/null", O_RDONLY);
  if (log < 0 || null < 0) _exit(126);
  ::dup2(null, 0);
  ::dup2(log, 1);
  ::dup2(log, 2);
  ::close(log);
  ::close(null);
  ::execve(argv.get()[0], argv.get(), envp.get());
  writeAll(2, "sweep: cannot execute ");
  writeAll(2, argv.get()[0]);
  writeAll(2, ": ");
  writeAll(2, std::strerror(errno));
  writeAll(2, "\n");
  _exit(127);
}

// One progress line, redrawn in place.
class SweepProgress {
 public:
  SweepProgress(bool enabled, std::ostream& os, size_t total)
      : enabled_(enabled), os_(os), total_(total), start_(Progress::steadySeconds()) {}
  void draw(size_t done, size_t failed, size_t running, bool force = false) {
    if (!enabled_) return;
    const double now = Progress::steadySeconds();
    if (!force && drawn_ && now - last_ < 0.25) return;
    last_ = now;
    const double elapsed = now - start_;
    std::string line = fmt::format("sweep: {}/{} points", done, total_);
    if (failed) line += fmt::format(" ({} failed)", failed);
    if (running) line += fmt::format(" | {} running", running);
    line += " | " + Progress::formatDuration(elapsed);
    if (done > 0 && done < total_)
      line += " | ETA " + Progress::formatDuration(elapsed / double(done) * double(total_ - done));
    std::string padded = line;
    if (padded.size() < width_) padded.append(width_ - padded.size(), ' ');
    width_ = line.size();
    os_ << '\r' << padded << std::flush;
    drawn_ = true;
  }
  // Clears the line so that a message can be printed.
  void clear() {
    if (!enabled_ || !drawn_) return;
    os_ << '\r' << std::string(width_, ' ') << '\r' << std::flush;
    drawn_ = false;
  }
  void finish(size_t done, size_t failed) {
    if (!enabled_) return;
    draw(done, failed, 0, true);
    os_ << '\n' << std::flush;
    drawn_ = false;
  }

 private:
  bool enabled_;
  std::ostream& os_;
  size_t total_;
  double start_, last_ = 0;
  size_t width_ = 0;
  bool drawn_ = false;
};

void reportFailure(std::ostream& err, const std::string& dir, const std::string& label,
                   const std::string& what) {
  err << "point " << fs::path(dir).filename().string() << " failed: " << what;
  if (!label.empty()) err << " (" << label << ")";
  err << '\n';
  const std::string log = (fs::path(dir) / "log.txt").string();
  const auto lines = lastLines(readTextFile(log), 5);
  if (lines.empty()) {
    err << "  " << log << " is empty or missing\n";
    return;
  }
  err << "  last lines of " << log << ":\n";
  for (const auto& l : lines) err << "    " << l << '\n';
}

bool progressEnabled(ProgressMode m) {
  return m == ProgressMode::On || (m == ProgressMode::Auto && Progress::stderrIsTerminal());
}

void sleepSeconds(double s) {
  std::this_thread::sleep_for(std::chrono::microseconds(int64_t(s * 1e6)));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Small pieces
// ---------------------------------------------------------------------------------------------
unsigned defaultJobs() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return unsigned(CPU_COUNT(&set));
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? unsigned(n) : 1;
}

std::string selfExe() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw SweepError("cannot find the smmusim binary: readlink /proc/self/exe failed");
  return std::string(buf, size_t(n));
}

std::string describeStatus(int ws) {
  if (WIFEXITED(ws)) return "exit status " + std::to_string(WEXITSTATUS(ws));
  if (WIFSIGNALED(ws)) {
    const char* name = strsignal(WTERMSIG(ws));
    return "killed by signal " + std::to_string(WTERMSIG(ws)) + (name ? std::string(" (") +
                                                                            name + ")"
                                                                      : std::string());
  }
  return "wait status " + std::to_string(ws);
}

int exitCodeOf(int ws) {
  if (WIFEXITED(ws)) return WEXITSTATUS(ws);
  if (WIFSIGNALED(ws)) return 128 + WTERMSIG(ws);
  return 255;
}

std::vector<std::string> pointCommand(const std::string& exe, const std::string& dir) {
  return {exe, "run", (fs::path(dir) / "scenario.yaml").string(), "--out", dir, "--progress",
          "off"};
}

std::string shellQuote(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

std::string arraySpec(const std::vector<size_t>& indices) {
  std::string s;
  for (size_t i = 0; i < indices.size();) {
    size_t j = i;
    while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1) ++j;
    if (!s.empty()) s += ',';
    s += std::to_string(indices[i]);
    if (j > i) s += "-" + std::to_string(indices[j]);
    i = j + 1;
  }
  return s;
}

std::string makeSbatchScript(const std::string& exe, const std::string& outDir,
                             size_t pointCount, const std::vector<size_t>& indices,
                             const SlurmOptions& o) {
  const std::string width = std::to_string(pointDirName(0, pointCount).size());
  std::string s;
  s += "#!/bin/bash\n";
  s += "# smmusim sweep: an array job, task i runs point i (OUT/points/NNNN).\n";
  s += "#SBATCH --job-name=smmusim-sweep\n";
  s += "#SBATCH --array=" + arraySpec(indices);
  if (o.maxRunning) s += "%" + std::to_string(o.maxRunning);
  s += "\n";
  s += "#SBATCH --output=\"" + (fs::path(outDir) / "slurm" / "%a.out").string() + "\"\n";
  s += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  if (!o.partition.empty()) s += "#SBATCH --partition=" + o.partition + "\n";
  if (!o.time.empty()) s += "#SBATCH --time=" + o.time + "\n";
  s += "set -u\n";
  s += "out=" + shellQuote(outDir) + "\n";
  s += "exe=" + shellQuote(exe) + "\n";
  s += "dir=\"$out/points/$(printf '%0" + width + "d' \"$SLURM_ARRAY_TASK_ID\")\"\n";
  s += "rm -f \"$dir/failed\"\n";
  s += "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 \"$exe\" run \"$dir/scenario.yaml\" --out \"$dir\" "
       "--progress off >\"$dir/log.txt\" 2>&1\n";
  s += "rc=$?\n";
  s += "if [ \"$rc\" -ne 0 ]; then echo \"$rc\" >\"$dir/failed\"; fi\n";
  s += "exit \"$rc\"\n";
  return s;
}

CommandResult runCommand(const std::vector<std::string>& argv) {
  CommandResult r;
  int out[2], err[2];
  if (argv.empty() || ::pipe(out) != 0) return r;
  if (::pipe(err) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return r;
  }
  ExecArgs args(argv);
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::close(out[0]);
    ::close(out[1]);
    ::close(err[0]);
    ::close(err[1]);
    ::execvp(args.get()[0], args.get());
    writeAll(2, "cannot execute ");
    writeAll(2, args.get()[0]);
    writeAll(2, ": ");
    writeAll(2, std::strerror(errno));
    writeAll(2, "\n");
    _exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  if (pid < 0) {
    ::close(out[0]);
    ::close(err[0]);
    return r;
  }
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* dst[2] = {&r.out, &r.err};
  int open = 2;
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        dst[i]->append(buf, size_t(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  int ws = 0;
  while (::waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
  }
  r.status = exitCodeOf(ws);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Local execution
// ---------------------------------------------------------------------------------------------
size_t runLocal(const std::string& exe, const std::vector<LocalRun>& runs, unsigned jobs,
                bool progress, std::ostream& err, const std::vector<std::string>& labels) {
  jobs = std::max(1u, jobs);
  ExecArgs envp(childEnvironment());
  struct Child {
    pid_t pid;
    size_t run;
  };
  std::vector<Child> running;
  size_t next = 0, done = 0, failed = 0;
  SweepProgress bar(progress, err, runs.size());
  const auto finishRun = [&](size_t run, const std::string& what, int code) {
    ++done;
    if (code == 0) return;
    ++failed;
    try {
      markPointFailed(runs[run].dir, code);
    } catch (const std::exception& e) {
      err << "sweep: " << e.what() << '\n';
    }
    bar.clear();
    reportFailure(err, runs[run].dir, run < labels.size() ? labels[run] : "", what);
  };
  while (done < runs.size()) {
    while (running.size() < jobs && next < runs.size()) {
      const LocalRun& r = runs[next];
      ExecArgs argv(pointCommand(exe, r.dir));
      const pid_t pid = spawnPoint(argv, envp, (fs::path(r.dir) / "log.txt").string());
      if (pid < 0) {
        finishRun(next, std::string("cannot fork: ") + std::strerror(errno), 127);
      } else {
        running.push_back({pid, next});
      }
      ++next;
    }
    bool reaped = false;
    for (size_t i = 0; i < running.size();) {
      int ws = 0;
      const pid_t p = ::waitpid(running[i].pid, &ws, WNOHANG);
      if (p == running[i].pid || (p < 0 && errno != EINTR)) {
        const size_t run = running[i].run;
        running.erase(running.begin() + long(i));
        if (p < 0) {
          finishRun(run, std::string("lost the process: ") + std::strerror(errno), 255);
        } else {
          finishRun(run, describeStatus(ws), exitCodeOf(ws));
        }
        reaped = true;
      } else {
        ++i;
      }
    }
    bar.draw(done, failed, running.size(), reaped);
    if (!reaped && !running.empty()) sleepSeconds(0.02);
  }
  bar.finish(done, failed);
  return failed;
}

// ---------------------------------------------------------------------------------------------
// The whole sweep
// ---------------------------------------------------------------------------------------------
namespace {

// Submits the array job and waits until it has left the queue. Returns false on a timeout
// (the job is cancelled).
bool runSlurm(const SweepOptions& opts, const std::string& exe, const std::string& out,
              size_t pointCount, const std::vector<size_t>& pending, std::ostream& msg,
              std::ostream& err) {
  const SlurmOptions& so = opts.slurmOptions;
  const std::string script = (fs::path(out) / "sweep.sbatch").string();
  std::error_code ec;
  fs::create_directories(fs::path(out) / "slurm", ec);
  writeTextFile(script, makeSbatchScript(exe, out, pointCount, pending, so));
  const CommandResult sub = runCommand({so.sbatch, "--parsable", script});
  if (sub.status != 0)
    throw SweepError("sbatch " + script + " failed (status " + std::to_string(sub.status) +
                     "): " + trim(sub.err.empty() ? sub.out : sub.err));
  const std::string job = trim(trim(sub.out).substr(0, trim(sub.out).find(';')));
  if (job.empty()) throw SweepError("sbatch printed no job id: " + trim(sub.out + sub.err));
  msg << "submitted Slurm array job " << job << " (" << pending.size() << " tasks, "
      << script << ")\n"
      << std::flush;

  SweepProgress bar(progressEnabled(opts.progress), err, pending.size());
  const double start = Progress::steadySeconds();
  std::string lastError;
  for (;;) {
    const CommandResult q = runCommand({so.squeue, "-h", "-j", job, "-o", "%i"});
    if (q.status == 0 && trim(q.out).empty()) break;
    if (q.status != 0 && q.err.find("Invalid job id") != std::string::npos) break;
    if (q.status != 0) lastError = trim(q.err);
    size_t done = 0;
    for (size_t i : pending) {
      const fs::path d = pointDir(out, i, pointCount);
      done += fs::exists(d / "stats.json", ec) || fs::exists(d / "failed", ec);
    }
    bar.draw(done, 0, 0);
    if (Progress::steadySeconds() - start > so.timeoutSec) {
      bar.clear();
      runCommand({so.scancel, job});
      err << "sweep: timed out after " << so.timeoutSec << " s waiting for Slurm job " << job
          << "; cancelled it"
          << (lastError.empty() ? "" : " (last squeue error: " + lastError + ")")
          << '\n';
      return false;
    }
    sleepSeconds(so.pollSec);
  }
  bar.finish(pending.size(), 0);
  return true;
}

void printPlan(std::ostream& os, const SweepSpec& spec, const std::vector<SweepPoint>& points,
               const std::vector<bool>& done, const std::string& out, const std::string& exe,
               const SweepOptions& opts, unsigned jobs, const std::vector<size_t>& pending) {
  os << "sweep " << spec.file << ": base "
     << (spec.baseFile.empty() ? std::string("(inline or default)") : spec.baseFile) << ", mode "
     << sweepModeName(spec.mode) << ", " << spec.axes.size() << " axes, " << points.size()
     << " points -> " << out << '\n';
  for (const auto& a : spec.axes) {
    os << "  axis " << a.path << ":";
    for (const auto& v : a.values) os << ' ' << v;
    os << '\n';
  }
  std::vector<size_t> w{5};
  for (const auto& a : spec.axes) w.push_back(a.path.size());
  for (const auto& p : points)
    for (size_t k = 0; k < spec.axes.size(); ++k)
      w[k + 1] = std::max(w[k + 1], spec.axes[k].values[p.valueIndex[k]].size());
  os << fmt::format("{:<{}}", "point", w[0]);
  for (size_t k = 0; k < spec.axes.size(); ++k)
    os << "  " << fmt::format("{:<{}}", spec.axes[k].path, w[k + 1]);
  os << "  state\n";
  for (size_t i = 0; i < points.size(); ++i) {
    os << fmt::format("{:<{}}", pointDirName(i, points.size()), w[0]);
    for (size_t k = 0; k < spec.axes.size(); ++k)
      os << "  " << fmt::format("{:<{}}", spec.axes[k].values[points[i].valueIndex[k]], w[k + 1]);
    os << "  " << (done[i] ? "done (skip)" : "run") << '\n';
  }
  os << pending.size() << " to run, " << points.size() - pending.size() << " already done";
  if (!opts.slurm) os << "; " << jobs << " at a time";
  os << '\n';
  if (pending.empty()) return;
  if (opts.slurm) {
    os << "would submit " << (fs::path(out) / "sweep.sbatch").string() << ":\n"
       << makeSbatchScript(exe, out, points.size(), pending, opts.slurmOptions);
  } else {
    os << "each point runs:";
    for (const auto& a : pointCommand(exe, pointDir(out, pending[0], points.size())))
      os << ' ' << a;
    os << '\n';
  }
}

}  // namespace

int runSweep(const SweepOptions& opts) {
  std::ostream& msg = opts.out ? *opts.out : std::cout;
  std::ostream& err = opts.err ? *opts.err : std::cerr;
  if (opts.outDir.empty()) throw SweepError("sweep: --out DIR is required");
  const SweepSpec spec = parseSweepFile(opts.sweepFile);
  const std::vector<SweepPoint> points = expandSweep(spec);
  const std::string out = fs::absolute(opts.outDir).lexically_normal().string();
  const std::string exe = opts.exe.empty() ? selfExe() : opts.exe;
  const unsigned jobs = opts.jobs ? opts.jobs : defaultJobs();

  std::vector<bool> done(points.size());
  std::vector<size_t> pending;
  for (size_t i = 0; i < points.size(); ++i) {
    done[i] = pointIsDone(pointDir(out, i, points.size()), points[i].yaml);
    if (!done[i]) pending.push_back(i);
  }
  SweepOptions effective = opts;
  if (opts.slurm && opts.jobs) effective.slurmOptions.maxRunning = opts.jobs;  // array throttle
  if (opts.dryRun) {
    printPlan(msg, spec, points, done, out, exe, effective, jobs, pending);
    return 0;
  }

  std::error_code ec;
  fs::create_directories(fs::path(out) / "points", ec);
  if (ec) throw SweepError(out + ": cannot create: " + ec.message());
  for (size_t i : pending) preparePoint(pointDir(out, i, points.size()), points[i].yaml);
  if (pending.size() < points.size())
    msg << "resuming: " << points.size() - pending.size() << " of " << points.size()
        << " points already done, skipped\n";

  std::set<size_t> reported;
  bool complete = true;
  if (!pending.empty()) {
    if (opts.slurm) {
      complete = runSlurm(effective, exe, out, points.size(), pending, msg, err);
    } else {
      msg << "running " << pending.size() << " points, " << std::min<size_t>(jobs, pending.size())
          << " at a time\n"
          << std::flush;
      std::vector<LocalRun> runs;
      std::vector<std::string> labels;
      for (size_t i : pending) {
        runs.push_back({i, pointDir(out, i, points.size())});
        labels.push_back(pointLabel(spec, points[i]));
      }
      runLocal(exe, runs, jobs, progressEnabled(opts.progress), err, labels);
      for (size_t i : pending)
        if (fs::exists(fs::path(pointDir(out, i, points.size())) / "failed", ec))
          reported.insert(i);
    }
  }

  std::vector<PointResult> results;
  std::vector<std::string> failedNames;
  for (size_t i = 0; i < points.size(); ++i) {
    const std::string dir = pointDir(out, i, points.size());
    results.push_back(readPointResult(dir, i));
    if (!results.back().ok) {
      failedNames.push_back(pointDirName(i, points.size()));
      if (!reported.count(i)) reportFailure(err, dir, pointLabel(spec, points[i]),
                                            results.back().error);
    }
  }
  const fs::path csv = fs::path(out) / "results.csv", json = fs::path(out) / "results.json";
  writeTextFile(csv.string() + ".tmp", resultsCsv(spec, points, results));
  fs::rename(csv.string() + ".tmp", csv);
  writeTextFile(json.string() + ".tmp", resultsJson(spec, points, results).dump(2) + "\n");
  fs::rename(json.string() + ".tmp", json);

  msg << "sweep: " << points.size() << " points, " << points.size() - failedNames.size()
      << " ok, " << failedNames.size() << " failed";
  if (!failedNames.empty()) {
    msg << " (";
    for (size_t i = 0; i < failedNames.size() && i < 20; ++i)
      msg << (i ? " " : "") << failedNames[i];
    if (failedNames.size() > 20) msg << " ...";
    msg << ")";
  }
  msg << "\nwrote " << csv.string() << " and " << json.string() << '\n';
  return failedNames.empty() && complete ? 0 : 1;
}

CLI::App* addSweepSubcommand(CLI::App& app, SweepOptions& o) {
  auto* s = app.add_subcommand(
      "sweep", "run every point of a parameter sweep (SWEEP.yaml) as its own run, collect "
               "OUT/results.csv");
  s->add_option("sweep", o.sweepFile, "sweep file (YAML): base scenario, mode, axes")
      ->required();
  s->add_option("--out", o.outDir, "output directory (points/NNNN/, results.csv, results.json)")
      ->required();
  s->add_option("-j,--jobs", o.jobs,
                "points run at a time (default: the number of CPUs; with --slurm: the array "
                "throttle, default none)");
  s->add_flag("--dry-run", o.dryRun, "print the plan (points, what would run) and exit");
  s->add_flag("--slurm", o.slurm, "run the points as a Slurm array job (sbatch), wait for it");
  s->add_option("--partition", o.slurmOptions.partition, "Slurm partition");
  s->add_option("--time", o.slurmOptions.time, "Slurm time limit per point, e.g. 0:10:00");
  s->add_option("--slurm-timeout", o.slurmOptions.timeoutSec,
                "seconds to wait for the Slurm job before cancelling it (default 86400)");
  s->add_option("--slurm-poll", o.slurmOptions.pollSec, "seconds between squeue polls (1)");
  s->add_option_function<std::string>(
      "--progress",
      [&o](const std::string& v) {
        if (!progressModeFromName(v, o.progress))
          throw CLI::ValidationError("--progress", "expected auto, on or off, got '" + v + "'");
      },
      "progress line on a terminal: auto, on, off");
  return s;
}

}  // namespace smmu::tb
