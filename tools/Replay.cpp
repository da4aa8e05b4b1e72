#include "Replay.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "arch/Registers.h"
#include "mem/MemoryImage.h"
#include "mem/SparseMemory.h"
#include "smmu/SmmuCore.h"

namespace smmu::tb {

namespace {

struct RegName {
  const char* name;
  uint32_t offset;
  bool is64;
};

constexpr RegName kRegs[] = {
    {"IDR0", reg::IDR0, false}, {"IDR1", reg::IDR1, false}, {"IDR2", reg::IDR2, false},
    {"IDR3", reg::IDR3, false}, {"IDR4", reg::IDR4, false}, {"IDR5", reg::IDR5, false},
    {"IIDR", reg::IIDR, false}, {"AIDR", reg::AIDR, false}, {"CR0", reg::CR0, false},
    {"CR0ACK", reg::CR0ACK, false}, {"CR1", reg::CR1, false}, {"CR2", reg::CR2, false},
    {"STATUSR", reg::STATUSR, false}, {"GBPA", reg::GBPA, false}, {"AGBPA", reg::AGBPA, false},
    {"IRQ_CTRL", reg::IRQ_CTRL, false}, {"IRQ_CTRLACK", reg::IRQ_CTRLACK, false},
    {"GERROR", reg::GERROR, false}, {"GERRORN", reg::GERRORN, false},
    {"GERROR_IRQ_CFG0", reg::GERROR_IRQ_CFG0, true},
    {"GERROR_IRQ_CFG1", reg::GERROR_IRQ_CFG1, false},
    {"GERROR_IRQ_CFG2", reg::GERROR_IRQ_CFG2, false},
    {"STRTAB_BASE", reg::STRTAB_BASE, true}, {"STRTAB_BASE_CFG", reg::STRTAB_BASE_CFG, false},
    {"CMDQ_BASE", reg::CMDQ_BASE, true}, {"CMDQ_PROD", reg::CMDQ_PROD, false},
    {"CMDQ_CONS", reg::CMDQ_CONS, false}, {"EVENTQ_BASE", reg::EVENTQ_BASE, true},
    {"EVENTQ_PROD", reg::EVENTQ_PROD, false}, {"EVENTQ_CONS", reg::EVENTQ_CONS, false},
    {"EVENTQ_IRQ_CFG0", reg::EVENTQ_IRQ_CFG0, true},
    {"EVENTQ_IRQ_CFG1", reg::EVENTQ_IRQ_CFG1, false},
    {"EVENTQ_IRQ_CFG2", reg::EVENTQ_IRQ_CFG2, false}, {"PRIQ_BASE", reg::PRIQ_BASE, true},
    {"PRIQ_PROD", reg::PRIQ_PROD, false}, {"PRIQ_CONS", reg::PRIQ_CONS, false},
    {"PRIQ_IRQ_CFG0", reg::PRIQ_IRQ_CFG0, true}, {"PRIQ_IRQ_CFG1", reg::PRIQ_IRQ_CFG1, false},
    {"PRIQ_IRQ_CFG2", reg::PRIQ_IRQ_CFG2, false},
};

std::string upper(std::string s) {
  for (auto& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// The `perm` column: the effective data permission after every stage (TranslationResult). A
// read that STE.INSTCFG makes an instruction fetch can succeed through a mapping that allows no
// data access (stage-2 S2AP = 0b00, or stage-1 read-only over stage-2 write-only): "-".
const char* permName(const TranslationResult& r) {
  if (r.readable) return r.writable ? "rw" : "r";
  return r.writable ? "w" : "-";
}

std::string hex(uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

// Strict hex: "0x" followed by 1-16 hex digits.
bool parseHexField(const std::string& text, uint64_t& out) {
  if (text.size() < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return false;
  return parseHex64(text, out);
}

std::vector<std::string> splitCsv(const std::string& line) {
  std::vector<std::string> f;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      f.push_back(trim(cur));
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  f.push_back(trim(cur));
  return f;
}

// The top-level keys of a JSON object, in file order, with the line each starts on. `text` has
// already been parsed by nlohmann::json, so it is well formed; only strings and brackets matter.
std::vector<std::pair<std::string, unsigned>> topLevelKeys(const std::string& text) {
  std::vector<std::pair<std::string, unsigned>> keys;
  unsigned line = 1;
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == '"') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      if (j >= text.size()) break;
      const std::string token = text.substr(i, j - i + 1);
      i = j;
      if (depth != 1) continue;
      size_t k = j + 1;
      while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
      if (k < text.size() && text[k] == ':')
        keys.emplace_back(nlohmann::json::parse(token).get<std::string>(), line);
    }
  }
  return keys;
}

SmmuFeatures::Idr loadRegisters(const std::string& path,
                                std::map<uint32_t, std::pair<uint64_t, unsigned>>& writes,
                                const SmmuFeatures& defaults) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ReplayError(path + ": cannot open register dump");
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte: 1-based position of the offending character (text.size() + 1 at the end).
    const size_t at = std::min<size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    const size_t line = 1 + size_t(std::count(text.begin(), text.begin() + long(at), '\n'));
    const size_t bol = text.rfind('\n', at == 0 ? 0 : at - 1);
    const size_t col = bol == std::string::npos || at == 0 ? at + 1 : at - bol;
    // what() = "[json.exception.parse_error.101] parse error at line L, column C: reason"
    std::string why = e.what();
    if (const size_t c = why.find(", column "); c != std::string::npos)
      if (const size_t colon = why.find(": ", c); colon != std::string::npos)
        why = why.substr(colon + 2);
    throw ReplayError(path + ":" + std::to_string(line) + ":" + std::to_string(col) +
                      ": not valid JSON: " + why);
  }
  if (!j.is_object()) throw ReplayError(path + ": expected a JSON object of register names");
  SmmuFeatures::Idr idr = defaults.toIdr();
  uint32_t* idrs[] = {&idr.idr0, &idr.idr1, &idr.idr2, &idr.idr3, &idr.idr4, &idr.idr5};
  std::map<uint32_t, std::pair<std::string, unsigned>> seen;  // offset -> (name, line)
  for (const auto& [key, line] : topLevelKeys(text)) {
    const std::string at = path + ":" + std::to_string(line) + ": ";
    if (!key.empty() && key[0] == '_') continue;  // comment
    uint32_t off = 0;
    bool is64 = false;
    if (!registerOffset(key, off, is64)) throw ReplayError(at + "unknown register '" + key + "'");
    if (auto s = seen.find(off); s != seen.end())
      throw ReplayError(at + key + ": register given twice (also as '" + s->second.first +
                        "' at line " + std::to_string(s->second.second) + ")");
    seen[off] = {key, line};
    const nlohmann::json& val = j.at(key);
    if (!val.is_string())
      throw ReplayError(at + key + ": expected a hex string such as \"0x1f\", got " + val.dump());
    const std::string str = val.get<std::string>();
    uint64_t v = 0;
    if (!parseHexField(str, v)) throw ReplayError(at + key + ": bad hex value '" + str + "'");
    if (!is64 && v > 0xffffffffull)
      throw ReplayError(at + key + ": value " + hex(v) + " does not fit 32 bits");
    if (off <= reg::IDR5)
      *idrs[off / 4] = uint32_t(v);
    else
      writes[off] = {v, is64 ? 8u : 4u};
  }
  return idr;
}

}  // namespace

bool registerOffset(const std::string& nameIn, uint32_t& offset, bool& is64) {
  std::string name = upper(nameIn);
  if (name.rfind("SMMU_", 0) == 0) name = name.substr(5);
  for (const auto& r : kRegs)
    if (name == r.name) {
      offset = r.offset;
      is64 = r.is64;
      return true;
    }
  return false;
}

ReplaySummary runReplay(const ReplayOptions& opt) {
  SparseMemory mem;
  for (const auto& [base, size] : opt.ram) {
    try {
      mem.addRegion(base, size);
    } catch (const std::invalid_argument& e) {
      throw ReplayError("--ram " + hex(base) + ":" + hex(size) + ": " + e.what());
    }
  }
  try {
    MemoryImage::load(opt.imageBin, opt.imageIdx, mem);
  } catch (const MemoryImageError& e) {
    throw ReplayError(e.what());
  }

  std::map<uint32_t, std::pair<uint64_t, unsigned>> writes;
  SmmuConfig cfg = opt.smmu;
  cfg.features = SmmuFeatures::fromIdr(loadRegisters(opt.regsPath, writes, cfg.features));
  SmmuCore core(cfg, mem);
  // CR0 last: the configuration registers are in place when the SMMU is enabled.
  for (const auto& [off, w] : writes)
    if (off != reg::CR0) core.writeReg(off, w.first, w.second);
  if (auto it = writes.find(reg::CR0); it != writes.end())
    core.writeReg(reg::CR0, it->second.first, 4);

  std::ifstream in(opt.tracePath);
  if (!in) throw ReplayError(opt.tracePath + ": cannot open trace");
  std::ofstream out(opt.outPath);
  if (!out) throw ReplayError(opt.outPath + ": cannot create output");
  out << "sid,ssid,iova,dir,outcome,pa,perm,level,event\n";

  ReplaySummary sum;
  std::string line;
  unsigned lineNo = 0;
  bool firstRow = true;  // the header may follow comment and blank lines
  Tick now = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    const auto f = splitCsv(t);
    const bool first = firstRow;
    firstRow = false;
    if (first && upper(f[0]) == "SID") continue;  // the optional header line
    auto bad = [&](const std::string& what) {
      out.flush();
      return ReplayError(opt.tracePath + ":" + std::to_string(lineNo) + ": " + what);
    };
    if (f.size() != 4)
      throw bad("expected 4 columns sid,ssid,iova,dir, found " + std::to_string(f.size()));
    TranslationRequest req;
    uint64_t v = 0;
    if (!parseHexField(f[0], v) || v > 0xffffffffull) throw bad("bad sid '" + f[0] + "'");
    req.sid = uint32_t(v);
    if (!f[1].empty()) {
      if (!parseHexField(f[1], v) || v >= (1u << 20)) throw bad("bad ssid '" + f[1] + "'");
      req.ssid = uint32_t(v);
      req.ssv = true;
    }
    if (!parseHexField(f[2], req.iova)) throw bad("bad iova '" + f[2] + "'");
    if (f[3] == "r" || f[3] == "R") {
      req.acc.write = false;
    } else if (f[3] == "w" || f[3] == "W") {
      req.acc.write = true;
    } else {
      throw bad("bad dir '" + f[3] + "' (expected r or w)");
    }
    const TranslationResult r = core.translate(req, now);
    now += r.latency;
    ++sum.rows;
    out << f[0] << ',' << f[1] << ',' << f[2] << ',' << f[3] << ',' << outcomeName(r.outcome)
        << ',';
    switch (r.outcome) {
      case Outcome::Ok:
        ++sum.ok;
        out << hex(r.pa) << ',' << permName(r) << ',' << unsigned(r.level) << ',';
        break;
      case Outcome::Abort:
        ++sum.aborted;
        out << ",,,";
        break;
      case Outcome::Fault:
        ++sum.faulted;
        out << ",,," << eventName(r.event);
        break;
    }
    out << '\n';
  }
  out.flush();
  if (!out) throw ReplayError(opt.outPath + ": write error");
  sum.eventsRecorded = core.stats().eventsRecorded;
  return sum;
}

}  // namespace smmu::tb
