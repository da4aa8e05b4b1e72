// Helpers for the `smmusim replay` tests: a host agent programming an SmmuCore without a
// SystemC kernel, a register dump written from the SMMU's register frame, and an expectation of
// every OUT.csv row computed from what the test mapped (never from the model).
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "Replay.h"
#include "host/ArmSmmuV3Driver.h"
#include "host/PageAllocator.h"
#include "mem/MemoryImage.h"
#include "mem/SparseMemory.h"
#include "smmu/DirectRegisterAccess.h"
#include "smmu/SmmuCore.h"

namespace smmu::tb::replaytest {

namespace fs = std::filesystem;

inline std::string hexStr(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%" PRIx64, v);
  return b;
}

inline std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void writeFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << p;
}

inline std::vector<std::string> readLines(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// The source tree (traces/sample lives there).
inline fs::path sourceDir() {
  if (const char* d = std::getenv("SMMUSIM_SOURCE_DIR")) return d;
  return fs::path(__FILE__).parent_path().parent_path().parent_path();  // tests/tb/ -> <src>
}

// A fresh directory for one test, removed afterwards (kept with SMMUSIM_KEEP_TMP=1).
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "smmu_replay_" + std::to_string(::getpid());
    if (info) name += std::string("_") + info->test_suite_name() + "_" + info->name();
    path_ = fs::temp_directory_path() / name;
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    if (!std::getenv("SMMUSIM_KEEP_TMP")) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& file) const { return (path_ / file).string(); }

 private:
  fs::path path_;
};

// Runs fn with the working directory set to dir (restored afterwards).
template <typename Fn>
void inDirectory(const fs::path& dir, Fn&& fn) {
  const fs::path old = fs::current_path();
  fs::current_path(dir);
  struct Restore {
    fs::path p;
    ~Restore() {
      std::error_code ec;
      fs::current_path(p, ec);
    }
  } restore{old};
  fn();
}

// The registers a dump holds, with offsets and sizes from the specification's register map
// (IHI 0070 6.2, SMMU_EVENTQ_PROD/CONS in page 1), not from the model's tables.
struct DumpReg {
  const char* name;
  uint32_t offset;
  unsigned size;
};
inline const std::vector<DumpReg>& dumpRegisters() {
  static const std::vector<DumpReg> regs = {
      {"SMMU_IDR0", 0x0, 4},          {"SMMU_IDR1", 0x4, 4},
      {"SMMU_IDR2", 0x8, 4},          {"SMMU_IDR3", 0xc, 4},
      {"SMMU_IDR4", 0x10, 4},         {"SMMU_IDR5", 0x14, 4},
      {"SMMU_CR0", 0x20, 4},          {"SMMU_CR1", 0x28, 4},
      {"SMMU_CR2", 0x2c, 4},          {"SMMU_GBPA", 0x44, 4},
      {"SMMU_IRQ_CTRL", 0x50, 4},     {"SMMU_GERROR", 0x60, 4},
      {"SMMU_GERRORN", 0x64, 4},      {"SMMU_STRTAB_BASE", 0x80, 8},
      {"SMMU_STRTAB_BASE_CFG", 0x88, 4}, {"SMMU_CMDQ_BASE", 0x90, 8},
      {"SMMU_CMDQ_PROD", 0x98, 4},    {"SMMU_CMDQ_CONS", 0x9c, 4},
      {"SMMU_EVENTQ_BASE", 0xa0, 8},  {"SMMU_EVENTQ_PROD", 0x100a8, 4},
      {"SMMU_EVENTQ_CONS", 0x100ac, 4},
  };
  return regs;
}

// REGS.json as a dump tool would write it: every register of dumpRegisters(), read through the
// SMMU's register frame.
inline std::string registerDumpJson(SmmuCore& core, const std::string& comment) {
  std::string s = "{\n  \"_comment\": \"" + comment + "\"";
  for (const DumpReg& r : dumpRegisters())
    s += ",\n  \"" + std::string(r.name) + "\": \"" + hexStr(core.readReg(r.offset, r.size)) + "\"";
  return s + "\n}\n";
}

// An SMMU programmed by the host agent through its register frame, no SystemC kernel.
struct HostWorld {
  SparseMemory mem;
  PageAllocator alloc;
  SmmuCore core;
  DirectRegisterAccess regs;
  ArmSmmuV3Driver drv;
  HostWorld(const DriverOptions& o, PhysAddr allocBase, uint64_t allocSize,
            const SmmuConfig& cfg = SmmuConfig{})
      : alloc(mem, allocBase, allocSize), core(cfg, mem), regs(core), drv(regs, mem, alloc, o) {
    drv.probe();
  }
};

// ---- the independent expectation ----

using Ssid = std::optional<uint32_t>;  // nullopt: no SubstreamID

// One leaf the test mapped, as it chose it: [iova, iova + size) -> pa at `level`.
struct ExpectedLeaf {
  uint32_t sid;
  Ssid ssid;
  uint64_t iova, size;
  PhysAddr pa;
  bool writable;
  unsigned level;
};

// A piece of a map() call: the page or block size the test expects io-pgtable to use for it
// (the largest size of the granule that fits the alignment of iova and pa, as iommu_map does),
// and the level such an entry sits at for that granule.
struct Piece {
  uint64_t size;
  unsigned level;
};

// Tracks which (sid, ssid) each domain translates for and what was mapped, independently of
// the driver's bookkeeping and of the SMMU model.
class Expectation {
 public:
  void attached(const Domain& d, uint32_t sid, Ssid ssid = std::nullopt) {
    users_[&d].push_back({sid, ssid});
  }
  // Maps [iova, iova + sum of pieces) -> pa through the driver and records the leaves.
  void map(ArmSmmuV3Driver& drv, Domain& d, uint64_t iova, PhysAddr pa,
           std::vector<Piece> pieces, bool writable = true) {
    uint64_t total = 0;
    for (const Piece& p : pieces) total += p.size;
    IommuProt prot;
    prot.write = writable;
    ASSERT_TRUE(drv.map(d, iova, pa, total, prot)) << "map " << hexStr(iova);
    uint64_t off = 0;
    for (const Piece& p : pieces) {
      for (const auto& [sid, ssid] : users_[&d])
        leaves_.push_back({sid, ssid, iova + off, p.size, pa + off, writable, p.level});
      off += p.size;
    }
  }
  const ExpectedLeaf* find(uint32_t sid, Ssid ssid, uint64_t iova) const {
    for (const ExpectedLeaf& l : leaves_)
      if (l.sid == sid && l.ssid == ssid && iova >= l.iova && iova - l.iova < l.size) return &l;
    return nullptr;
  }

 private:
  std::map<const Domain*, std::vector<std::pair<uint32_t, Ssid>>> users_;
  std::vector<ExpectedLeaf> leaves_;
};

// One IN.csv row and what the test expects of it.
enum class Want { Mapped, Bypass, Abort, Fault };
struct Row {
  uint32_t sid;
  Ssid ssid;
  uint64_t iova;
  char dir;  // 'r' or 'w'
  Want want = Want::Mapped;
  const char* event = "";  // Want::Fault: the event name
  const char* note = "";   // a comment written above the row in IN.csv (if not empty)
};

inline std::string inputColumns(const Row& r) {
  return hexStr(r.sid) + "," + (r.ssid ? hexStr(*r.ssid) : "") + "," + hexStr(r.iova) + "," +
         std::string(1, r.dir);
}

inline std::string traceCsv(const std::vector<Row>& rows, const std::string& headerComment) {
  std::string s = headerComment.empty() ? "" : "# " + headerComment + "\n";
  s += "sid,ssid,iova,dir\n";
  for (const Row& r : rows) {
    if (*r.note) s += std::string("# ") + r.note + "\n";
    s += inputColumns(r) + "\n";
  }
  return s;
}

// The OUT.csv line the test expects for a row (OUT.csv format of traces/README.md).
inline std::string expectedLine(const Row& r, const Expectation& e) {
  const std::string in = inputColumns(r) + ",";
  switch (r.want) {
    case Want::Bypass:
      return in + "ok," + hexStr(r.iova) + ",rw,0,";
    case Want::Abort:
      return in + "abort,,,,";
    case Want::Fault:
      if (e.find(r.sid, r.ssid, r.iova))
        ADD_FAILURE() << "test bug: row " << inputColumns(r) << " expects " << r.event
                      << " but the address is mapped";
      return in + "fault,,,," + r.event;
    case Want::Mapped:
      break;
  }
  const ExpectedLeaf* l = e.find(r.sid, r.ssid, r.iova);
  if (!l) {
    ADD_FAILURE() << "test bug: row " << inputColumns(r) << " expects a mapping, none recorded";
    return in + "?";
  }
  if (r.dir == 'w' && !l->writable) return in + "fault,,,,F_PERMISSION";
  return in + "ok," + hexStr(l->pa + (r.iova - l->iova)) + (l->writable ? ",rw," : ",r,") +
         std::to_string(l->level) + ",";
}

struct ExpectedCounts {
  uint64_t ok = 0, aborted = 0, faulted = 0;
};

// Compares OUT.csv with the expectation, row by row; returns the expected counts.
inline ExpectedCounts checkOutput(const std::string& outPath, const std::vector<Row>& rows,
                                  const Expectation& e) {
  const std::vector<std::string> lines = readLines(outPath);
  ExpectedCounts c;
  EXPECT_EQ(lines.size(), rows.size() + 1) << outPath;
  if (lines.empty()) return c;
  EXPECT_EQ(lines[0], "sid,ssid,iova,dir,outcome,pa,perm,level,event");
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string want = expectedLine(rows[i], e);
    if (want.find(",ok,") != std::string::npos) {
      ++c.ok;
    } else if (want.find(",abort,") != std::string::npos) {
      ++c.aborted;
    } else {
      ++c.faulted;
    }
    if (i + 1 < lines.size()) {
      EXPECT_EQ(lines[i + 1], want) << "row " << i + 1 << (*rows[i].note ? " (" : "")
                                    << rows[i].note << (*rows[i].note ? ")" : "");
    }
  }
  return c;
}

// The text of the ReplayError runReplay throws, or "OK".
inline std::string replayError(const ReplayOptions& o) {
  try {
    runReplay(o);
    return "OK";
  } catch (const ReplayError& e) {
    return e.what();
  }
}

}  // namespace smmu::tb::replaytest
