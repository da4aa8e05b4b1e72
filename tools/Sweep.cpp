#include "Sweep.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace smmu::tb {

namespace fs = std::filesystem;

namespace {

std::string where(const std::string& file, const YAML::Mark& m) {
  if (m.is_null()) return file;
  return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

[[noreturn]] void fail(const std::string& file, const YAML::Mark& m, const std::string& msg) {
  throw SweepError(where(file, m) + ": " + msg);
}

// A YAML value as one line of flow-style YAML, as applyOverride reads it.
std::string flowYaml(const YAML::Node& n) {
  YAML::Emitter e;
  e.SetSeqFormat(YAML::Flow);
  e.SetMapFormat(YAML::Flow);
  e << n;
  return e.c_str();
}

// The scenario text of an inline `scenario:` map with every character at its line and column in
// the sweep file, so that the scenario's own error messages point into the sweep file: the text
// before the map and from the next top-level key on is blanked. "" when the layout does not
// allow it (flow-style root); the caller then falls back to re-emitting the map.
std::string inlineScenarioText(const std::string& text, const YAML::Node& root,
                               const YAML::Node& map) {
  if (root.Style() == YAML::EmitterStyle::Flow || map.Mark().is_null()) return "";
  const size_t start = size_t(map.Mark().pos);
  if (start > text.size()) return "";
  std::string out = text;
  for (size_t i = 0; i < start; ++i)
    if (out[i] != '\n') out[i] = ' ';
  // The map ends where a later line starts at column 0 with something other than a comment.
  size_t lineStart = text.find('\n', start);
  while (lineStart != std::string::npos) {
    const size_t b = lineStart + 1;
    if (b < text.size() && text[b] != ' ' && text[b] != '\t' && text[b] != '\n' &&
        text[b] != '\r' && text[b] != '#') {
      out.resize(b);
      break;
    }
    lineStart = text.find('\n', b);
  }
  return out;
}

// Digits after the decimal point of a number's text; -1 when it has an exponent.
int decimalsOf(const std::string& s) {
  if (s.find_first_of("eE") != std::string::npos) return -1;
  const size_t dot = s.find('.');
  return dot == std::string::npos ? 0 : int(s.size() - dot - 1);
}

bool parseDouble(const std::string& s, double& out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return errno == 0 && end && *end == '\0' && std::isfinite(out);
}

std::string formatDouble(double v, int decimals) {
  char buf[400];  // %f of a double below 1e308 with up to 17 decimals fits
  decimals = std::min(decimals, 17);
  if (decimals < 0) {
    std::snprintf(buf, sizeof buf, "%.15g", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  }
  std::string s = buf;
  if (decimals > 0) {  // 0.500 -> 0.5, 1.000 -> 1.0
    while (s.size() > 2 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  }
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);  // -0.0
  return s;
}

nlohmann::json yamlToJson(const YAML::Node& n) {
  if (n.IsSequence()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& e : n) a.push_back(yamlToJson(e));
    return a;
  }
  if (n.IsMap()) {
    nlohmann::json o = nlohmann::json::object();
    for (const auto& kv : n) o[kv.first.Scalar()] = yamlToJson(kv.second);
    return o;
  }
  if (!n.IsScalar()) return nullptr;
  if (n.Tag() != "!") {  // plain (unquoted) scalars may be numbers or booleans
    long long i;
    double d;
    bool b;
    if (YAML::convert<long long>::decode(n, i)) return i;
    if (YAML::convert<double>::decode(n, d) && std::isfinite(d)) return d;
    if (YAML::convert<bool>::decode(n, b)) return b;
  }
  return n.Scalar();
}

nlohmann::json valueJson(const std::string& yamlText) {
  try {
    return yamlToJson(YAML::Load(yamlText));
  } catch (const YAML::Exception&) {
    return yamlText;
  }
}

// Relative trace paths are relative to the file that named them; a point's scenario.yaml lives
// elsewhere (OUT/points/NNNN), so they are made absolute.
void absolutizeTraces(Scenario& s, const std::string& dir) {
  for (auto& g : s.devices) {
    if (g.trace.empty() || fs::path(g.trace).is_absolute()) continue;
    g.trace = fs::absolute(fs::path(dir.empty() ? "." : dir) / g.trace).lexically_normal().string();
  }
}

std::string scenarioErrorText(const ScenarioError& e) {
  return e.path().empty() ? e.message() : e.path() + ": " + e.message();
}

}  // namespace

std::string_view sweepModeName(SweepMode m) { return m == SweepMode::Zip ? "zip" : "product"; }

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------
std::vector<std::string> expandRange(const std::string& from, const std::string& to,
                                     const std::string& step, const std::string& factor,
                                     const std::string& where) {
  const std::string ctx = where.empty() ? "" : where + ": ";
  if (from.empty() || to.empty())
    throw SweepError(ctx + "a range needs `from` and `to` (and `step` or `factor`)");
  if (step.empty() == factor.empty())
    throw SweepError(ctx + "a range needs exactly one of `step` (arithmetic) and `factor` "
                     "(geometric)");
  const auto tooMany = [&] {
    throw SweepError(ctx + "range has more than " + std::to_string(kMaxRangeValues) + " values");
  };
  std::vector<std::string> out;
  uint64_t f, t, s;
  if (!factor.empty()) {
    if (!parseSize(from, f) || !parseSize(to, t) || !parseSize(factor, s))
      throw SweepError(ctx + "a `factor` range needs non-negative integers, got from " + from +
                       ", to " + to + ", factor " + factor);
    if (f == 0 || s < 2 || f > t)
      throw SweepError(ctx + "a `factor` range needs 0 < from <= to and factor >= 2");
    for (uint64_t v = f; v <= t;) {
      out.push_back(std::to_string(v));
      if (__builtin_mul_overflow(v, s, &v)) break;
    }
    return out;
  }
  if (parseSize(from, f) && parseSize(to, t) && parseSize(step, s)) {
    if (s == 0) throw SweepError(ctx + "range step must be positive");
    const uint64_t span = f <= t ? t - f : f - t;
    if (span / s >= kMaxRangeValues) tooMany();
    for (uint64_t i = 0; i <= span / s; ++i)
      out.push_back(std::to_string(f <= t ? f + i * s : f - i * s));
    return out;
  }
  double fd, td, sd;
  if (!parseDouble(from, fd) || !parseDouble(to, td) || !parseDouble(step, sd))
    throw SweepError(ctx + "range bounds and step must be numbers, got from " + from + ", to " +
                     to + ", step " + step);
  if (!(sd > 0)) throw SweepError(ctx + "range step must be positive");
  const double steps = std::fabs(td - fd) / sd;
  if (!(steps < double(kMaxRangeValues))) tooMany();
  // Tolerate the rounding of steps such as 0.1 so that `to` is included.
  const size_t n = size_t(std::floor(steps + 1e-9 * (1.0 + steps))) + 1;
  int decimals = std::max(decimalsOf(from), decimalsOf(step));
  if (decimalsOf(from) < 0 || decimalsOf(step) < 0) decimals = -1;
  const double dir = fd <= td ? 1.0 : -1.0;
  for (size_t i = 0; i < n; ++i) out.push_back(formatDouble(fd + dir * double(i) * sd, decimals));
  return out;
}

SweepSpec parseSweepString(const std::string& text, const std::string& file,
                           const std::string& baseDir) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail(file, e.mark, "syntax error: " + e.msg);
  }
  if (!root.IsMap()) fail(file, root.Mark(), "expected a map with `base` and `axes`");

  SweepSpec spec;
  spec.file = file;
  // (A default YAML::Node counts as defined: track presence separately.)
  YAML::Node baseNode, scenarioNode, axesNode;
  bool hasBase = false, hasScenario = false, hasAxes = false;
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    if (key == "base") {
      baseNode.reset(kv.second);
      hasBase = true;
    } else if (key == "scenario") {
      scenarioNode.reset(kv.second);
      hasScenario = true;
    } else if (key == "axes") {
      axesNode.reset(kv.second);
      hasAxes = true;
    } else if (key == "mode") {
      const std::string m = kv.second.IsScalar() ? kv.second.Scalar() : "";
      if (m == "product") spec.mode = SweepMode::Product;
      else if (m == "zip") spec.mode = SweepMode::Zip;
      else fail(file, kv.second.Mark(), "mode: expected product or zip, got '" + m + "'");
    } else {
      fail(file, kv.first.Mark(),
           "unknown key '" + key + "' (valid keys: base, scenario, mode, axes)");
    }
  }

  // The base scenario.
  if (hasBase && hasScenario)
    fail(file, scenarioNode.Mark(), "give either `base` (a file) or `scenario` (inline), not both");
  if (hasBase) {
    if (!baseNode.IsScalar() || baseNode.Scalar().empty())
      fail(file, baseNode.Mark(), "base: expected a scenario file name");
    fs::path p(baseNode.Scalar());
    if (p.is_relative()) p = fs::path(baseDir) / p;
    spec.baseFile = p.lexically_normal().string();
    try {
      spec.base = parseScenarioFile(spec.baseFile);
    } catch (const ScenarioError& e) {
      fail(file, baseNode.Mark(), std::string("base: ") + e.what());
    }
  } else if (hasScenario) {
    if (!scenarioNode.IsMap()) fail(file, scenarioNode.Mark(), "scenario: expected a map");
    const std::string t = inlineScenarioText(text, root, scenarioNode);
    bool parsed = false;
    if (!t.empty()) {
      try {
        spec.base = parseScenarioString(t, file);
        parsed = true;
      } catch (const ScenarioError& e) {
        if (e.message().rfind("syntax error", 0) != 0) throw SweepError(e.what());
      }
    }
    if (!parsed) {
      try {
        spec.base = parseScenarioString(YAML::Dump(scenarioNode), file + " (scenario)");
      } catch (const ScenarioError& e) {
        fail(file, scenarioNode.Mark(), std::string("scenario: ") + e.what());
      }
    }
  } else {
    spec.base = defaultScenario();
  }
  spec.baseDir = baseDir;
  absolutizeTraces(spec.base, hasBase ? spec.base.baseDir : baseDir);

  // Axes.
  if (!hasAxes) fail(file, root.Mark(), "missing `axes` (a map: scenario field -> values)");
  if (!axesNode.IsMap() || axesNode.size() == 0)
    fail(file, axesNode.Mark(), "axes: expected a non-empty map: scenario field -> values");
  for (const auto& kv : axesNode) {
    SweepAxis axis;
    axis.path = kv.first.Scalar();
    axis.line = kv.first.Mark().is_null() ? 0 : unsigned(kv.first.Mark().line + 1);
    axis.column = kv.first.Mark().is_null() ? 0 : unsigned(kv.first.Mark().column + 1);
    const std::string ctx = "axis " + axis.path;
    if (axis.path.empty()) fail(file, kv.first.Mark(), "axes: empty field path");
    for (const auto& a : spec.axes)
      if (a.path == axis.path) fail(file, kv.first.Mark(), ctx + ": given twice");
    const YAML::Node& v = kv.second;
    if (v.IsSequence()) {
      if (v.size() == 0) fail(file, v.Mark(), ctx + ": no values");
      for (const auto& e : v) axis.values.push_back(flowYaml(e));
    } else if (v.IsMap()) {
      std::string from, to, step, factor;
      for (const auto& r : v) {
        const std::string k = r.first.Scalar();
        std::string* dst = k == "from" ? &from : k == "to" ? &to : k == "step" ? &step
                         : k == "factor" ? &factor : nullptr;
        if (!dst)
          fail(file, r.first.Mark(),
               ctx + ": unknown range key '" + k + "' (valid keys: from, to, step, factor)");
        if (!r.second.IsScalar())
          fail(file, r.second.Mark(), ctx + ": range " + k + ": expected a number");
        *dst = r.second.Scalar();
      }
      try {
        axis.values = expandRange(from, to, step, factor, "");
      } catch (const SweepError& e) {
        fail(file, v.Mark(), ctx + ": " + e.what());
      }
    } else if (v.IsScalar()) {
      axis.values.push_back(flowYaml(v));
    } else {
      fail(file, kv.first.Mark(), ctx + ": expected a list of values or a range");
    }
    spec.axes.push_back(std::move(axis));
  }
  if (spec.mode == SweepMode::Zip) {
    for (const auto& a : spec.axes)
      if (a.values.size() != spec.axes[0].values.size())
        throw SweepError(file + ":" + std::to_string(a.line) + ":" + std::to_string(a.column) +
                         ": zip mode needs axes of equal length: " + spec.axes[0].path + " has " +
                         std::to_string(spec.axes[0].values.size()) + " values, " + a.path +
                         " has " + std::to_string(a.values.size()));
  }
  sweepCombinations(spec);  // checks the size
  return spec;
}

SweepSpec parseSweepFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SweepError(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  const fs::path dir = fs::path(path).parent_path();
  return parseSweepString(ss.str(), path, dir.empty() ? "." : dir.string());
}

// ---------------------------------------------------------------------------------------------
// Points
// ---------------------------------------------------------------------------------------------
std::vector<std::vector<size_t>> sweepCombinations(const SweepSpec& spec) {
  std::vector<std::vector<size_t>> out;
  const size_t axes = spec.axes.size();
  if (axes == 0) return out;
  if (spec.mode == SweepMode::Zip) {
    const size_t n = spec.axes[0].values.size();
    for (const auto& a : spec.axes)
      if (a.values.size() != n)
        throw SweepError(spec.file + ": zip mode needs axes of equal length: " +
                         spec.axes[0].path + " has " + std::to_string(n) + " values, " + a.path +
                         " has " + std::to_string(a.values.size()));
    if (n > kMaxSweepPoints)
      throw SweepError(spec.file + ": more than " + std::to_string(kMaxSweepPoints) + " points");
    for (size_t i = 0; i < n; ++i) out.emplace_back(axes, i);
    return out;
  }
  size_t total = 1;
  for (const auto& a : spec.axes) {
    if (a.values.empty()) throw SweepError(spec.file + ": axis " + a.path + ": no values");
    if (__builtin_mul_overflow(total, a.values.size(), &total) || total > kMaxSweepPoints)
      throw SweepError(spec.file + ": the product of the axes has more than " +
                       std::to_string(kMaxSweepPoints) + " points");
  }
  std::vector<size_t> idx(axes, 0);
  for (size_t p = 0; p < total; ++p) {
    out.push_back(idx);
    for (size_t k = axes; k-- > 0;) {  // odometer: the last axis fastest
      if (++idx[k] < spec.axes[k].values.size()) break;
      idx[k] = 0;
    }
  }
  return out;
}

std::string pointAssignment(const SweepSpec& spec, const SweepPoint& p, size_t axis) {
  return spec.axes[axis].path + "=" + spec.axes[axis].values[p.valueIndex[axis]];
}

std::string pointLabel(const SweepSpec& spec, const SweepPoint& p) {
  std::string s;
  for (size_t k = 0; k < spec.axes.size(); ++k)
    s += (k ? ", " : "") + pointAssignment(spec, p, k);
  return s;
}

namespace {

// Applies the point's assignments to base. One that is invalid only until another axis is set
// (tlb_ways before tlb_entries) is retried after the others. On failure returns false with the
// first error and the axis that could not be set.
bool buildPoint(const SweepSpec& spec, const std::vector<size_t>& combo, Scenario& s,
                std::optional<ScenarioError>& error, size_t& failedAxis) {
  std::vector<size_t> pending(spec.axes.size());
  for (size_t k = 0; k < pending.size(); ++k) pending[k] = k;
  while (!pending.empty()) {
    std::vector<size_t> still;
    error.reset();
    for (size_t k : pending) {
      try {
        applyOverride(s, spec.axes[k].path + "=" + spec.axes[k].values[combo[k]]);
      } catch (const ScenarioError& e) {
        if (!error) error = e;
        still.push_back(k);
      }
    }
    if (still.size() == pending.size()) {
      failedAxis = still[0];
      return false;
    }
    pending = std::move(still);
  }
  return true;
}

}  // namespace

std::vector<SweepPoint> expandSweep(const SweepSpec& spec) {
  std::vector<SweepPoint> points;
  const auto combos = sweepCombinations(spec);
  points.reserve(combos.size());
  for (size_t i = 0; i < combos.size(); ++i) {
    SweepPoint p;
    p.index = i;
    p.valueIndex = combos[i];
    p.scenario = spec.base;
    std::optional<ScenarioError> error;
    size_t k = 0;
    if (!buildPoint(spec, combos[i], p.scenario, error, k)) {
      const SweepAxis& a = spec.axes[k];
      std::string msg = spec.file;
      if (a.line) msg += ":" + std::to_string(a.line) + ":" + std::to_string(a.column);
      msg += ": axis " + a.path + ": value " + a.values[combos[i][k]];
      // The value's own fault if no point with it can be built (a bad path, a bad value);
      // otherwise name the combination.
      bool elsewhere = false;
      for (size_t j = i + 1, tried = 0; j < combos.size() && !elsewhere && tried < 1000; ++j) {
        if (combos[j][k] != combos[i][k]) continue;
        ++tried;
        Scenario t = spec.base;
        std::optional<ScenarioError> e2;
        size_t k2 = 0;
        elsewhere = buildPoint(spec, combos[j], t, e2, k2);
      }
      if (elsewhere) msg += " in point " + std::to_string(i) + " (" + pointLabel(spec, p) + ")";
      throw SweepError(msg + ": " + scenarioErrorText(*error));
    }
    absolutizeTraces(p.scenario, spec.baseDir);  // traces named by axes
    p.yaml = scenarioToYaml(p.scenario);
    points.push_back(std::move(p));
  }
  return points;
}

// ---------------------------------------------------------------------------------------------
// Output directory
// ---------------------------------------------------------------------------------------------
std::string pointDirName(size_t index, size_t count) {
  size_t width = 1;
  for (size_t n = count > 0 ? count - 1 : 0; n >= 10; n /= 10) ++width;
  width = std::max<size_t>(width, 4);
  std::string s = std::to_string(index);
  return s.size() < width ? std::string(width - s.size(), '0') + s : s;
}

std::string pointDir(const std::string& out, size_t index, size_t count) {
  return (fs::path(out) / "points" / pointDirName(index, count)).string();
}

std::string readTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw SweepError(path + ": cannot create: " + std::strerror(errno));
  out << text;
  out.close();
  if (!out) throw SweepError(path + ": write failed");
}

bool pointIsDone(const std::string& dir, const std::string& yaml) {
  const fs::path d(dir);
  std::error_code ec;
  if (fs::exists(d / "failed", ec)) return false;
  if (!fs::exists(d / "scenario.yaml", ec) || readTextFile((d / "scenario.yaml").string()) != yaml)
    return false;
  const auto stats = nlohmann::json::parse(readTextFile((d / "stats.json").string()), nullptr,
                                           false);
  return !stats.is_discarded() && stats.is_object();
}

void preparePoint(const std::string& dir, const std::string& yaml) {
  const fs::path d(dir);
  std::error_code ec;
  fs::create_directories(d, ec);
  if (ec) throw SweepError(dir + ": cannot create: " + ec.message());
  for (const char* f : {"stats.json", "log.txt", "failed"}) fs::remove(d / f, ec);
  if (readTextFile((d / "scenario.yaml").string()) != yaml)
    writeTextFile((d / "scenario.yaml").string(), yaml);
}

void markPointFailed(const std::string& dir, int exitStatus) {
  writeTextFile((fs::path(dir) / "failed").string(), std::to_string(exitStatus) + "\n");
}

PointResult readPointResult(const std::string& dir, size_t index) {
  PointResult r;
  r.index = index;
  const fs::path d(dir);
  std::error_code ec;
  const std::string statsText = readTextFile((d / "stats.json").string());
  if (!statsText.empty()) {
    auto j = nlohmann::json::parse(statsText, nullptr, false);
    if (!j.is_discarded() && j.is_object()) r.stats = std::move(j);
  }
  if (fs::exists(d / "failed", ec)) {
    const std::string t = readTextFile((d / "failed").string());
    r.exitStatus = std::atoi(t.c_str());
    r.error = "exit status " + std::to_string(r.exitStatus);
    if (r.exitStatus > 128 && r.exitStatus < 128 + 65)
      r.error += " (signal " + std::to_string(r.exitStatus - 128) + ")";
    return r;
  }
  if (statsText.empty()) {
    r.error = "no stats.json (the point did not run to the end)";
    return r;
  }
  if (r.stats.is_null() || !r.stats.contains("totals")) {
    r.error = "stats.json is unreadable";
    return r;
  }
  const auto& t = r.stats["totals"];
  if (t.contains("conserved") && t["conserved"].is_boolean() && !t["conserved"].get<bool>()) {
    r.error = "conservation check failed (issued != completed + faulted)";
    return r;
  }
  r.ok = true;
  r.exitStatus = 0;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------
const std::vector<HeadlineStat>& headlineStats() {
  static const std::vector<HeadlineStat> k = {
      {"issued", "/totals/issued"},
      {"completed", "/totals/completed"},
      {"faulted", "/totals/faulted"},
      {"latency_p50_ns", "/totals/latency_ns/p50"},
      {"latency_p90_ns", "/totals/latency_ns/p90"},
      {"latency_p99_ns", "/totals/latency_ns/p99"},
      {"latency_p999_ns", "/totals/latency_ns/p999"},
      {"latency_mean_ns", "/totals/latency_ns/mean"},
      {"latency_max_ns", "/totals/latency_ns/max"},
      // Where the transactions were served (fractions of issued): a TLB hit under fill is
      // `coalesced`, apart from the hits that did not wait.
      {"utlb_rate", "/totals/served_rates/utlb"},
      {"tlb_rate", "/totals/served_rates/tlb"},
      {"coalesced_rate", "/totals/served_rates/coalesced"},
      {"walk_rate", "/totals/served_rates/walk"},
      {"fault_rate", "/totals/served_rates/fault"},
      {"config_cache_hit_rate", "/totals/config_cache_hit_rate"},
      {"walks", "/totals/walks"},
      {"memory_accesses_per_walk", "/totals/memory_accesses_per_walk"},
      {"transactions_per_s", "/throughput/transactions_per_s"},
      {"bytes_per_s", "/throughput/bytes_per_s"},
      {"sim_time_ns", "/sim_time_ns"},
  };
  return k;
}

std::vector<std::string> resultsCsvHeader(const SweepSpec& spec) {
  std::vector<std::string> h{"point"};
  for (const auto& a : spec.axes) h.push_back(a.path);
  for (const auto& s : headlineStats()) h.push_back(s.column);
  h.push_back("status");
  return h;
}

std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string q = "\"";
  for (char ch : text) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + "\"";
}

namespace {

std::string statText(const nlohmann::json& stats, const char* pointer) {
  if (!stats.is_object()) return "";
  const nlohmann::json::json_pointer p(pointer);
  if (!stats.contains(p)) return "";
  const auto& v = stats.at(p);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return "";
}

}  // namespace

std::string resultsCsv(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                       const std::vector<PointResult>& results) {
  std::string out;
  const auto header = resultsCsvHeader(spec);
  for (size_t i = 0; i < header.size(); ++i) out += (i ? "," : "") + csvField(header[i]);
  out += '\n';
  for (size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& p = points[i];
    out += std::to_string(p.index);
    for (size_t k = 0; k < spec.axes.size(); ++k)
      out += "," + csvField(spec.axes[k].values[p.valueIndex[k]]);
    const PointResult* r = i < results.size() ? &results[i] : nullptr;
    for (const auto& s : headlineStats())
      out += "," + csvField(r ? statText(r->stats, s.pointer) : "");
    out += std::string(",") + (r && r->ok ? "ok" : "failed") + "\n";
  }
  return out;
}

nlohmann::json resultsJson(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                           const std::vector<PointResult>& results) {
  nlohmann::json j;
  j["sweep"] = spec.file;
  j["base"] = spec.baseFile;
  j["mode"] = std::string(sweepModeName(spec.mode));
  nlohmann::json axes = nlohmann::json::array();
  for (const auto& a : spec.axes) {
    nlohmann::json vals = nlohmann::json::array();
    for (const auto& v : a.values) vals.push_back(valueJson(v));
    axes.push_back({{"path", a.path}, {"values", std::move(vals)}});
  }
  j["axes"] = std::move(axes);
  nlohmann::json pts = nlohmann::json::array();
  size_t ok = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& p = points[i];
    nlohmann::json e;
    e["point"] = p.index;
    e["dir"] = "points/" + pointDirName(p.index, points.size());
    nlohmann::json vals = nlohmann::json::object();
    for (size_t k = 0; k < spec.axes.size(); ++k)
      vals[spec.axes[k].path] = valueJson(spec.axes[k].values[p.valueIndex[k]]);
    e["values"] = std::move(vals);
    const PointResult* r = i < results.size() ? &results[i] : nullptr;
    const bool good = r && r->ok;
    ok += good;
    e["status"] = good ? "ok" : "failed";
    if (r && !r->ok) e["error"] = r->error;
    if (r && r->exitStatus >= 0) e["exit_status"] = r->exitStatus;
    nlohmann::json stats = nlohmann::json::object();
    for (const auto& s : headlineStats()) {
      const nlohmann::json::json_pointer ptr(s.pointer);
      if (r && r->stats.is_object() && r->stats.contains(ptr)) stats[s.column] = r->stats.at(ptr);
    }
    e["stats"] = std::move(stats);
    pts.push_back(std::move(e));
  }
  j["points"] = std::move(pts);
  j["ok"] = ok;
  j["failed"] = points.size() - ok;
  return j;
}

std::vector<std::string> lastLines(const std::string& text, size_t n) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // A progress line redrawn with '\r': keep what was drawn last.
    const size_t cr = line.rfind('\r');
    if (cr != std::string::npos) line = line.substr(cr + 1);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    lines.push_back(line);
  }
  if (lines.size() > n) lines.erase(lines.begin(), lines.end() - long(n));
  return lines;
}

}  // namespace smmu::tb
