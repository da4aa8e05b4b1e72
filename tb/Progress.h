// A one-line progress display for long simulations: simulated time, transactions done/total,
// wall-clock rate and ETA, redrawn in place with '\r' at most every `minIntervalSec` (0.2 s,
// ~5 times a second). Shown only on a terminal (mode auto: isatty(stderr)) or when forced on;
// with mode off, or auto on a pipe/file, nothing is ever written.
// Pure apart from the default clock and the isatty() probe, both injectable for tests.
#pragma once
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace smmu {

enum class ProgressMode : uint8_t { Auto, On, Off };
std::string_view progressModeName(ProgressMode m);  // "auto", "on", "off"
bool progressModeFromName(std::string_view name, ProgressMode& out);

class Progress {
 public:
  using Clock = std::function<double()>;  // monotonic seconds

  static double steadySeconds();  // std::chrono::steady_clock
  static bool stderrIsTerminal();

  // out: where to draw (std::cerr in the simulator); terminal: whether `out` is a terminal
  // (only consulted in mode auto).
  explicit Progress(ProgressMode mode, std::ostream* out = nullptr, Clock clock = steadySeconds,
                    bool terminal = stderrIsTerminal(), double minIntervalSec = 0.2);

  bool enabled() const { return enabled_; }
  // Redraws the line if enabled and at least minIntervalSec has passed since the last draw
  // (the first call draws at once).
  void update(uint64_t done, uint64_t total, uint64_t simTimeNs);
  // Draws the final state and ends the line (if anything was drawn or enabled).
  void finish(uint64_t done, uint64_t total, uint64_t simTimeNs);
  unsigned draws() const { return draws_; }

  // The text of one line, e.g.
  //   "sim 12.35 us | 61440/224000 txn (27.4%) | 1.23M txn/s | ETA 0:00:01"
  // elapsedSec is the wall time since the start; the rate and ETA need elapsedSec > 0.
  static std::string formatLine(uint64_t done, uint64_t total, uint64_t simTimeNs,
                                double elapsedSec);
  static std::string formatSimTime(uint64_t ns);   // "950 ns", "12.35 us", "1.50 ms", "2.000 s"
  static std::string formatRate(double perSec);    // "950", "12.3k", "1.23M"
  static std::string formatDuration(double sec);   // "0:01:05"

 private:
  void draw(uint64_t done, uint64_t total, uint64_t simTimeNs, double now);
  bool enabled_;
  std::ostream* out_;
  Clock clock_;
  double minInterval_;
  double start_;
  double lastDraw_ = 0;
  unsigned draws_ = 0;
  size_t lastLen_ = 0;
};

}  // namespace smmu
