#include "TraceSource.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "mem/MemoryImage.h"  // parseHex64

namespace smmu::tb {

namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

bool parseDec(const std::string& t, uint64_t& out) {
  if (t.empty() || t.size() > 19) return false;
  out = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + uint64_t(c - '0');
  }
  return true;
}

bool parseHexStrict(const std::string& t, uint64_t& out) {
  return t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') && parseHex64(t, out);
}

}  // namespace

std::vector<TraceRow> parseTrace(const std::string& text, const std::string& name) {
  std::vector<TraceRow> rows;
  std::istringstream in(text);
  std::string line;
  unsigned lineNo = 0;
  uint64_t lastT = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    std::vector<std::string> f;
    std::string cur;
    for (char c : t) {
      if (c == ',') {
        f.push_back(trim(cur));
        cur.clear();
      } else {
        cur += c;
      }
    }
    f.push_back(trim(cur));
    auto bad = [&](const std::string& what) {
      return TraceError(name + ":" + std::to_string(lineNo) + ": " + what);
    };
    if (rows.empty() && f[0] == "t_ns") continue;  // header
    if (f.size() != 6)
      throw bad("expected 6 columns t_ns,sid,ssid,iova,dir,bytes, found " +
                std::to_string(f.size()));
    TraceRow r;
    uint64_t v = 0;
    if (!parseDec(f[0], r.tNs)) throw bad("t_ns: bad number '" + f[0] + "'");
    if (r.tNs < lastT) throw bad("t_ns: " + f[0] + " is earlier than the previous row");
    lastT = r.tNs;
    if (!parseHexStrict(f[1], v) || v > 0xffffffffull) throw bad("sid: bad hex '" + f[1] + "'");
    r.sid = uint32_t(v);
    if (!f[2].empty()) {
      if (!parseHexStrict(f[2], v) || v >= (1u << 20)) throw bad("ssid: bad hex '" + f[2] + "'");
      r.ssid = uint32_t(v);
      r.ssv = true;
    }
    if (!parseHexStrict(f[3], r.iova)) throw bad("iova: bad hex '" + f[3] + "'");
    if (f[4] == "r" || f[4] == "R")
      r.write = false;
    else if (f[4] == "w" || f[4] == "W")
      r.write = true;
    else
      throw bad("dir: expected r or w, got '" + f[4] + "'");
    if (!parseDec(f[5], v) || v == 0 || v > 4096)
      throw bad("bytes: expected 1..4096, got '" + f[5] + "'");
    r.bytes = uint32_t(v);
    rows.push_back(r);
  }
  return rows;
}

std::vector<TraceRow> loadTrace(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw TraceError(path + ": cannot open trace");
  std::stringstream ss;
  ss << in.rdbuf();
  return parseTrace(ss.str(), path);
}

}  // namespace smmu::tb
