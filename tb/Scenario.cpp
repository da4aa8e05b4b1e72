#include "Scenario.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

#include "DefaultScenario.h"
#include "cache/ReplacementPolicy.h"
#include "smmu/Presets.h"
#include "smmu/SmmuKnobs.h"

namespace smmu {

ScenarioError::ScenarioError(std::string file, unsigned line, unsigned column, std::string path,
                             std::string message, std::string prefix)
    : std::runtime_error([&] {
        std::string w = prefix;
        if (!file.empty()) {
          w += file;
          if (line) w += ":" + std::to_string(line) + ":" + std::to_string(column);
          w += ": ";
        }
        if (!path.empty()) w += path + ": ";
        return w + message;
      }()),
      file_(std::move(file)),
      line_(line),
      column_(column),
      path_(std::move(path)),
      message_(std::move(message)) {}

// ---------------------------------------------------------------------------------------------
// Sizes and names
// ---------------------------------------------------------------------------------------------
namespace {

constexpr uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024, TiB = GiB * 1024;

std::string lower(std::string s) {
  for (auto& ch : s) ch = char(std::tolower((unsigned char)ch));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace((unsigned char)s[b])) ++b;
  while (e > b && std::isspace((unsigned char)s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
  return buf;
}

// Unsigned integer: decimal, 0x hex or 0b binary, '_' between digits; with allowSuffix a binary
// unit may follow (B, K/KiB, M/MiB, G/GiB, T/TiB, case-insensitive).
bool parseUnsigned(const std::string& text, bool allowSuffix, uint64_t& out, std::string& err) {
  const std::string what = allowSuffix
                               ? "a size (bytes: 4096, 0x1000, 64KiB, 2MiB, 1G)"
                               : "an unsigned integer";
  const std::string s = trim(text);
  size_t i = 0;
  if (i < s.size() && s[i] == '+') ++i;
  if (i < s.size() && s[i] == '-') {
    err = "expected " + what + ", got negative '" + text + "'";
    return false;
  }
  unsigned base = 10;
  if (i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    base = 16;
    i += 2;
  } else if (i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B') &&
             i + 2 < s.size() && (s[i + 2] == '0' || s[i + 2] == '1')) {
    base = 2;
    i += 2;
  }
  uint64_t v = 0;
  unsigned digits = 0;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch == '_' && digits) continue;
    unsigned d;
    if (ch >= '0' && ch <= '9') d = unsigned(ch - '0');
    else if (base == 16 && ch >= 'a' && ch <= 'f') d = unsigned(ch - 'a' + 10);
    else if (base == 16 && ch >= 'A' && ch <= 'F') d = unsigned(ch - 'A' + 10);
    else break;
    if (d >= base) break;
    overflow |= __builtin_mul_overflow(v, uint64_t(base), &v);
    overflow |= __builtin_add_overflow(v, uint64_t(d), &v);
    ++digits;
  }
  if (!digits) {
    err = "expected " + what + ", got '" + text + "'";
    return false;
  }
  std::string unit = lower(trim(s.substr(i)));
  uint64_t mult = 1;
  if (!unit.empty()) {
    static const std::map<std::string, uint64_t> kUnits = {
        {"b", 1},        {"k", KiB},   {"kib", KiB}, {"m", MiB}, {"mib", MiB},
        {"g", GiB},      {"gib", GiB}, {"t", TiB},   {"tib", TiB}};
    auto it = kUnits.find(unit);
    if (!allowSuffix || it == kUnits.end()) {
      if (allowSuffix && (unit == "kb" || unit == "mb" || unit == "gb" || unit == "tb")) {
        err = "ambiguous unit in '" + text + "': write KiB/MiB/GiB/TiB (or K/M/G/T), powers "
              "of 1024";
      } else {
        err = "expected " + what + ", got '" + text + "'";
      }
      return false;
    }
    mult = it->second;
  }
  overflow |= __builtin_mul_overflow(v, mult, &v);
  if (overflow) {
    err = "value '" + text + "' does not fit in 64 bits";
    return false;
  }
  out = v;
  return true;
}

bool validName(const std::string& n) {
  if (n.empty()) return false;
  for (char ch : n)
    if (!(std::isalnum((unsigned char)ch) || ch == '_' || ch == '-')) return false;
  return true;
}

std::string joinNames(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

unsigned editDistance(const std::string& a, const std::string& b) {
  std::vector<unsigned> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = unsigned(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = unsigned(i);
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

uint64_t roundUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

}  // namespace

std::string formatSize(uint64_t b) {
  static const std::pair<uint64_t, const char*> kUnits[] = {
      {TiB, "TiB"}, {GiB, "GiB"}, {MiB, "MiB"}, {KiB, "KiB"}};
  if (b)
    for (const auto& [u, name] : kUnits)
      if (b % u == 0) return std::to_string(b / u) + name;
  return std::to_string(b);
}

bool parseSize(const std::string& text, uint64_t& out, std::string* error) {
  std::string err;
  const bool ok = parseUnsigned(text, true, out, err);
  if (!ok && error) *error = err;
  return ok;
}

std::string_view granuleName(Granule g) {
  return g == Granule::k4K ? "4K" : g == Granule::k16K ? "16K" : "64K";
}

std::string_view streamTableName(StreamTableFormat f) {
  return f == StreamTableFormat::Linear ? "linear" : "2level";
}

std::string_view httuName(unsigned httu) {
  return httu == 0 ? "none" : httu == 1 ? "af" : httu == 2 ? "af_dirty" : "?";
}

std::string_view runModeName(RunMode m) { return m == RunMode::Lt ? "lt" : "contention"; }

// ---------------------------------------------------------------------------------------------
// Schema: one table per struct, used for reading, writing, overrides and the reference
// ---------------------------------------------------------------------------------------------
namespace {

using Mark = YAML::Mark;

struct FieldError {
  std::string path, message;
  Mark mark;
};

[[noreturn]] void fail(std::string path, std::string message, Mark mark = Mark::null_mark()) {
  throw FieldError{std::move(path), std::move(message), mark};
}

struct Ctx {
  std::string path;
  std::map<std::string, Mark>* marks = nullptr;  // where each path was read (null: overrides)
  Ctx child(const std::string& key) const { return {path.empty() ? key : path + "." + key, marks}; }
  Ctx element(size_t i) const { return {path + "[" + std::to_string(i) + "]", marks}; }
  void note(const Mark& m) const {
    if (marks && !m.is_null()) (*marks)[path] = m;
  }
};

struct PathTok {
  std::string key;
  bool hasIndex = false;
  std::string index;
};
using Path = std::vector<PathTok>;

std::string kindName(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "map";
    case YAML::NodeType::Sequence: return "list";
    case YAML::NodeType::Scalar: return "scalar '" + n.Scalar() + "'";
    case YAML::NodeType::Null: return "null";
    default: return "undefined value";
  }
}

std::string scalarText(const YAML::Node& n, const Ctx& c, const std::string& expected) {
  if (n.IsNull()) fail(c.path, "missing value (expected " + expected + ")", n.Mark());
  if (!n.IsScalar()) fail(c.path, "expected " + expected + ", got a " + kindName(n), n.Mark());
  return n.Scalar();
}

// A scalar type: how to read it from a node and how to write it.
template <class T>
struct Codec {
  std::string kind;
  std::function<T(const YAML::Node&, const Ctx&)> read;
  std::function<std::string(const T&)> text;
  // Values that are not one scalar (lists): how to emit them; null: text() as a scalar.
  std::function<void(YAML::Emitter&, const T&)> emit = {};
};

enum class IntStyle { Decimal, Size, Hex };

template <class T>
Codec<T> intCodec(IntStyle style) {
  const bool suffix = style != IntStyle::Decimal;
  return {style == IntStyle::Decimal ? "integer" : style == IntStyle::Size ? "size" : "address",
          [suffix](const YAML::Node& n, const Ctx& c) -> T {
            const std::string t =
                scalarText(n, c, suffix ? "a size" : "an unsigned integer");
            uint64_t v = 0;
            std::string err;
            if (!parseUnsigned(t, suffix, v, err)) fail(c.path, err, n.Mark());
            constexpr uint64_t kMax = std::numeric_limits<T>::max();
            if (v > kMax)
              fail(c.path, "value " + t + " is too large (at most " + std::to_string(kMax) + ")",
                   n.Mark());
            return T(v);
          },
          [style](const T& v) -> std::string {
            return style == IntStyle::Size  ? formatSize(v)
                   : style == IntStyle::Hex ? hex(v)
                                            : std::to_string(v);
          }};
}

Codec<std::string> stringCodec(bool nullIsEmpty = false) {
  return {"string",
          [nullIsEmpty](const YAML::Node& n, const Ctx& c) -> std::string {
            if (nullIsEmpty && n.IsNull()) return {};
            return scalarText(n, c, "a string");
          },
          [](const std::string& v) { return v; }};
}

Codec<double> doubleCodec() {
  return {"number",
          [](const YAML::Node& n, const Ctx& c) -> double {
            const std::string t = trim(scalarText(n, c, "a number"));
            double v = 0;
            const char* b = t.data();
            const char* e = b + t.size();
            if (b != e && *b == '+') ++b;
            auto r = std::from_chars(b, e, v);
            if (t.empty() || r.ec != std::errc() || r.ptr != e || !std::isfinite(v))
              fail(c.path, "expected a number, got '" + n.Scalar() + "'", n.Mark());
            return v;
          },
          [](const double& v) { return numberText(v); }};
}

Codec<bool> boolCodec() {
  return {"bool",
          [](const YAML::Node& n, const Ctx& c) -> bool {
            const std::string t = lower(trim(scalarText(n, c, "true or false")));
            if (t == "true" || t == "yes" || t == "on") return true;
            if (t == "false" || t == "no" || t == "off") return false;
            fail(c.path, "expected true or false, got '" + n.Scalar() + "'", n.Mark());
          },
          [](const bool& v) { return std::string(v ? "true" : "false"); }};
}

// A value from a fixed list of names.
template <class T>
Codec<T> enumCodec(std::vector<std::pair<std::string, T>> names) {
  return {"one of: " +
              [&] {
                std::string s;
                for (const auto& p : names) s += (s.empty() ? "" : " | ") + p.first;
                return s;
              }(),
          [names](const YAML::Node& n, const Ctx& c) -> T {
            std::vector<std::string> valid;
            for (const auto& p : names) valid.push_back(p.first);
            const std::string t = scalarText(n, c, "one of " + joinNames(valid));
            for (const auto& p : names)
              if (p.first == t) return p.second;
            fail(c.path, "unknown value '" + t + "' (expected " + joinNames(valid) + ")",
                 n.Mark());
          },
          [names](const T& v) {
            for (const auto& p : names)
              if (p.second == v) return p.first;
            return std::string("?");
          }};
}

// A name from trafficPatternNames(), kept as a string.
Codec<std::string> patternCodec() {
  std::string kind;
  for (const auto& n : trafficPatternNames()) kind += (kind.empty() ? "" : " | ") + n;
  return {"one of: " + kind,
          [](const YAML::Node& n, const Ctx& c) -> std::string {
            const auto& names = trafficPatternNames();
            const std::string t = scalarText(n, c, "one of " + joinNames(names));
            if (std::find(names.begin(), names.end(), t) == names.end())
              fail(c.path, "unknown value '" + t + "' (expected " + joinNames(names) + ")",
                   n.Mark());
            return t;
          },
          [](const std::string& v) { return v; }};
}

// An optional 32-bit integer: `keyword` (or null) for none.
Codec<std::optional<uint32_t>> optionalCodec(std::string keyword) {
  return {keyword + " or integer",
          [keyword](const YAML::Node& n, const Ctx& c) -> std::optional<uint32_t> {
            if (n.IsNull()) return std::nullopt;
            const std::string t = scalarText(n, c, keyword + " or an unsigned integer");
            if (trim(t) == keyword) return std::nullopt;
            uint64_t v = 0;
            std::string err;
            if (!parseUnsigned(t, false, v, err))
              fail(c.path, "expected " + keyword + " or an unsigned integer, got '" + t + "'",
                   n.Mark());
            if (v > UINT32_MAX)
              fail(c.path, "value " + t + " is too large (at most 4294967295)", n.Mark());
            return uint32_t(v);
          },
          [keyword](const std::optional<uint32_t>& v) {
            return v ? std::to_string(*v) : keyword;
          }};
}

bool granuleFromText(const std::string& t, Granule& g) {
  uint64_t v = 0;
  std::string err;
  if (!parseUnsigned(t, true, v, err)) return false;
  if (v == 4 * KiB) g = Granule::k4K;
  else if (v == 16 * KiB) g = Granule::k16K;
  else if (v == 64 * KiB) g = Granule::k64K;
  else return false;
  return true;
}

Codec<Granule> granuleCodec() {
  return {"4K | 16K | 64K",
          [](const YAML::Node& n, const Ctx& c) -> Granule {
            const std::string t = scalarText(n, c, "a granule (4K, 16K, 64K)");
            Granule g;
            if (!granuleFromText(t, g))
              fail(c.path, "unknown value '" + t + "' (expected 4K, 16K, 64K)", n.Mark());
            return g;
          },
          [](const Granule& g) { return std::string(granuleName(g)); }};
}

Codec<unsigned> httuCodec() {
  return {"none | af | af_dirty",
          [](const YAML::Node& n, const Ctx& c) -> unsigned {
            const std::string t = trim(scalarText(n, c, "none, af or af_dirty"));
            for (unsigned h = 0; h < 3; ++h)
              if (t == httuName(h) || t == std::to_string(h)) return h;
            fail(c.path, "unknown value '" + t + "' (expected none, af, af_dirty)", n.Mark());
          },
          [](const unsigned& h) { return std::string(httuName(h)); }};
}

Codec<ProgressMode> progressCodec() {
  return enumCodec<ProgressMode>(
      {{"auto", ProgressMode::Auto}, {"on", ProgressMode::On}, {"off", ProgressMode::Off}});
}

Codec<RunMode> runModeCodec() {
  return enumCodec<RunMode>({{"contention", RunMode::Contention}, {"lt", RunMode::Lt}});
}

// A walker arbitration policy by name (arbitrationNames()).
Codec<ArbitrationPolicy> arbitrationCodec() {
  std::vector<std::pair<std::string, ArbitrationPolicy>> names;
  for (const auto& n : arbitrationNames()) {
    ArbitrationPolicy p{};
    parseArbitration(n, p);
    names.emplace_back(n, p);
  }
  return enumCodec<ArbitrationPolicy>(std::move(names));
}

// A replacement policy name (replacementPolicyNames()), kept as a string.
Codec<std::string> policyCodec() {
  std::string kind;
  for (const auto& n : replacementPolicyNames()) kind += (kind.empty() ? "" : " | ") + n;
  return {"one of: " + kind,
          [](const YAML::Node& n, const Ctx& c) -> std::string {
            const auto& names = replacementPolicyNames();
            const std::string t = trim(scalarText(n, c, "one of " + joinNames(names)));
            if (std::find(names.begin(), names.end(), t) == names.end())
              fail(c.path, "unknown value '" + t + "' (expected " + joinNames(names) + ")",
                   n.Mark());
            return t;
          },
          [](const std::string& v) { return v; }};
}

std::string unknownPresetMessage(const std::string& name) {
  std::string m = "unknown preset '" + name + "'";
  std::string best;
  unsigned bestD = 3;
  std::vector<std::string> extending;  // names that start with `name`: "mmu600"
  for (const auto& p : presetNames()) {
    const unsigned d = editDistance(name, p);
    if (d < bestD) bestD = d, best = p;
    if (!name.empty() && p.compare(0, name.size(), name) == 0) extending.push_back(p);
  }
  if (best.empty() && extending.size() == 1) best = extending[0];
  if (!best.empty()) m += ", did you mean '" + best + "'?";
  return m + " (valid presets: " + joinNames(presetNames()) + ")";
}

// Every knob a preset sets from the preset (which must exist); name and reg_base stay.
void setFromPreset(SmmuSpec& spec, const std::string& name) {
  SmmuConfig c;
  findPreset(name, c);
  for (const auto& k : smmuKnobs())
    if (k.preset) k.set(spec.config, k.get(c));
  spec.preset = name;
}

// ---- fields ----
template <class S>
struct Field {
  std::string key, kind, doc;
  std::function<void(S&, const YAML::Node&, const Ctx&)> read;
  std::function<void(YAML::Emitter&, const S&)> emit;
  // Struct and list fields: continue an override path below this field (toks[pos] is the
  // token naming this field).
  std::function<void(S&, const Path&, size_t, const YAML::Node&, const Ctx&)> descend;
  // Struct and list fields: append the reference lines of the nested keys.
  std::function<void(std::string&, const std::string&)> nestedReference;
  // Read before every other key of the map, wherever it stands (preset).
  bool first = false;
};
template <class S>
using Schema = std::vector<Field<S>>;

template <class S>
const Field<S>* findField(const Schema<S>& schema, const std::string& key) {
  for (const auto& f : schema)
    if (f.key == key) return &f;
  return nullptr;
}

template <class S>
std::string unknownKey(const Schema<S>& schema, const std::string& key) {
  std::vector<std::string> keys;
  std::string best;
  unsigned bestD = 3;
  for (const auto& f : schema) {
    keys.push_back(f.key);
    const unsigned d = editDistance(key, f.key);
    if (d < bestD) bestD = d, best = f.key;
  }
  std::string m = "unknown key '" + key + "'";
  if (!best.empty()) m += ", did you mean '" + best + "'?";
  return m + " (valid keys: " + joinNames(keys) + ")";
}

template <class S>
void readStruct(const Schema<S>& schema, S& s, const YAML::Node& n, const Ctx& c) {
  c.note(n.Mark());
  if (n.IsNull()) return;  // "memory:" with nothing: all defaults
  if (!n.IsMap()) fail(c.path, "expected a map of keys, got a " + kindName(n), n.Mark());
  std::set<std::string> seen;
  // Pass 0 reads the `first` keys (a preset), pass 1 the others, which override them.
  for (int pass = 0; pass < 2; ++pass) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      const YAML::Node k = it->first, v = it->second;
      if (!k.IsScalar()) {
        if (pass == 0) continue;
        fail(c.path, "expected a key, got a " + kindName(k), k.Mark());
      }
      const std::string key = k.Scalar();
      const Field<S>* f = findField(schema, key);
      if (pass == 0 && (!f || !f->first)) continue;  // errors in file order: in pass 1
      if (!f) fail(c.path, unknownKey(schema, key), k.Mark());
      if (pass == 1 && f->first) continue;  // read in pass 0
      const Ctx cc = c.child(key);
      if (!seen.insert(key).second) fail(cc.path, "duplicate key", k.Mark());
      // A missing value ("key:" and nothing) is reported at its key.
      const Mark at = v.IsNull() || v.Mark().is_null() ? k.Mark() : v.Mark();
      cc.note(at);
      try {
        f->read(s, v, cc);
      } catch (FieldError& e) {
        if (v.IsNull() && e.path == cc.path) e.mark = at;
        throw;
      }
    }
  }
}

template <class S>
void emitStruct(const Schema<S>& schema, YAML::Emitter& e, const S& s) {
  e << YAML::BeginMap;
  for (const auto& f : schema) {
    e << YAML::Key << f.key << YAML::Value;
    f.emit(e, s);
  }
  e << YAML::EndMap;
}

template <class S>
void setPath(const Schema<S>& schema, S& s, const Path& toks, size_t pos, const YAML::Node& value,
             const Ctx& c) {
  const PathTok& t = toks[pos];
  const Field<S>* f = findField(schema, t.key);
  if (!f) fail(c.path, unknownKey(schema, t.key));
  const Ctx cc = c.child(t.key);
  if (f->descend) return f->descend(s, toks, pos, value, cc);
  if (t.hasIndex) fail(cc.path, "is not a list");
  if (pos + 1 != toks.size()) fail(cc.path, "is a value, not a map of keys");
  f->read(s, value, cc);
}

template <class S>
void appendReference(const Schema<S>& schema, std::string& out, const std::string& prefix) {
  const S def{};
  for (const auto& f : schema) {
    const std::string path = prefix + f.key;
    if (f.nestedReference) {
      out += path + "  (" + f.kind + ")  " + f.doc + "\n";
      f.nestedReference(out, path);
      continue;
    }
    YAML::Emitter e;
    f.emit(e, def);
    std::string d = e.c_str();
    if (const size_t c = d.find("  #"); c != std::string::npos) d.resize(c);  // a note, not a value
    out += path + "  (" + f.kind + ", default " + d + ")  " + f.doc + "\n";
  }
}

template <class S, class T>
Field<S> scalar(const char* key, T S::*m, Codec<T> codec, const char* doc) {
  Field<S> f;
  f.key = key;
  f.kind = codec.kind;
  f.doc = doc;
  f.read = [m, r = codec.read](S& s, const YAML::Node& n, const Ctx& c) { s.*m = r(n, c); };
  f.emit = [m, t = codec.text](YAML::Emitter& e, const S& s) { e << t(s.*m); };
  return f;
}

// An SMMU knob (smmu/SmmuKnobs.h) read and written with the codec of its kind.
template <class V>
Field<SmmuSpec> knobField(const SmmuKnob& k, Codec<V> codec) {
  Field<SmmuSpec> f;
  f.key = k.key;
  f.kind = codec.kind;
  f.doc = k.doc;
  f.read = [&k, r = codec.read](SmmuSpec& s, const YAML::Node& n, const Ctx& c) {
    const KnobValue v(std::in_place_type<V>, r(n, c));
    if (k.set(s.config, v)) return;
    // The member cannot hold it (oas_bits: 300): what the check says, as validation would.
    const KnobError e = k.check ? k.check(v) : KnobError{};
    fail(c.path + e.at, e.message.empty() ? "value out of range" : e.message, n.Mark());
  };
  f.emit = [&k, codec](YAML::Emitter& e, const SmmuSpec& s) {
    const KnobValue value = k.get(s.config);  // (held: get() returns it by value)
    const V& v = std::get<V>(value);
    if (codec.emit) codec.emit(e, v);
    else e << codec.text(v);
  };
  return f;
}

template <class S, class T>
Field<S> structField(const char* key, T S::*m, const Schema<T>& (*schema)(), const char* doc) {
  Field<S> f;
  f.key = key;
  f.kind = "map";
  f.doc = doc;
  f.read = [m, schema](S& s, const YAML::Node& n, const Ctx& c) {
    readStruct(schema(), s.*m, n, c);
  };
  f.emit = [m, schema](YAML::Emitter& e, const S& s) { emitStruct(schema(), e, s.*m); };
  f.descend = [m, schema](S& s, const Path& toks, size_t pos, const YAML::Node& v,
                          const Ctx& c) {
    if (toks[pos].hasIndex) fail(c.path, "is not a list");
    if (pos + 1 == toks.size()) return readStruct(schema(), s.*m, v, c);  // overlay
    setPath(schema(), s.*m, toks, pos + 1, v, c);
  };
  f.nestedReference = [schema](std::string& out, const std::string& path) {
    appendReference(schema(), out, path + ".");
  };
  return f;
}

template <class T, class = void>
struct HasName : std::false_type {};
template <class T>
struct HasName<T, std::void_t<decltype(std::declval<T>().name)>> : std::true_type {};

// The name a list element can be selected by (devices[nic]); null for elements without one.
template <class T>
const std::string* nameOf(const T& item) {
  if constexpr (HasName<T>::value) return &item.name;
  return nullptr;
}
const std::string* nameOf(const SmmuSpec& item) { return &item.config.name; }

template <class S, class T>
Field<S> listField(const char* key, std::vector<T> S::*m, const Schema<T>& (*schema)(),
                   bool flowItems, const char* doc) {
  Field<S> f;
  f.key = key;
  f.kind = "list of maps";
  f.doc = doc;
  auto readItems = [schema](const YAML::Node& n, const Ctx& c) {
    if (!n.IsSequence()) fail(c.path, "expected a list, got a " + kindName(n), n.Mark());
    std::vector<T> items;
    for (size_t i = 0; i < n.size(); ++i) {
      T item{};
      readStruct(schema(), item, n[i], c.element(i));
      items.push_back(std::move(item));
    }
    return items;
  };
  f.read = [m, readItems](S& s, const YAML::Node& n, const Ctx& c) { s.*m = readItems(n, c); };
  f.emit = [m, schema, flowItems](YAML::Emitter& e, const S& s) {
    e << YAML::BeginSeq;
    for (const auto& item : s.*m) {
      if (flowItems) e << YAML::Flow;
      emitStruct(schema(), e, item);
    }
    e << YAML::EndSeq;
  };
  f.descend = [m, schema, key, readItems](S& s, const Path& toks, size_t pos, const YAML::Node& v,
                               const Ctx& c) {
    const PathTok& t = toks[pos];
    auto& items = s.*m;
    if (!t.hasIndex) {
      if (pos + 1 != toks.size())
        fail(c.path, std::string("is a list: select an element, e.g. ") + key + "[0]");
      items = readItems(v, c);  // a list replaces the list
      return;
    }
    size_t idx = items.size();
    uint64_t num = 0;
    std::string err;
    if (parseUnsigned(t.index, false, num, err)) {
      idx = num < items.size() ? size_t(num) : items.size();
      if (idx == items.size())
        fail(c.path, "index " + t.index + " out of range (" + std::to_string(items.size()) +
                         " elements)");
    } else {
      for (size_t i = 0; i < items.size(); ++i)
        if (const std::string* name = nameOf(items[i]); name && *name == t.index) idx = i;
      if (idx == items.size()) fail(c.path, "no element named '" + t.index + "'");
    }
    Ctx ec{c.path + "[" + std::to_string(idx) + "]", c.marks};
    if (pos + 1 == toks.size()) return readStruct(schema(), items[idx], v, ec);  // overlay
    setPath(schema(), items[idx], toks, pos + 1, v, ec);
  };
  f.nestedReference = [schema](std::string& out, const std::string& path) {
    appendReference(schema(), out, path + "[].");
  };
  return f;
}

// ---- the schemas ----
const Schema<MemRegion>& regionSchema() {
  static const Schema<MemRegion> s = {
      scalar("base", &MemRegion::base, intCodec<uint64_t>(IntStyle::Hex),
             "physical base address, 4 KiB aligned"),
      scalar("size", &MemRegion::size, intCodec<uint64_t>(IntStyle::Size),
             "bytes, a multiple of 4 KiB"),
  };
  return s;
}

const Schema<MemorySpec>& memorySchema() {
  static const Schema<MemorySpec> s = {
      scalar("latency_ns", &MemorySpec::latencyNs, intCodec<uint64_t>(IntStyle::Decimal),
             "latency of one memory access, ns"),
      listField("regions", &MemorySpec::regions, regionSchema, true,
                "RAM regions [{base, size}], non-overlapping"),
      scalar("channels", &MemorySpec::channels, intCodec<uint32_t>(IntStyle::Decimal),
             "accesses served at once (0 = unlimited)"),
      scalar("occupancy_ns", &MemorySpec::occupancyNs, intCodec<uint64_t>(IntStyle::Decimal),
             "time one burst keeps its channel busy, ns"),
      scalar("channel_bytes_per_ns", &MemorySpec::channelBytesPerNs, doubleCodec(),
             "bandwidth of one channel, bytes/ns (GB/s): a burst carries occupancy_ns x this "
             "many bytes and an access of n bytes takes ceil(n / burst) bursts back to back, "
             "(bursts - 1) x occupancy_ns longer; 0 = every access is one burst"),
      scalar("atomic_extra_ns", &MemorySpec::atomicExtraNs, intCodec<uint64_t>(IntStyle::Decimal),
             "an atomic read-modify-write of a 64-bit word (hardware flag updates) costs "
             "latency_ns + this, ns"),
      scalar("time_ordered", &MemorySpec::timeOrdered, boolCodec(),
             "a timed access takes effect when it reaches the memory: a read sees exactly the "
             "writes that arrived at or before it, whatever order they were performed in "
             "(false: when performed)"),
  };
  return s;
}

Codec<GranuleSet> granulesCodec() {
  return {"list of 4K | 16K | 64K",
          [](const YAML::Node& n, const Ctx& c) -> GranuleSet {
            if (!n.IsSequence())
              fail(c.path, "expected a list of granules, got a " + kindName(n), n.Mark());
            GranuleSet t;
            for (size_t i = 0; i < n.size(); ++i) {
              const Granule g = granuleCodec().read(n[i], c.element(i));
              (g == Granule::k4K ? t.k4 : g == Granule::k16K ? t.k16 : t.k64) = true;
            }
            return t;
          },
          {},
          [](YAML::Emitter& e, const GranuleSet& g) {
            e << YAML::Flow << YAML::BeginSeq;
            for (const auto& [on, name] : {std::pair{g.k4, "4K"}, {g.k16, "16K"}, {g.k64, "64K"}})
              if (on) e << std::string(name);
            e << YAML::EndSeq;
          }};
}

// Entry counts of a walk cache's levels 0, 1, 2.
Codec<std::array<unsigned, 3>> levelsCodec() {
  return {"list of 3 integers",
          [](const YAML::Node& n, const Ctx& c) -> std::array<unsigned, 3> {
            if (!n.IsSequence() || n.size() != 3)
              fail(c.path,
                   "expected a list of 3 entry counts [L0, L1, L2], got " +
                       (n.IsSequence() ? "a list of " + std::to_string(n.size())
                                       : "a " + kindName(n)),
                   n.Mark());
            std::array<unsigned, 3> v{};
            for (size_t i = 0; i < 3; ++i) {
              const Ctx ec = c.element(i);
              ec.note(n[i].Mark());  // later errors about one level point at its number
              v[i] = intCodec<unsigned>(IntStyle::Decimal).read(n[i], ec);
            }
            return v;
          },
          {},
          [](YAML::Emitter& e, const std::array<unsigned, 3>& v) {
            e << YAML::Flow << YAML::BeginSeq;
            for (unsigned x : v) e << std::to_string(x);
            e << YAML::EndSeq;
          }};
}

// The field of a knob, with the codec of its kind.
Field<SmmuSpec> knobField(const SmmuKnob& k) {
  switch (k.kind) {
    case KnobKind::Name: return knobField(k, stringCodec());
    case KnobKind::Address: return knobField(k, intCodec<uint64_t>(IntStyle::Hex));
    case KnobKind::Count: return knobField(k, intCodec<unsigned>(IntStyle::Decimal));
    case KnobKind::Integer: return knobField(k, intCodec<uint64_t>(IntStyle::Decimal));
    case KnobKind::Number: return knobField(k, doubleCodec());
    case KnobKind::Flag: return knobField(k, boolCodec());
    case KnobKind::Policy: return knobField(k, policyCodec());
    case KnobKind::Httu: return knobField(k, httuCodec());
    case KnobKind::Arbitration: return knobField(k, arbitrationCodec());
    case KnobKind::StreamTable:
      return knobField(k, enumCodec<bool>({{"linear", false}, {"2level", true}}));
    case KnobKind::Granules: return knobField(k, granulesCodec());
    case KnobKind::Levels: return knobField(k, levelsCodec());
  }
  throw std::logic_error("knob " + k.key + ": unknown kind");
}

Field<SmmuSpec> presetField() {
  Field<SmmuSpec> f;
  f.key = "preset";
  f.kind = "one of: ";
  for (const auto& n : presetNames()) f.kind += (n == presetNames().front() ? "" : " | ") + n;
  f.doc = "named configuration (docs/presets.md) applied before the SMMU's other keys: sets "
          "every key but name and reg_base";
  f.first = true;
  f.read = [](SmmuSpec& s, const YAML::Node& n, const Ctx& c) {
    const std::string t =
        trim(scalarText(n, c, "a preset name (" + joinNames(presetNames()) + ")"));
    if (!findPresetInfo(t)) fail(c.path, unknownPresetMessage(t), n.Mark());
    setFromPreset(s, t);
  };
  f.emit = [](YAML::Emitter& e, const SmmuSpec& s) { e << s.preset; };
  return f;
}

// reg_base also takes `auto` (its default): the reader assigns a frame (assignRegisterFrames).
Field<SmmuSpec> regBaseField(Field<SmmuSpec> f) {
  f.kind = "auto | " + f.kind;
  f.doc += "; auto (default): the first free 128 KiB frame from 0x2b400000 up, clear of the "
           "other SMMUs' frames and of memory.regions";
  f.read = [given = f.read](SmmuSpec& s, const YAML::Node& n, const Ctx& c) {
    if (n.IsScalar() && trim(n.Scalar()) == "auto") {
      s.regBaseGiven = false;
      return;
    }
    given(s, n, c);
    s.regBaseGiven = true;
  };
  f.emit = [given = f.emit](YAML::Emitter& e, const SmmuSpec& s) {
    if (s.regBaseGiven) return given(e, s);
    e << "auto" << YAML::Comment("assigned " + hex(s.config.regBase));
  };
  return f;
}

// ---- smmus[].tbus: a TBU is a name and the TBU knobs it sets itself ----
// A TBU entry's keys are `name` and the TBU knobs (SmmuKnob::tbu), read and written with the
// knob's own codec (through a scratch SmmuSpec) and kept as (key, value) in TbuSpec::knobs, in
// the order read; a knob it does not set is the SMMU's.
const Schema<SmmuSpec>& smmuSchema();
const Field<SmmuSpec>& knobFieldOf(const std::string& key) {
  const Field<SmmuSpec>* f = findField(smmuSchema(), key);
  if (!f) throw std::logic_error("no knob " + key);
  return *f;
}
std::vector<std::string> tbuKeys() {
  std::vector<std::string> keys{"name"};
  for (const auto& k : smmuKnobs())
    if (k.tbu) keys.push_back(k.key);
  return keys;
}
void readTbu(TbuSpec& t, const YAML::Node& n, const Ctx& c) {
  c.note(n.Mark());
  if (n.IsNull()) return;
  if (!n.IsMap()) fail(c.path, "expected a map of keys, got a " + kindName(n), n.Mark());
  for (auto it = n.begin(); it != n.end(); ++it) {
    const YAML::Node k = it->first, v = it->second;
    if (!k.IsScalar()) fail(c.path, "expected a key, got a " + kindName(k), k.Mark());
    const std::string key = k.Scalar();
    const Ctx cc = c.child(key);
    cc.note(v.IsNull() || v.Mark().is_null() ? k.Mark() : v.Mark());
    if (key == "name") {
      t.name = trim(scalarText(v, cc, "a name"));
      continue;
    }
    const SmmuKnob* knob = findKnob(key);
    if (!knob || !knob->tbu) {
      const auto keys = tbuKeys();
      std::string m = "unknown key '" + key + "'";
      if (knob) m += " (an SMMU key: it is the TCU's or the whole SMMU's, not a TBU's)";
      fail(cc.path, m + " (valid keys: " + joinNames(keys) + ")", k.Mark());
    }
    SmmuSpec scratch;
    knobFieldOf(key).read(scratch, v, cc);
    KnobValue value = knob->get(scratch.config);
    auto same = std::find_if(t.knobs.begin(), t.knobs.end(),
                             [&](const auto& kv) { return kv.first == key; });
    if (same != t.knobs.end()) same->second = std::move(value);  // (an override)
    else t.knobs.emplace_back(key, std::move(value));
  }
}
void emitTbu(YAML::Emitter& e, const TbuSpec& t) {
  e << YAML::BeginMap << YAML::Key << "name" << YAML::Value << t.name;
  for (const auto& [key, value] : t.knobs) {
    SmmuSpec scratch;
    findKnob(key)->set(scratch.config, value);
    e << YAML::Key << key << YAML::Value;
    knobFieldOf(key).emit(e, scratch);
  }
  e << YAML::EndMap;
}
Field<SmmuSpec> tbusField() {
  Field<SmmuSpec> f;
  f.key = "tbus";
  f.kind = "list of maps";
  f.doc = "the TBUs (micro TLBs per device port, one main TLB, a link to the TCU); each: name "
          "and any TBU key (utlb_*, tlb_*, tbu_xlate_slots, link_*), the SMMU's where not "
          "given; [] or absent: one TBU, tbu0, with the SMMU's keys";
  auto readList = [](SmmuSpec& s, const YAML::Node& n, const Ctx& c) {
    if (!n.IsSequence()) fail(c.path, "expected a list, got a " + kindName(n), n.Mark());
    std::vector<TbuSpec> tbus(n.size());
    for (size_t i = 0; i < n.size(); ++i) {
      tbus[i].name = "tbu" + std::to_string(i);
      readTbu(tbus[i], n[i], c.element(i));
    }
    s.config.tbus = std::move(tbus);
  };
  f.read = readList;
  f.emit = [](YAML::Emitter& e, const SmmuSpec& s) {
    e << YAML::BeginSeq;
    for (const auto& t : s.config.tbus) {
      e << YAML::Flow;
      emitTbu(e, t);
    }
    e << YAML::EndSeq;
  };
  f.descend = [readList](SmmuSpec& s, const Path& toks, size_t pos, const YAML::Node& v,
                         const Ctx& c) {
    const PathTok& t = toks[pos];
    auto& items = s.config.tbus;
    if (!t.hasIndex) {
      if (pos + 1 != toks.size()) fail(c.path, "is a list: select an element, e.g. tbus[0]");
      return readList(s, v, c);
    }
    size_t idx = items.size();
    uint64_t num = 0;
    std::string err;
    if (parseUnsigned(t.index, false, num, err)) {
      if (num >= items.size())
        fail(c.path, "index " + t.index + " out of range (" + std::to_string(items.size()) +
                         " elements)");
      idx = size_t(num);
    } else {
      for (size_t i = 0; i < items.size(); ++i)
        if (items[i].name == t.index) idx = i;
      if (idx == items.size()) fail(c.path, "no element named '" + t.index + "'");
    }
    const Ctx ec{c.path + "[" + std::to_string(idx) + "]", c.marks};
    if (pos + 1 == toks.size()) return readTbu(items[idx], v, ec);  // overlay
    if (pos + 2 != toks.size()) fail(ec.child(toks[pos + 1].key).path, "is a value, not a map");
    YAML::Node one(YAML::NodeType::Map);
    one[toks[pos + 1].key] = v;
    readTbu(items[idx], one, ec);
  };
  f.nestedReference = [](std::string& out, const std::string& path) {
    out += path + "[].name  (string, default tbuN)  the TBU's name, unique in its SMMU\n";
    for (const auto& k : smmuKnobs())
      if (k.tbu) out += path + "[]." + k.key + "  (as the SMMU's key)  " + k.doc + "\n";
  };
  return f;
}

// Every knob of smmu/SmmuKnobs.h, the preset, which is the spec's own, after the name, and the
// TBUs at the end.
const Schema<SmmuSpec>& smmuSchema() {
  static const Schema<SmmuSpec> s = [] {
    Schema<SmmuSpec> fields;
    for (const auto& k : smmuKnobs()) {
      fields.push_back(k.key == "reg_base" ? regBaseField(knobField(k)) : knobField(k));
      if (k.key == "name") fields.push_back(presetField());
    }
    fields.push_back(tbusField());
    return fields;
  }();
  return s;
}

const Schema<DeviceGroup>& deviceSchema() {
  using D = DeviceGroup;
  static const Schema<DeviceGroup> s = {
      scalar("name", &D::name, stringCodec(), "unique group name (letters, digits, _ -)"),
      scalar("count", &D::count, intCodec<uint32_t>(IntStyle::Decimal), "devices in the group"),
      scalar("smmu", &D::smmu, stringCodec(true), "name of the SMMU (empty: the first)"),
      scalar("tbu", &D::tbu, stringCodec(true),
             "name of the SMMU's TBU the devices are wired to (empty: its first)"),
      scalar("sid_base", &D::sidBase, optionalCodec("auto"),
             "StreamID of the first device; auto: after the previous groups on the SMMU"),
      scalar("ssid", &D::ssid, optionalCodec("none"),
             "SubstreamID of the devices' accesses; none: no substream"),
      scalar("pattern", &D::pattern, patternCodec(), "address pattern"),
      scalar("footprint_bytes", &D::footprintBytes, intCodec<uint64_t>(IntStyle::Size),
             "bytes of buffer each device touches, a multiple of access_bytes"),
      scalar("access_bytes", &D::accessBytes, intCodec<uint32_t>(IntStyle::Size),
             "bytes per transaction, a power of two <= 4096"),
      scalar("stride_bytes", &D::strideBytes, intCodec<uint64_t>(IntStyle::Size),
             "strided: distance between accesses, a multiple of access_bytes"),
      scalar("zipf_s", &D::zipfS, doubleCodec(), "zipf: exponent s >= 0 over the buffer's pages"),
      scalar("write_fraction", &D::writeFraction, doubleCodec(),
             "probability that an access is a write, 0..1"),
      scalar("outstanding", &D::outstanding, intCodec<uint32_t>(IntStyle::Decimal),
             "transactions in flight per device"),
      scalar("qos", &D::qos, intCodec<uint8_t>(IntStyle::Decimal),
             "priority of the devices' transactions, 0..15 (ptw_arbitration: qos)"),
      scalar("transactions", &D::transactions, intCodec<uint64_t>(IntStyle::Decimal),
             "transactions per device"),
      scalar("think_ns", &D::thinkNs, intCodec<uint64_t>(IntStyle::Decimal),
             "gap between two issues of a device, ns"),
      scalar("page_size", &D::pageSize, intCodec<uint64_t>(IntStyle::Size),
             "mapping size of the buffer: 4K 2M 1G (4K granule), 16K 32M, 64K 512M"),
      scalar("granule", &D::granule, granuleCodec(), "translation granule of the device's tables"),
      scalar("iova_base", &D::iovaBase, intCodec<uint64_t>(IntStyle::Hex),
             "IOVA of the buffer, aligned to page_size"),
      scalar("trace", &D::trace, stringCodec(true),
             "CSV trace of the accesses instead of the pattern (relative to the scenario file; "
             "empty: none)"),
  };
  return s;
}

const Schema<RunSpec>& runSchema() {
  static const Schema<RunSpec> s = {
      scalar("progress", &RunSpec::progress, progressCodec(),
             "progress line on stderr: auto (if a terminal), on, off"),
      scalar("mode", &RunSpec::mode, runModeCodec(),
             "contention (shared resources contend in simulated time) or lt (loosely timed)"),
      scalar("quantum_ns", &RunSpec::quantumNs, intCodec<uint64_t>(IntStyle::Decimal),
             "lt: global quantum, ns"),
      scalar("warmup_ns", &RunSpec::warmupNs, intCodec<uint64_t>(IntStyle::Decimal),
             "statistics leave out the transactions issued in the first warmup_ns of traffic"),
      scalar("warmup_transactions", &RunSpec::warmupTransactions,
             intCodec<uint64_t>(IntStyle::Decimal),
             "statistics leave out the first warmup_transactions transactions (all devices)"),
  };
  return s;
}

const Schema<Scenario>& scenarioSchema() {
  static const Schema<Scenario> s = {
      scalar("name", &Scenario::name, stringCodec(), "scenario name"),
      scalar("seed", &Scenario::seed, intCodec<uint64_t>(IntStyle::Decimal),
             "seed of every device's traffic"),
      structField("memory", &Scenario::memory, memorySchema, "physical memory"),
      listField("smmus", &Scenario::smmus, smmuSchema, false, "SMMU instances"),
      listField("devices", &Scenario::devices, deviceSchema, false, "device groups"),
      structField("run", &Scenario::run, runSchema, "how the simulator runs"),
  };
  return s;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------
std::string range(uint64_t first, uint64_t count) {
  return std::to_string(first) + ".." + std::to_string(first + count - 1);
}

void validateSmmu(const SmmuSpec& spec, const std::string& p) {
  const SmmuConfig& m = spec.config;
  if (!validName(m.name))
    fail(p + ".name", "'" + m.name + "' is not a valid name (letters, digits, '_', '-')");
  // Each knob's own range (smmu/SmmuKnobs.h); the rules between knobs follow.
  for (const auto& k : smmuKnobs())
    if (const KnobError e = checkKnob(k, m); !e.message.empty())
      fail(p + "." + k.key + e.at, e.message);
  if (m.features.pri && !m.features.ats) fail(p + ".pri", "PRI requires ATS (set ats: true)");
  if (!m.features.s1p && !m.features.s2p)
    fail(p + ".stage1", "an SMMU implements at least one stage (stage1 or stage2)");
  if (!m.features.s1p)
    fail(p + ".stage1", "must be true in a scenario: the host agent builds stage-1 domains for "
                        "the devices (stage-2-only SMMUs are replayed with `smmusim replay`)");
  if (!findPresetInfo(spec.preset)) fail(p + ".preset", unknownPresetMessage(spec.preset));
  // The geometry rules of tlm/cache (CacheGeometry::make, makeReplacementPolicy); entry counts
  // and policy names are the knobs' own checks.
  auto isPow2 = [](unsigned v) { return v && !(v & (v - 1)); };
  auto geometryAt = [&](const std::string& p, unsigned entries, unsigned ways,
                        const std::string& policy, const std::string& w, const std::string& pk,
                        const std::string& of) {
    if (ways > entries || (ways && entries % ways))
      fail(p + "." + w, std::to_string(ways) + " ways do not divide " + std::to_string(entries) +
                            " entries" + of + " (0 = fully associative)");
    const unsigned w2 = ways ? ways : entries;
    if (!isPow2(entries / w2))
      fail(p + "." + w, std::to_string(entries) + " entries" + of + " in " + std::to_string(w2) +
                            " ways make " + std::to_string(entries / w2) +
                            " sets: the number of sets must be a power of two");
    if (policy == "plru" && !isPow2(w2))
      fail(p + "." + pk, "plru needs a power-of-two number of ways (" + std::to_string(w2) +
                             " ways" + of + ")");
  };
  auto geometry = [&](unsigned entries, unsigned ways, const std::string& policy,
                      const std::string& w, const std::string& pk, const std::string& of) {
    geometryAt(p, entries, ways, policy, w, pk, of);
  };
  if (m.utlbEntries)
    geometry(m.utlbEntries, m.utlbWays, m.utlbPolicy, "utlb_ways", "utlb_policy", "");
  geometry(m.tlbEntries, m.tlbWays, m.tlbPolicy, "tlb_ways", "tlb_policy", "");
  geometry(m.configCacheEntries, m.configCacheWays, m.configCachePolicy, "config_cache_ways",
           "config_cache_policy", "");
  for (size_t l = 0; l < 3; ++l) {
    const std::string e = "walk_cache_entries[" + std::to_string(l) + "]";
    if (m.walkCacheEntries[l])
      geometry(m.walkCacheEntries[l], m.walkCacheWays, m.walkCachePolicy, "walk_cache_ways",
               "walk_cache_policy", " of " + e);
    const std::string e2 = "s2_walk_cache_entries[" + std::to_string(l) + "]";
    if (m.s2WalkCacheEntries[l])
      geometry(m.s2WalkCacheEntries[l], m.s2WalkCacheWays, m.walkCachePolicy,
               "s2_walk_cache_ways", "walk_cache_policy", " of " + e2);
  }
  // The IPA cache: tlm/cache's geometry, LRU replacement (IpaCache).
  if (m.ipaCacheEntries)
    geometry(m.ipaCacheEntries, m.ipaCacheWays, "lru", "ipa_cache_ways", "ipa_cache_ways", "");
  // Each TBU: its name, and its TLBs as it sees them (its own keys over the SMMU's).
  for (size_t i = 0; i < m.tbus.size(); ++i) {
    const std::string tp = p + ".tbus[" + std::to_string(i) + "]";
    const std::string& name = m.tbus[i].name;
    if (!validName(name))
      fail(tp + ".name", "'" + name + "' is not a valid name (letters, digits, '_', '-')");
    for (size_t j = 0; j < i; ++j)
      if (m.tbus[j].name == name)
        fail(tp + ".name", "duplicate TBU name '" + name + "' (also tbus[" + std::to_string(j) +
                               "])");
    const SmmuConfig t = tbuConfig(m, i);
    for (const auto& k : smmuKnobs())
      if (k.tbu)
        if (const KnobError e = checkKnob(k, t); !e.message.empty())
          fail(tp + "." + k.key + e.at, e.message);
    if (t.utlbEntries)
      geometryAt(tp, t.utlbEntries, t.utlbWays, t.utlbPolicy, "utlb_ways", "utlb_policy", "");
    geometryAt(tp, t.tlbEntries, t.tlbWays, t.tlbPolicy, "tlb_ways", "tlb_policy", "");
  }
}

std::vector<std::string> tbuNamesOf(const SmmuConfig& m) {
  std::vector<std::string> names;
  for (const auto& t : m.tbus) names.push_back(t.name);
  if (names.empty()) names.push_back("tbu0");
  return names;
}

void pageSizesOf(Granule g, std::vector<uint64_t>& out) {
  switch (g) {
    case Granule::k4K: out = {4 * KiB, 2 * MiB, GiB}; break;
    case Granule::k16K: out = {16 * KiB, 32 * MiB}; break;
    case Granule::k64K: out = {64 * KiB, 512 * MiB}; break;
  }
}

constexpr uint64_t kMaxNs = 1000000000000ull;  // 1000 s: far beyond any run, no ps overflow
constexpr uint64_t kVaLimit = uint64_t(1) << 48;
// Slot threads per SMMU with walker arbitration other than fifo (each a SystemC thread with its
// own stack, 128 KiB by default: 65536 of them reserve 8 GiB of address space).
constexpr uint64_t kMaxSlotThreads = 65536;

void validateImpl(const Scenario& s) {
  if (s.name.empty()) fail("name", "must not be empty");

  // memory
  if (s.memory.latencyNs > kMaxNs)
    fail("memory.latency_ns", "must be <= " + std::to_string(kMaxNs));
  if (s.memory.channels > 65536)
    fail("memory.channels",
         "must be <= 65536, 0 = unlimited (got " + std::to_string(s.memory.channels) + ")");
  if (s.memory.occupancyNs > kMaxNs)
    fail("memory.occupancy_ns", "must be <= " + std::to_string(kMaxNs));
  if (s.memory.atomicExtraNs > kMaxNs)
    fail("memory.atomic_extra_ns", "must be <= " + std::to_string(kMaxNs));
  if (!(s.memory.channelBytesPerNs >= 0 && s.memory.channelBytesPerNs <= 1e6))
    fail("memory.channel_bytes_per_ns",
         "must be between 0 and 1000000 (got " + doubleCodec().text(s.memory.channelBytesPerNs) +
             ")");
  if (s.memory.channelBytesPerNs > 0 && s.memory.occupancyNs == 0)
    fail("memory.channel_bytes_per_ns",
         "needs memory.occupancy_ns > 0: a burst carries occupancy_ns x channel_bytes_per_ns "
         "bytes");
  if (s.run.quantumNs < 1 || s.run.quantumNs > kMaxNs)
    fail("run.quantum_ns", "must be between 1 and " + std::to_string(kMaxNs) + " (got " +
                               std::to_string(s.run.quantumNs) + ")");
  if (s.run.warmupNs > kMaxNs)
    fail("run.warmup_ns", "must be <= " + std::to_string(kMaxNs) + " (got " +
                              std::to_string(s.run.warmupNs) + ")");
  if (s.memory.regions.empty()) fail("memory.regions", "at least one region");
  for (size_t i = 0; i < s.memory.regions.size(); ++i) {
    const auto& r = s.memory.regions[i];
    const std::string p = "memory.regions[" + std::to_string(i) + "]";
    if (r.base % (4 * KiB)) fail(p + ".base", hex(r.base) + " is not aligned to 4 KiB");
    if (r.size == 0 || r.size % (4 * KiB))
      fail(p + ".size", "must be a non-zero multiple of 4 KiB (got " + std::to_string(r.size) + ")");
    if (r.base + (r.size - 1) < r.base) fail(p + ".size", "region runs past 2^64");
    for (size_t j = 0; j < i; ++j) {
      const auto& o = s.memory.regions[j];
      if (r.base <= o.base + (o.size - 1) && o.base <= r.base + (r.size - 1))
        fail(p, "overlaps memory.regions[" + std::to_string(j) + "]");
    }
  }

  // SMMUs
  if (s.smmus.empty()) fail("smmus", "at least one SMMU");
  for (size_t i = 0; i < s.smmus.size(); ++i) {
    const SmmuConfig& m = s.smmus[i].config;
    const std::string p = "smmus[" + std::to_string(i) + "]";
    validateSmmu(s.smmus[i], p);
    if (m.ptwArbitration != ArbitrationPolicy::Fifo && s.run.mode == RunMode::Lt)
      fail(p + ".ptw_arbitration",
           std::string(arbitrationName(m.ptwArbitration)) +
               " needs run.mode: contention (a walker is granted when one frees, among the misses "
               "waiting then; loosely-timed devices run ahead of that)");
    const uint64_t end = m.regBase + 128 * KiB - 1;
    for (size_t j = 0; j < i; ++j) {
      if (s.smmus[j].config.name == m.name)
        fail(p + ".name", "duplicate SMMU name '" + m.name + "' (also smmus[" +
                              std::to_string(j) + "])");
      const uint64_t ob = s.smmus[j].config.regBase, oe = ob + 128 * KiB - 1;
      if (m.regBase <= oe && ob <= end)
        fail(p + ".reg_base", "register frame " + hex(m.regBase) + " overlaps smmus[" +
                                  std::to_string(j) + "] '" + s.smmus[j].config.name +
                                  "' at " + hex(ob));
    }
    for (size_t j = 0; j < s.memory.regions.size(); ++j) {
      const auto& r = s.memory.regions[j];
      if (m.regBase <= r.base + (r.size - 1) && r.base <= end)
        fail(p + ".reg_base", "register frame " + hex(m.regBase) + " overlaps memory.regions[" +
                                  std::to_string(j) + "]");
    }
  }

  // devices
  if (s.devices.empty()) fail("devices", "at least one device group");
  std::vector<std::string> smmuNames;
  for (const auto& m : s.smmus) smmuNames.push_back(m.config.name);
  std::vector<uint64_t> nextSid(s.smmus.size(), 0);
  std::vector<uint64_t> sidBase(s.devices.size());
  unsigned __int128 bufferBytes = 0;
  for (size_t i = 0; i < s.devices.size(); ++i) {
    const auto& g = s.devices[i];
    const std::string p = "devices[" + std::to_string(i) + "]";
    if (!validName(g.name))
      fail(p + ".name", "'" + g.name + "' is not a valid name (letters, digits, '_', '-')");
    for (size_t j = 0; j < i; ++j)
      if (s.devices[j].name == g.name)
        fail(p + ".name", "duplicate group name '" + g.name + "' (also devices[" +
                              std::to_string(j) + "])");
    if (g.count < 1) fail(p + ".count", "must be >= 1 (got 0)");
    size_t mi = 0;
    if (!g.smmu.empty()) {
      auto it = std::find(smmuNames.begin(), smmuNames.end(), g.smmu);
      if (it == smmuNames.end())
        fail(p + ".smmu", "no SMMU named '" + g.smmu + "' (SMMUs: " + joinNames(smmuNames) + ")");
      mi = size_t(it - smmuNames.begin());
    }
    const SmmuSpec& spec = s.smmus[mi];
    const SmmuConfig& m = spec.config;
    if (!g.tbu.empty()) {
      const auto tbus = tbuNamesOf(m);
      if (std::find(tbus.begin(), tbus.end(), g.tbu) == tbus.end())
        fail(p + ".tbu", "no TBU named '" + g.tbu + "' in SMMU '" + m.name + "' (TBUs: " +
                             joinNames(tbus) + ")");
    }
    const auto& names = trafficPatternNames();
    if (std::find(names.begin(), names.end(), g.pattern) == names.end())
      fail(p + ".pattern",
           "unknown value '" + g.pattern + "' (expected " + joinNames(names) + ")");
    const uint64_t a = g.accessBytes;
    if (!a || (a & (a - 1)) || a > 4096)
      fail(p + ".access_bytes",
           "must be a power of two between 1 and 4096 (got " + std::to_string(a) + ")");
    if (g.footprintBytes < a || g.footprintBytes % a)
      fail(p + ".footprint_bytes", "must be a non-zero multiple of access_bytes " +
                                       std::to_string(a) + " (got " +
                                       std::to_string(g.footprintBytes) + ")");
    if (g.pattern == "strided" && (g.strideBytes == 0 || g.strideBytes % a))
      fail(p + ".stride_bytes", "must be a non-zero multiple of access_bytes " +
                                    std::to_string(a) + " (got " + std::to_string(g.strideBytes) +
                                    ")");
    if (!(g.zipfS >= 0.0 && g.zipfS <= 100.0))
      fail(p + ".zipf_s", "must be between 0 and 100 (got " + doubleCodec().text(g.zipfS) + ")");
    if (!(g.writeFraction >= 0.0 && g.writeFraction <= 1.0))
      fail(p + ".write_fraction",
           "must be between 0 and 1 (got " + doubleCodec().text(g.writeFraction) + ")");
    if (g.qos > 15)
      fail(p + ".qos", "must be between 0 and 15 (got " + std::to_string(g.qos) + ")");
    if (g.outstanding < 1 || g.outstanding > 65536)
      fail(p + ".outstanding",
           "must be between 1 and 65536 (got " + std::to_string(g.outstanding) + ")");
    if (g.transactions < 1) fail(p + ".transactions", "must be >= 1 (got 0)");
    if (g.thinkNs > kMaxNs) fail(p + ".think_ns", "must be <= " + std::to_string(kMaxNs));
    if (!spec.supports(g.granule))
      fail(p + ".granule", std::string(granuleName(g.granule)) + " granule not supported by SMMU '" +
                               m.name + "'");
    std::vector<uint64_t> sizes;
    pageSizesOf(g.granule, sizes);
    if (std::find(sizes.begin(), sizes.end(), g.pageSize) == sizes.end()) {
      std::vector<std::string> valid;
      for (uint64_t v : sizes) valid.push_back(formatSize(v));
      fail(p + ".page_size", formatSize(g.pageSize) + " is not a page or block size of the " +
                                 std::string(granuleName(g.granule)) + " granule (expected " +
                                 joinNames(valid) + ")");
    }
    if (g.iovaBase % g.pageSize)
      fail(p + ".iova_base", hex(g.iovaBase) + " is not aligned to page_size " +
                                 formatSize(g.pageSize));
    if (g.footprintBytes > kVaLimit)
      fail(p + ".footprint_bytes", "exceeds the 48-bit input address space");
    const uint64_t mapped = roundUp(g.footprintBytes, g.pageSize);
    if (g.iovaBase >= kVaLimit || mapped > kVaLimit - g.iovaBase)
      fail(p + ".iova_base", "buffer " + hex(g.iovaBase) + " + " + formatSize(mapped) +
                                 " exceeds the 48-bit input address space");
    if (g.pattern == "zipf") {
      const uint64_t pages = mapped / g.pageSize;
      if (pages > ZipfPattern::kMaxPages)
        fail(p + ".footprint_bytes", "zipf over " + std::to_string(pages) + " pages: at most " +
                                         std::to_string(ZipfPattern::kMaxPages) +
                                         " (use a larger page_size)");
    }
    if (g.ssid) {
      if (m.features.ssidBits == 0)
        fail(p + ".ssid", "SMMU '" + m.name + "' has ssid_bits 0 (no substreams)");
      if (*g.ssid >> m.features.ssidBits)
        fail(p + ".ssid", std::to_string(*g.ssid) + " exceeds ssid_bits " +
                              std::to_string(m.features.ssidBits) + " of SMMU '" + m.name + "'");
    }
    // StreamIDs
    const uint64_t base = g.sidBase ? *g.sidBase : nextSid[mi];
    sidBase[i] = base;
    nextSid[mi] = std::max(nextSid[mi], base + g.count);
    const uint64_t limit = uint64_t(1) << m.features.sidBits;
    if (base + g.count > limit)
      fail(p + (g.sidBase ? ".sid_base" : ".count"),
           "SIDs " + range(base, g.count) + " exceed sid_bits " +
               std::to_string(m.features.sidBits) +
               " of SMMU '" + m.name + "' (largest SID " + std::to_string(limit - 1) + ")");
    for (size_t j = 0; j < i; ++j) {
      const auto& o = s.devices[j];
      if (smmuIndexOf(s, o) != mi) continue;
      if (base < sidBase[j] + o.count && sidBase[j] < base + g.count)
        fail(p + ".sid_base", "SIDs " + range(base, g.count) + " overlap devices[" +
                                  std::to_string(j) + "] '" + o.name + "' (SIDs " +
                                  range(sidBase[j], o.count) + ") on SMMU '" + m.name + "'");
    }
    bufferBytes += (unsigned __int128)g.count * mapped;
    // Backstop: whatever the pattern itself checks.
    if (std::string err = checkTrafficSpec(trafficSpecFor(s, i, 0)); !err.empty()) fail(p, err);
  }
  // Walker arbitration other than fifo runs a thread per outstanding slot of the SMMU's devices.
  for (size_t mi = 0; mi < s.smmus.size(); ++mi) {
    if (s.smmus[mi].config.ptwArbitration == ArbitrationPolicy::Fifo) continue;
    uint64_t slots = 0;
    for (const auto& g : s.devices)
      if (smmuIndexOf(s, g) == mi) slots += uint64_t(g.count) * g.outstanding;
    if (slots > kMaxSlotThreads)
      fail("smmus[" + std::to_string(mi) + "].ptw_arbitration",
           std::string(arbitrationName(s.smmus[mi].config.ptwArbitration)) +
               " runs a thread per outstanding device slot: the devices of SMMU '" +
               s.smmus[mi].config.name + "' have " + std::to_string(slots) + " (at most " +
               std::to_string(kMaxSlotThreads) + "; use fifo, or fewer devices or outstanding)");
  }
  unsigned __int128 ram = 0;
  for (const auto& r : s.memory.regions) ram += r.size;
  if (bufferBytes > ram) {
    auto str = [](unsigned __int128 v) {
      return v > UINT64_MAX ? std::string("more than 2^64") : formatSize(uint64_t(v));
    };
    fail("devices", "the device buffers need " + str(bufferBytes) + " but memory.regions hold " +
                        str(ram));
  }
  // A warm-up that swallows every transaction would leave nothing to measure (trace-driven
  // groups issue their rows, not `transactions`: no bound is known for them here).
  bool traces = false;
  for (const auto& g : s.devices) traces = traces || !g.trace.empty();
  if (s.run.warmupTransactions && !traces && s.run.warmupTransactions >= totalTransactions(s))
    fail("run.warmup_transactions",
         "must be less than the " + std::to_string(totalTransactions(s)) +
             " transactions of all devices (got " + std::to_string(s.run.warmupTransactions) +
             ")");
}

Mark lookupMark(const std::map<std::string, Mark>& marks, std::string path) {
  for (;;) {
    auto it = marks.find(path);
    if (it != marks.end()) return it->second;
    if (path.empty()) return Mark::null_mark();
    if (path.back() == ']') path.erase(path.rfind('['));
    else {
      const size_t dot = path.rfind('.');
      const size_t br = path.rfind(']');
      path.erase(dot == std::string::npos || (br != std::string::npos && br > dot) ? 0 : dot);
    }
  }
}

Path parsePath(const std::string& text, std::string& err) {
  Path out;
  size_t i = 0;
  const std::string s = trim(text);
  while (true) {
    PathTok t;
    while (i < s.size() && (std::isalnum((unsigned char)s[i]) || s[i] == '_')) t.key += s[i++];
    if (t.key.empty()) {
      err = "bad path '" + s + "' (expected e.g. devices[0].outstanding)";
      return {};
    }
    if (i < s.size() && s[i] == '[') {
      const size_t close = s.find(']', i);
      if (close == std::string::npos || close == i + 1) {
        err = "bad path '" + s + "' (unterminated or empty [])";
        return {};
      }
      t.hasIndex = true;
      t.index = trim(s.substr(i + 1, close - i - 1));
      i = close + 1;
    }
    out.push_back(t);
    if (i == s.size()) return out;
    if (s[i] != '.') {
      err = "bad path '" + s + "' (unexpected '" + s[i] + "')";
      return {};
    }
    ++i;
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------------------------
// The register frame of every SMMU whose reg_base was not given: from the default base up, the
// first 64 KiB-aligned 128 KiB frame that overlaps no given frame, no frame assigned before it
// and no memory region. In SMMU order, so a scenario's frames do not depend on anything else.
void assignRegisterFrames(Scenario& s) {
  constexpr uint64_t kFrame = 128 * KiB, kAlign = 64 * KiB;
  struct Span {
    uint64_t base, last;
  };
  std::vector<Span> taken;
  for (const auto& r : s.memory.regions)
    if (r.size) taken.push_back({r.base, r.base + (r.size - 1)});
  for (const auto& m : s.smmus)
    if (m.regBaseGiven && m.config.regBase <= UINT64_MAX - (kFrame - 1))
      taken.push_back({m.config.regBase, m.config.regBase + (kFrame - 1)});
  for (auto& m : s.smmus) {
    if (m.regBaseGiven) continue;
    uint64_t b = SmmuConfig{}.regBase;
    for (bool moved = true; moved;) {
      moved = false;
      for (const Span& t : taken) {
        if (b <= t.last && t.base <= b + (kFrame - 1)) {
          if (t.last > UINT64_MAX - kFrame - kAlign) return;  // no room: validation reports it
          b = (t.last + kAlign) & ~(kAlign - 1);
          moved = true;
        }
      }
    }
    m.config.regBase = b;
    taken.push_back({b, b + (kFrame - 1)});
  }
}

Scenario parseScenarioString(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    const bool known = !e.mark.is_null();
    throw ScenarioError(source, known ? unsigned(e.mark.line + 1) : 0,
                        known ? unsigned(e.mark.column + 1) : 0, "", "syntax error: " + e.msg);
  }
  Scenario s;
  std::map<std::string, Mark> marks;
  try {
    readStruct(scenarioSchema(), s, root, Ctx{"", &marks});
    assignRegisterFrames(s);
    validateImpl(s);
  } catch (const FieldError& e) {
    const Mark m = e.mark.is_null() ? lookupMark(marks, e.path) : e.mark;
    const bool known = !m.is_null();
    throw ScenarioError(source, known ? unsigned(m.line + 1) : 0,
                        known ? unsigned(m.column + 1) : 0, e.path, e.message);
  } catch (const YAML::Exception& e) {
    const bool known = !e.mark.is_null();
    throw ScenarioError(source, known ? unsigned(e.mark.line + 1) : 0,
                        known ? unsigned(e.mark.column + 1) : 0, "", e.msg);
  }
  return s;
}

Scenario parseScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path, 0, 0, "", std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  Scenario s = parseScenarioString(ss.str(), path);
  s.baseDir = std::filesystem::path(path).parent_path().string();
  return s;
}

Scenario defaultScenario() { return parseScenarioString(kDefaultScenarioYaml, "<default>"); }

void validateScenario(const Scenario& s) {
  try {
    validateImpl(s);
  } catch (const FieldError& e) {
    throw ScenarioError("", 0, 0, e.path, e.message);
  }
}

void applyOverride(Scenario& s, const std::string& assignment) {
  const std::string prefix = "override '" + assignment + "': ";
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos)
    throw ScenarioError("", 0, 0, "", "expected PATH=VALUE, e.g. devices[0].outstanding=8",
                        prefix);
  std::string err;
  const Path path = parsePath(assignment.substr(0, eq), err);
  if (path.empty()) throw ScenarioError("", 0, 0, "", err, prefix);
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw ScenarioError("", 0, 0, "", "bad value: " + e.msg, prefix);
  }
  Scenario t = s;
  try {
    setPath(scenarioSchema(), t, path, 0, value, Ctx{"", nullptr});
    assignRegisterFrames(t);
    validateImpl(t);
  } catch (const FieldError& e) {
    throw ScenarioError("", 0, 0, e.path, e.message, prefix);
  } catch (const YAML::Exception& e) {
    throw ScenarioError("", 0, 0, "", e.msg, prefix);
  }
  s = std::move(t);
}

std::string scenarioToYaml(const Scenario& s) {
  YAML::Emitter e;
  e.SetIndent(2);
  emitStruct(scenarioSchema(), e, s);
  return std::string(e.c_str()) + "\n";
}

std::string scenarioReference() {
  std::string out;
  appendReference(scenarioSchema(), out, "");
  return out;
}

SmmuConfig toSmmuConfig(const SmmuSpec& m) { return m.config; }

SmmuSpec toSmmuSpec(const SmmuConfig& c) {
  SmmuSpec m;
  m.config = c;
  return m;
}

void applyPreset(SmmuSpec& spec, const std::string& name) {
  if (!findPresetInfo(name)) throw ScenarioError("", 0, 0, "preset", unknownPresetMessage(name));
  setFromPreset(spec, name);
}

std::string presetListing() {
  size_t w = 0;
  for (const auto& p : presets()) w = std::max(w, p.name.size());
  std::string out;
  for (const auto& p : presets())
    out += p.name + std::string(w + 2 - p.name.size(), ' ') + p.summary + "\n";
  return out;
}

std::string presetToYaml(const std::string& name) {
  const Preset* p = findPresetInfo(name);
  if (!p) throw ScenarioError("", 0, 0, "preset", unknownPresetMessage(name));
  std::vector<std::pair<std::string, std::string>> lines;  // (text, comment)
  const SmmuConfig def;
  lines.emplace_back("  - name: " + def.name, "not set by a preset");
  lines.emplace_back("    preset: " + p->name, p->summary);
  for (const auto& v : p->values) lines.emplace_back("    " + v.key + ": " + v.value, v.source);
  size_t w = 0;
  for (const auto& l : lines) w = std::max(w, l.first.size());
  std::string out = "# SMMU preset " + p->name + " (docs/presets.md): every key with its source\n";
  out += "smmus:\n";
  for (const auto& [text, comment] : lines)
    out += text + std::string(w + 2 - text.size(), ' ') + "# " + comment + "\n";
  if (!p->notes.empty()) {
    out += "# No counterpart in the model:\n";
    for (const auto& n : p->notes) out += "#   - " + n + "\n";
  }
  return out;
}

size_t smmuIndexOf(const Scenario& s, const DeviceGroup& g) {
  if (g.smmu.empty()) {
    if (s.smmus.empty()) throw ScenarioError("", 0, 0, "smmus", "at least one SMMU");
    return 0;
  }
  for (size_t i = 0; i < s.smmus.size(); ++i)
    if (s.smmus[i].config.name == g.smmu) return i;
  throw ScenarioError("", 0, 0, "", "no SMMU named '" + g.smmu + "'");
}

unsigned tbuIndexOf(const Scenario& s, const DeviceGroup& g) {
  if (g.tbu.empty()) return 0;
  const auto tbus = tbuNamesOf(s.smmus[smmuIndexOf(s, g)].config);
  for (size_t i = 0; i < tbus.size(); ++i)
    if (tbus[i] == g.tbu) return unsigned(i);
  throw ScenarioError("", 0, 0, "", "no TBU named '" + g.tbu + "'");
}

std::vector<uint32_t> resolvedSidBases(const Scenario& s) {
  std::vector<uint64_t> next(s.smmus.size(), 0);
  std::vector<uint32_t> out;
  for (const auto& g : s.devices) {
    const size_t mi = smmuIndexOf(s, g);
    const uint64_t base = g.sidBase ? *g.sidBase : next[mi];
    next[mi] = std::max(next[mi], base + g.count);
    out.push_back(uint32_t(base));
  }
  return out;
}

uint64_t deviceSeed(const Scenario& s, size_t group, uint32_t index) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a of the group name
  for (unsigned char ch : s.devices.at(group).name) h = (h ^ ch) * 0x100000001b3ull;
  return mix64(mix64(s.seed ^ h) + index);
}

TrafficSpec trafficSpecFor(const Scenario& s, size_t group, uint32_t index) {
  const DeviceGroup& g = s.devices.at(group);
  TrafficSpec t;
  t.pattern = g.pattern;
  t.footprintBytes = g.footprintBytes;
  t.accessBytes = g.accessBytes;
  t.strideBytes = g.strideBytes;
  t.zipfS = g.zipfS;
  t.writeFraction = g.writeFraction;
  t.seed = deviceSeed(s, group, index);
  t.pageBytes = g.pageSize;
  return t;
}

uint64_t totalDevices(const Scenario& s) {
  uint64_t n = 0;
  for (const auto& g : s.devices) n += g.count;
  return n;
}

std::string tracePathFor(const Scenario& s, size_t group) {
  const std::string& t = s.devices.at(group).trace;
  if (t.empty()) return {};
  const std::filesystem::path p(t);
  if (p.is_absolute() || s.baseDir.empty()) return t;
  return (std::filesystem::path(s.baseDir) / p).string();
}

uint64_t totalTransactions(const Scenario& s) {
  uint64_t n = 0;
  for (const auto& g : s.devices) n += g.transactions * g.count;
  return n;
}

}  // namespace smmu
