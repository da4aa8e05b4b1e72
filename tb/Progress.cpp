#include "Progress.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace smmu {

std::string_view progressModeName(ProgressMode m) {
  switch (m) {
    case ProgressMode::Auto: return "auto";
    case ProgressMode::On: return "on";
    case ProgressMode::Off: return "off";
  }
  return "auto";
}

bool progressModeFromName(std::string_view name, ProgressMode& out) {
  for (ProgressMode m : {ProgressMode::Auto, ProgressMode::On, ProgressMode::Off}) {
    if (progressModeName(m) == name) {
      out = m;
      return true;
    }
  }
  return false;
}

double Progress::steadySeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

bool Progress::stderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

Progress::Progress(ProgressMode mode, std::ostream* out, Clock clock, bool terminal,
                   double minIntervalSec)
    : enabled_(mode == ProgressMode::On || (mode == ProgressMode::Auto && terminal)),
      out_(out ? out : &std::cerr),
      clock_(clock ? std::move(clock) : Clock(steadySeconds)),
      minInterval_(minIntervalSec),
      start_(enabled_ ? clock_() : 0.0) {}

void Progress::update(uint64_t done, uint64_t total, uint64_t simTimeNs) {
  if (!enabled_) return;
  const double now = clock_();
  if (draws_ > 0 && now - lastDraw_ < minInterval_) return;
  draw(done, total, simTimeNs, now);
}

void Progress::finish(uint64_t done, uint64_t total, uint64_t simTimeNs) {
  if (!enabled_) return;
  draw(done, total, simTimeNs, clock_());
  *out_ << '\n' << std::flush;
  lastLen_ = 0;
}

void Progress::draw(uint64_t done, uint64_t total, uint64_t simTimeNs, double now) {
  std::string line = formatLine(done, total, simTimeNs, now - start_);
  const size_t len = line.size();
  if (len < lastLen_) line.append(lastLen_ - len, ' ');  // erase the rest of a longer line
  *out_ << '\r' << line << std::flush;
  lastLen_ = len;
  lastDraw_ = now;
  ++draws_;
}

static std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string Progress::formatSimTime(uint64_t ns) {
  if (ns < 1000) return std::to_string(ns) + " ns";
  if (ns < 1000000) return fmt("%.2f us", double(ns) / 1e3);
  if (ns < 1000000000) return fmt("%.2f ms", double(ns) / 1e6);
  return fmt("%.3f s", double(ns) / 1e9);
}

std::string Progress::formatRate(double r) {
  if (!(r >= 0) || std::isinf(r)) return "-";
  if (r < 1e3) return fmt("%.0f", r);
  if (r < 1e6) return fmt("%.1fk", r / 1e3);
  if (r < 1e9) return fmt("%.2fM", r / 1e6);
  return fmt("%.2fG", r / 1e9);
}

std::string Progress::formatDuration(double sec) {
  if (!(sec >= 0) || sec > 1e8) return "-:--:--";
  const uint64_t s = uint64_t(std::llround(sec));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600),
                (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
  return buf;
}

std::string Progress::formatLine(uint64_t done, uint64_t total, uint64_t simTimeNs,
                                 double elapsedSec) {
  std::string s = "sim " + formatSimTime(simTimeNs) + " | " + std::to_string(done);
  if (total) {
    s += "/" + std::to_string(total) + " txn";
    s += fmt(" (%.1f%%)", 100.0 * double(done) / double(total));
  } else {
    s += " txn";
  }
  if (elapsedSec > 0 && done > 0) {
    const double rate = double(done) / elapsedSec;
    s += " | " + formatRate(rate) + " txn/s";
    if (total >= done) s += " | ETA " + formatDuration(double(total - done) / rate);
  } else {
    s += " | - txn/s";
    if (total) s += " | ETA -:--:--";
  }
  return s;
}

}  // namespace smmu
