// `smmusim replay` (runReplay): a host agent programs an SMMU the way Linux does, the memory is
// saved as an image and the registers as REGS.json; the replay, which knows only those files,
// must produce for every row of IN.csv what the test mapped (an expectation computed from the
// map() calls and the page sizes the test chose, not from the model) or the fault it expects.
// Also: input errors (file:line and the field), RAM regions, and the committed golden sample.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "ReplayFixture.h"
#include "smmu/HandBuilt.h"

namespace smmu::tb::replaytest {
namespace {

constexpr uint64_t K4 = 0x1000, K16 = 0x4000, K64 = 0x10000, M2 = 0x200000, M32 = 0x2000000,
                   M512 = 0x20000000, G1 = 0x40000000;
constexpr Piece kPage4K{K4, 3}, kBlock2M{M2, 2}, kBlock1G{G1, 1};  // 4K granule
constexpr Piece kPage16K{K16, 3}, kBlock32M{M32, 2};                // 16K granule
constexpr Piece kPage64K{K64, 3}, kBlock512M{M512, 2};              // 64K granule

Domain& newDomain(ArmSmmuV3Driver& drv, Granule g, unsigned ias) {
  DomainOptions o;
  o.granule = g;
  o.iasBits = ias;
  return drv.createDomain(o);
}

// Saves the world's memory and registers and writes the trace; the world can go afterwards.
void saveWorld(HostWorld& w, const TempDir& dir, const std::vector<Row>& rows) {
  MemoryImage::save(dir / "img.bin", dir / "img.idx", w.mem);
  writeFile(dir / "regs.json", registerDumpJson(w.core, "taken by ReplayTest"));
  writeFile(dir / "in.csv", traceCsv(rows, "ReplayTest"));
}

ReplayOptions optionsFor(const TempDir& dir) {
  ReplayOptions o;
  o.regsPath = dir / "regs.json";
  o.imageBin = dir / "img.bin";
  o.imageIdx = dir / "img.idx";
  o.tracePath = dir / "in.csv";
  o.outPath = dir / "out.csv";
  return o;
}

void runAndCheck(const ReplayOptions& o, const std::vector<Row>& rows, const Expectation& e) {
  ReplaySummary sum;
  ASSERT_NO_THROW(sum = runReplay(o));
  const ExpectedCounts c = checkOutput(o.outPath, rows, e);
  EXPECT_EQ(sum.rows, rows.size());
  EXPECT_EQ(sum.ok, c.ok);
  EXPECT_EQ(sum.aborted, c.aborted);
  EXPECT_EQ(sum.faulted, c.faulted);
  // Linux sets CD.R, so every fault is recorded (the queues are far from full).
  EXPECT_EQ(sum.eventsRecorded, c.faulted);
}

// ---------------------------------------------------------------------------------------------
// 1. Round trips through the host agent.

TEST(ReplayRoundTrip, LinearStreamTableEveryGranulePasidBypassAbort) {
  const TempDir dir;
  Expectation e;
  std::vector<Row> rows;
  {
    DriverOptions o;
    o.sidBits = 6;  // 64 STEs: a linear table
    auto w = std::make_unique<HostWorld>(o, 0x80000000, 64ull << 20);
    ArmSmmuV3Driver& drv = w->drv;
    ASSERT_FALSE(drv.twoLevelStreamTable());

    Domain& d4 = newDomain(drv, Granule::k4K, 48);
    Domain& d16 = newDomain(drv, Granule::k16K, 48);
    Domain& d64 = newDomain(drv, Granule::k64K, 48);
    Domain& dRid = newDomain(drv, Granule::k4K, 48);    // SID 4 without SubstreamID
    Domain& dPasid = newDomain(drv, Granule::k4K, 39);  // SID 4 SSID 1: starts at level 1
    drv.attach(d4, 1);
    e.attached(d4, 1);
    drv.attach(d16, 2);
    e.attached(d16, 2);
    drv.attach(d64, 3);
    e.attached(d64, 3);
    drv.attach(dRid, 4);
    e.attached(dRid, 4);
    drv.attachPasid(dPasid, 4, 1);
    e.attached(dPasid, 4, 1);
    drv.attachPasid(d64, 4, 3);  // shared with SID 3
    e.attached(d64, 4, 3);
    drv.bypass(5);
    drv.abort(6);

    // 4K granule: pages, 2M and 1G blocks, read-only page and block, a block + page run, and a
    // 2M range whose PA is not 2M aligned (only pages fit).
    e.map(drv, d4, 0x10000, 0x90000000, {kPage4K, kPage4K, kPage4K});
    e.map(drv, d4, 0x20000, 0x91000000, {kPage4K}, false);
    e.map(drv, d4, 0x400000, 0xa0000000, {kBlock2M});
    e.map(drv, d4, 0x600000, 0xa0600000, {kBlock2M}, false);
    e.map(drv, d4, 0x800000, 0xb0000000, {kBlock2M, kPage4K});
    e.map(drv, d4, 0xc00000, 0xb1001000, std::vector<Piece>(512, kPage4K));
    e.map(drv, d4, 0x40000000, 0x140000000, {kBlock1G});
    // 16K granule
    e.map(drv, d16, 0x100000, 0x92000000, {kPage16K, kPage16K});
    e.map(drv, d16, 0x200000, 0x93000000, {kPage16K}, false);
    e.map(drv, d16, 0x4000000, 0xc2000000, {kBlock32M});
    // 64K granule
    e.map(drv, d64, 0x100000, 0x94000000, {kPage64K, kPage64K});
    e.map(drv, d64, 0x400000, 0x95000000, {kPage64K}, false);
    e.map(drv, d64, 0x20000000, 0x100000000, {kBlock512M});
    // SID 4's own domain and its PASID domain (ias 39: a 1G block at the start level)
    e.map(drv, dRid, 0x10000, 0x96000000, {kPage4K});
    e.map(drv, dPasid, 0x10000, 0x97000000, {kPage4K});
    e.map(drv, dPasid, 0x40000000, 0x180000000, {kBlock1G});

    using W = Want;
    const Ssid no;
    rows = {
        // SID 1, 4K granule
        {1, no, 0x10000, 'r'},
        {1, no, 0x12ff8, 'w'},
        {1, no, 0x12ffc, 'r', W::Mapped, "", "TLB hit"},
        {1, no, 0x13000, 'r', W::Fault, "F_TRANSLATION", "just past the pages"},
        {1, no, 0x20010, 'r'},
        {1, no, 0x20010, 'w', W::Mapped, "", "read-only page, hit in the TLB"},
        {1, no, 0x21000, 'w', W::Fault, "F_TRANSLATION"},
        {1, no, 0x4abcde, 'r'},
        {1, no, 0x5fffff, 'w'},
        {1, no, 0x600000, 'r'},
        {1, no, 0x7ffff0, 'w', W::Mapped, "", "read-only block"},
        {1, no, 0x9fffff, 'r'},
        {1, no, 0xa00abc, 'w'},
        {1, no, 0xa01000, 'r', W::Fault, "F_TRANSLATION"},
        {1, no, 0xc00000, 'r'},
        {1, no, 0xdff123, 'w'},
        {1, no, 0x7fffffff, 'w'},
        {1, no, 0x40000000, 'r'},
        {1, no, 0x1000000000000, 'r', W::Fault, "F_TRANSLATION", "beyond the 48-bit IAS"},
        {1, 1u, 0x10000, 'r', W::Fault, "C_BAD_SUBSTREAMID", "one CD: no substreams"},
        // SID 2, 16K granule
        {2, no, 0x100000, 'r'},
        {2, no, 0x107ffc, 'w'},
        {2, no, 0x108000, 'r', W::Fault, "F_TRANSLATION"},
        {2, no, 0x200000, 'r'},
        {2, no, 0x203ffc, 'w'},
        {2, no, 0x5ffffff, 'r'},
        {2, no, 0x4000000, 'w'},
        // SID 3, 64K granule
        {3, no, 0x100000, 'r'},
        {3, no, 0x11fff8, 'w'},
        {3, no, 0x120000, 'r', W::Fault, "F_TRANSLATION"},
        {3, no, 0x400000, 'r'},
        {3, no, 0x400008, 'w'},
        {3, no, 0x3fffffff, 'r'},
        {3, no, 0x20000000, 'w'},
        // SID 4: CD 0 for traffic without SSID, PASIDs 1 and 3
        {4, no, 0x10000, 'r'},
        {4, no, 0x11000, 'r', W::Fault, "F_TRANSLATION"},
        {4, 1u, 0x10000, 'w'},
        {4, 1u, 0x7fffffff, 'w'},
        {4, 1u, 0x8000000000, 'r', W::Fault, "F_TRANSLATION", "beyond the 39-bit IAS"},
        {4, 3u, 0x100000, 'r'},
        {4, 3u, 0x400000, 'w'},
        {4, 3u, 0x3fffffff, 'r'},
        {4, 2u, 0x10000, 'r', W::Fault, "C_BAD_CD", "inside the CD table, CD invalid"},
        {4, 0u, 0x10000, 'r', W::Fault, "F_STREAM_DISABLED", "SSID 0 with S1DSS = SSID0"},
        {4, 0x10u, 0x10000, 'r', W::Fault, "C_BAD_SUBSTREAMID", "beyond the 16-CD table"},
        {4, 0xfffffu, 0x10000, 'r', W::Fault, "C_BAD_SUBSTREAMID"},
        // bypass, abort, never configured, beyond the table
        {5, no, 0x12345678, 'r', W::Bypass},
        {5, no, 0xdeadbeef000, 'w', W::Bypass},
        {5, no, 0x12345678, 'w', W::Bypass, "", "TLB hit"},
        {6, no, 0x1000, 'r', W::Abort},
        {7, no, 0x1000, 'w', W::Abort, "", "never configured: Linux's abort STE"},
        {0x3f, no, 0x1000, 'r', W::Abort, "", "last STE"},
        {0x40, no, 0x1000, 'r', W::Fault, "C_BAD_STREAMID", "beyond 2^6 STEs"},
        {0xffffffff, no, 0x1000, 'r', W::Fault, "C_BAD_STREAMID"},
        {1, no, 0x10000, 'r', W::Mapped, "", "SID 1 again after the others"},
    };
    saveWorld(*w, dir, rows);
  }  // the world is gone: the replay has only the files
  runAndCheck(optionsFor(dir), rows, e);
}

TEST(ReplayRoundTrip, TwoLevelStreamTableBypassByDefault) {
  const TempDir dir;
  Expectation e;
  std::vector<Row> rows;
  {
    DriverOptions o;
    o.sidBits = 16;
    o.twoLevel = true;
    o.bypassByDefault = true;
    o.syncMethod = SyncMethod::Msi;
    auto w = std::make_unique<HostWorld>(o, 0x80000000, 64ull << 20);
    ArmSmmuV3Driver& drv = w->drv;
    ASSERT_TRUE(drv.twoLevelStreamTable());

    Domain& d4 = newDomain(drv, Granule::k4K, 48);
    Domain& d16 = newDomain(drv, Granule::k16K, 48);
    drv.attach(d4, 0x1234);
    e.attached(d4, 0x1234);
    drv.attachPasid(d16, 0x2345, 2);  // the stream was in bypass: S1DSS = bypass
    e.attached(d16, 0x2345, 2u);
    drv.abort(0xabcd);
    drv.bypass(0x3000);
    e.map(drv, d4, 0x10000, 0x90000000, {kPage4K});
    e.map(drv, d4, 0x40000000, 0x140000000, {kBlock1G});
    e.map(drv, d16, 0x100000, 0x92000000, {kPage16K});
    e.map(drv, d16, 0x2000000, 0xa2000000, {kBlock32M}, false);

    using W = Want;
    const Ssid no;
    rows = {
        {0x1234, no, 0x10000, 'r'},
        {0x1234, no, 0x10fff, 'w'},
        {0x1234, no, 0x7fffffff, 'r'},
        {0x1234, no, 0x20000, 'r', W::Fault, "F_TRANSLATION"},
        {0x1235, no, 0x20000, 'w', W::Bypass, "", "same L2 table, not configured"},
        {0x12ff, no, 0x5000, 'r', W::Bypass},
        {0x1200, no, 0x5000, 'r', W::Bypass},
        {0x5678, no, 0x1000, 'r', W::Fault, "C_BAD_STREAMID", "no L2 table for 0x56xx"},
        {0xffff, no, 0x1000, 'r', W::Fault, "C_BAD_STREAMID", "no L2 table for 0xffxx"},
        {0x10000, no, 0x1000, 'r', W::Fault, "C_BAD_STREAMID", "beyond 16 SID bits"},
        {0xabcd, no, 0x1000, 'r', W::Abort},
        {0xab00, no, 0x1000, 'r', W::Bypass},
        {0x3000, no, 0x77777000, 'w', W::Bypass},
        {0x3001, no, 0x1000, 'r', W::Bypass},
        {0x2345, no, 0x4000, 'r', W::Bypass, "", "S1DSS bypass"},
        {0x2345, 2u, 0x100000, 'r'},
        {0x2345, 2u, 0x103ffc, 'w'},
        {0x2345, 2u, 0x3ffffff, 'r'},
        {0x2345, 2u, 0x2000000, 'w', W::Mapped, "", "read-only 32M block"},
        {0x2345, 0u, 0x100000, 'r', W::Fault, "C_BAD_CD", "SSID 0 is an ordinary substream"},
        {0x2345, 0x10u, 0x100000, 'r', W::Fault, "C_BAD_SUBSTREAMID"},
        {0x1234, 1u, 0x10000, 'r', W::Fault, "C_BAD_SUBSTREAMID"},
    };
    saveWorld(*w, dir, rows);
  }
  runAndCheck(optionsFor(dir), rows, e);
}

// ---------------------------------------------------------------------------------------------
// 2. The golden sample in traces/sample/: regenerated here and compared byte for byte, so the
//    committed files stay what the host agent and the model produce. Regenerate with
//    SMMUSIM_UPDATE_GOLDEN=1 (then review the diff of out.csv).

const char* const kSampleFiles[] = {"sample.bin", "sample.idx", "regs.json", "in.csv", "out.csv"};

void buildSample(const fs::path& dir, std::vector<Row>& rows, Expectation& e) {
  DriverOptions o;
  o.sidBits = 4;   // 16 STEs
  o.cmdqLog2 = 5;  // small queues: a small image
  o.evtqLog2 = 5;
  auto w = std::make_unique<HostWorld>(o, 0x80000000, 16ull << 20);
  ArmSmmuV3Driver& drv = w->drv;
  Domain& d4 = newDomain(drv, Granule::k4K, 32);      // starts at level 1
  Domain& dPasid = newDomain(drv, Granule::k4K, 32);
  Domain& d64 = newDomain(drv, Granule::k64K, 32);    // starts at level 2
  drv.attach(d4, 1);
  e.attached(d4, 1);
  drv.attachPasid(dPasid, 2, 1);  // the stream was aborting: S1DSS = terminate
  e.attached(dPasid, 2, 1u);
  drv.attach(d64, 6);
  e.attached(d64, 6);
  drv.bypass(3);
  drv.abort(4);
  e.map(drv, d4, 0x10000000, 0x90000000, {kPage4K, kPage4K});
  e.map(drv, d4, 0x10010000, 0x90010000, {kPage4K}, false);
  e.map(drv, d4, 0x10200000, 0xa0200000, {kBlock2M});
  e.map(drv, dPasid, 0x10000000, 0x98000000, {kPage4K});
  e.map(drv, d64, 0x10000, 0x99000000, {kPage64K});
  e.map(drv, d64, 0x20000000, 0x120000000, {kBlock512M}, false);

  using W = Want;
  const Ssid no;
  rows = {
      {1, no, 0x10000000, 'r', W::Mapped, "", "SID 1: 4K granule, IAS 32"},
      {1, no, 0x10001ffc, 'w'},
      {1, no, 0x10000800, 'w', W::Mapped, "", "TLB hit"},
      {1, no, 0x10002000, 'r', W::Fault, "F_TRANSLATION"},
      {1, no, 0x10010010, 'r', W::Mapped, "", "read-only page"},
      {1, no, 0x10010010, 'w'},
      {1, no, 0x10234567, 'r', W::Mapped, "", "2M block"},
      {1, no, 0x103ffff8, 'w'},
      {1, no, 0x100000000, 'r', W::Fault, "F_TRANSLATION", "beyond the IAS"},
      {1, 1u, 0x10000000, 'r', W::Fault, "C_BAD_SUBSTREAMID", "one CD only"},
      {2, 1u, 0x10000000, 'r', W::Mapped, "", "SID 2: PASID 1"},
      {2, 1u, 0x10000ff8, 'w'},
      {2, 1u, 0x10001000, 'r', W::Fault, "F_TRANSLATION"},
      {2, no, 0x10000000, 'r', W::Fault, "F_STREAM_DISABLED", "no SSID, S1DSS = terminate"},
      {2, 5u, 0x10000000, 'r', W::Fault, "C_BAD_CD", "no CD for PASID 5"},
      {2, 0x10u, 0x10000000, 'r', W::Fault, "C_BAD_SUBSTREAMID", "beyond the CD table"},
      {6, no, 0x10000, 'r', W::Mapped, "", "SID 6: 64K granule, IAS 32"},
      {6, no, 0x1fffc, 'w'},
      {6, no, 0x20000, 'r', W::Fault, "F_TRANSLATION"},
      {6, no, 0x3ffffff0, 'r', W::Mapped, "", "read-only 512M block"},
      {6, no, 0x20000000, 'w'},
      {3, no, 0xfedcb000, 'r', W::Bypass, "", "SID 3: bypass"},
      {3, no, 0xfedcb008, 'w', W::Bypass},
      {4, no, 0x1000, 'r', W::Abort, "", "SID 4: abort"},
      {5, no, 0x1000, 'w', W::Abort, "", "SID 5: never configured"},
      {0xf, no, 0x1000, 'r', W::Abort},
      {0x10, no, 0x1000, 'r', W::Fault, "C_BAD_STREAMID", "beyond the 16 STEs"},
      {1, no, 0x10000004, 'r', W::Mapped, "", "SID 1 again"},
  };
  inDirectory(dir, [&] { MemoryImage::save("sample.bin", "sample.idx", w->mem); });
  writeFile(dir / "regs.json", registerDumpJson(w->core, "smmusim replay sample (ReplayTest)"));
  writeFile(dir / "in.csv", traceCsv(rows, "smmusim replay sample: see traces/README.md"));
}

TEST(ReplayGolden, SampleRegeneratesByteForByte) {
  const TempDir dir;
  std::vector<Row> rows;
  Expectation e;
  buildSample(dir.path(), rows, e);
  ReplayOptions o;
  o.regsPath = dir / "regs.json";
  o.imageBin = dir / "sample.bin";
  o.imageIdx = dir / "sample.idx";
  o.tracePath = dir / "in.csv";
  o.outPath = dir / "out.csv";
  runAndCheck(o, rows, e);

  const fs::path golden = sourceDir() / "traces" / "sample";
  if (std::getenv("SMMUSIM_UPDATE_GOLDEN")) {
    fs::create_directories(golden);
    for (const char* f : kSampleFiles)
      fs::copy_file(dir.path() / f, golden / f, fs::copy_options::overwrite_existing);
  }
  for (const char* f : kSampleFiles) {
    ASSERT_TRUE(fs::exists(golden / f)) << golden / f;
    EXPECT_TRUE(readFile(dir.path() / f) == readFile(golden / f))
        << f << " differs from the committed " << (golden / f)
        << "; if the change is intended, regenerate with SMMUSIM_UPDATE_GOLDEN=1";
  }
  // Small enough to commit.
  EXPECT_LE(fs::file_size(golden / "sample.bin"), 16u * 4096u);
}

// The committed sample replayed as committed (what the CLI test does, without the CLI).
TEST(ReplayGolden, CommittedSampleReplaysToCommittedOutput) {
  const TempDir dir;
  const fs::path golden = sourceDir() / "traces" / "sample";
  ReplayOptions o;
  o.regsPath = (golden / "regs.json").string();
  o.imageBin = (golden / "sample.bin").string();
  o.imageIdx = (golden / "sample.idx").string();
  o.tracePath = (golden / "in.csv").string();
  o.outPath = dir / "out.csv";
  o.ram = {{0x80000000, 16ull << 20}};  // the allocator's region is enough
  ASSERT_NO_THROW(runReplay(o));
  EXPECT_TRUE(readFile(o.outPath) == readFile(golden / "out.csv"));
}

// ---------------------------------------------------------------------------------------------
// 3. A hand-built system (tests/smmu/HandBuilt.h, encoded word by word from the specification)
//    with a REGS.json written by hand: the replay agrees with the hand encoding, and the files
//    are the base of the error tests.

constexpr uint64_t kCdOutsideRam = 0x20000000, kTtbOutsideRam = 0x21000000;

class ReplayFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    SparseMemory m;
    handbuilt::build(m);
    // STE 6: stage 1 with its CD outside RAM. STE 7: a CD whose TTB0 is outside RAM.
    m.write64(handbuilt::kStrtab + 64 * 6, kCdOutsideRam | (0b101u << 1) | 1u);
    m.write64(handbuilt::kStrtab + 64 * 7, (handbuilt::kCd + 0x80) | (0b101u << 1) | 1u);
    m.write64(handbuilt::kCd + 0x80, handbuilt::cdD0(true));
    m.write64(handbuilt::kCd + 0x88, kTtbOutsideRam);
    MemoryImage::save(dir / "img.bin", dir / "img.idx", m);
    writeFile(dir / "regs.json", kRegs);
    opt = optionsFor(dir);
  }
  // STRTAB_BASE_CFG: linear, LOG2SIZE 4. EVENTQ_BASE: LOG2SIZE 3. CMDQ_BASE: LOG2SIZE 4.
  // CR0: SMMUEN | EVENTQEN | CMDQEN. Names in the spellings the format allows.
  static constexpr const char* kRegs = R"({
  "_comment": "hand-built system of tests/smmu/HandBuilt.h",
  "SMMU_STRTAB_BASE": "0x10000000",
  "strtab_base_cfg": "0x4",
  "Smmu_EventQ_Base": "0x10100003",
  "CMDQ_BASE": "0x10200004",
  "SMMU_CR0": "0xd"
}
)";
  std::vector<std::string> out() const { return readLines(opt.outPath); }
  std::string error() const { return replayError(opt); }

  TempDir dir;
  ReplayOptions opt;
};

TEST_F(ReplayFiles, HandBuiltSystem) {
  writeFile(dir / "in.csv",
            "# comment and blank line before the header\n\n"
            "sid,ssid,iova,dir\n"
            "0x1,,0x12345abc,r\n"
            "0x1,,0x12345ABC,W\n"          // as given: upper-case hex and W
            "  0x1 , , 0x12346010 , r \r\n"  // spaces and CRLF
            "0x1,,0x12346010,w\n"
            "0x1,,0x12347000,r\n"
            "0x2,,0xabcdef123,w\n"
            "0x3,,0x1000,r\n"
            "0x4,,0x1000,r\n"
            "0x5,,0x1000,r\n"
            "0x10,,0x1000,r\n"
            "0x1,0x0,0x12345000,r\n");
  ReplaySummary s;
  ASSERT_NO_THROW(s = runReplay(opt));
  const std::vector<std::string> want = {
      "sid,ssid,iova,dir,outcome,pa,perm,level,event",
      "0x1,,0x12345abc,r,ok,0x800000abc,rw,3,",
      "0x1,,0x12345ABC,W,ok,0x800000abc,rw,3,",
      "0x1,,0x12346010,r,ok,0x800001010,r,3,",
      "0x1,,0x12346010,w,fault,,,,F_PERMISSION",
      "0x1,,0x12347000,r,fault,,,,F_TRANSLATION",
      "0x2,,0xabcdef123,w,ok,0xabcdef123,rw,0,",
      "0x3,,0x1000,r,abort,,,,",
      "0x4,,0x1000,r,fault,,,,C_BAD_STE",
      "0x5,,0x1000,r,fault,,,,C_BAD_CD",
      "0x10,,0x1000,r,fault,,,,C_BAD_STREAMID",
      "0x1,0x0,0x12345000,r,fault,,,,C_BAD_SUBSTREAMID",
  };
  EXPECT_EQ(out(), want);
  EXPECT_EQ(s.rows, 11u);
  EXPECT_EQ(s.ok, 4u);
  EXPECT_EQ(s.aborted, 1u);
  EXPECT_EQ(s.faulted, 6u);
  EXPECT_EQ(s.eventsRecorded, 6u);
}

TEST_F(ReplayFiles, EmptyTraceGivesTheHeaderOnly) {
  writeFile(dir / "in.csv", "");
  ReplaySummary s;
  ASSERT_NO_THROW(s = runReplay(opt));
  EXPECT_EQ(out(), std::vector<std::string>{"sid,ssid,iova,dir,outcome,pa,perm,level,event"});
  EXPECT_EQ(s.rows, 0u);
}

TEST_F(ReplayFiles, SmmuDisabledUsesGbpa) {
  writeFile(dir / "in.csv", "0x1,,0x12345000,w\n0x3f,,0xfff000,r\n");
  writeFile(dir / "regs.json", R"({"STRTAB_BASE": "0x10000000", "CR0": "0x0"})");
  ASSERT_EQ(error(), "OK");
  EXPECT_EQ(out()[1], "0x1,,0x12345000,w,ok,0x12345000,rw,0,");
  EXPECT_EQ(out()[2], "0x3f,,0xfff000,r,ok,0xfff000,rw,0,");
  writeFile(dir / "regs.json", R"({"CR0": "0x0", "GBPA": "0x100000"})");  // GBPA.ABORT
  ASSERT_EQ(error(), "OK");
  EXPECT_EQ(out()[1], "0x1,,0x12345000,w,abort,,,,");
  EXPECT_EQ(out()[2], "0x3f,,0xfff000,r,abort,,,,");
}

TEST_F(ReplayFiles, IdrsComeFromTheDump) {
  // IDR1.SIDSIZE [5:0] = 2: only SIDs 0..3 exist, whatever STRTAB_BASE_CFG says.
  writeFile(dir / "in.csv", "0x3,,0x1000,r\n0x4,,0x1000,r\n0x1,,0x12345000,r\n");
  const std::string base = R"("STRTAB_BASE": "0x10000000", "STRTAB_BASE_CFG": "0x4",
  "EVENTQ_BASE": "0x10100003", "CR0": "0x5")";
  writeFile(dir / "regs.json", "{" + base + R"(, "IDR1": "0x2"})");
  ASSERT_EQ(error(), "OK");
  EXPECT_EQ(out()[1], "0x3,,0x1000,r,abort,,,,");
  EXPECT_EQ(out()[2], "0x4,,0x1000,r,fault,,,,C_BAD_STREAMID");
  EXPECT_EQ(out()[3], "0x1,,0x12345000,r,ok,0x800000000,rw,3,");
  // IDR5.OAS [2:0] = 0b000 (32 bits), granules [6:4] all: the CD's IPS (48 bits) is capped to
  // the OAS, and the page at PA 0x8_0000_0000 is beyond it.
  writeFile(dir / "regs.json", "{" + base + R"(, "IDR5": "0x70"})");
  ASSERT_EQ(error(), "OK");
  EXPECT_EQ(out()[1], "0x3,,0x1000,r,abort,,,,");
  EXPECT_EQ(out()[3], "0x1,,0x12345000,r,fault,,,,F_ADDR_SIZE");
}

// --- RAM regions: a structure outside RAM is an external abort on its fetch.

TEST_F(ReplayFiles, TablesOutsideRamFaultWithFetchAborts) {
  writeFile(dir / "in.csv", "0x1,,0x12345000,r\n0x6,,0x1000,r\n0x7,,0x1000,w\n");
  opt.ram = {{0x10000000, 0x300000}};  // tables, CDs and queues; not 0x2000_0000 and up
  ReplaySummary s;
  ASSERT_NO_THROW(s = runReplay(opt));
  EXPECT_EQ(out()[1], "0x1,,0x12345000,r,ok,0x800000000,rw,3,");
  EXPECT_EQ(out()[2], "0x6,,0x1000,r,fault,,,,F_CD_FETCH");
  EXPECT_EQ(out()[3], "0x7,,0x1000,w,fault,,,,F_WALK_EABT");
  EXPECT_EQ(s.eventsRecorded, 2u);

  // Without regions all memory is RAM: the same structures read as zeros instead.
  opt.ram.clear();
  ASSERT_NO_THROW(runReplay(opt));
  EXPECT_EQ(out()[2], "0x6,,0x1000,r,fault,,,,C_BAD_CD");
  EXPECT_EQ(out()[3], "0x7,,0x1000,w,fault,,,,F_TRANSLATION");

  // The stream table outside RAM.
  opt.ram = {{0x10000000, 0x300000}};
  writeFile(dir / "regs.json", R"({"STRTAB_BASE": "0x30000000", "STRTAB_BASE_CFG": "0x4",
  "EVENTQ_BASE": "0x10100003", "CR0": "0x5"})");
  ASSERT_NO_THROW(s = runReplay(opt));
  EXPECT_EQ(out()[1], "0x1,,0x12345000,r,fault,,,,F_STE_FETCH");
  EXPECT_EQ(s.eventsRecorded, 3u);
}

TEST_F(ReplayFiles, ImagePageOutsideRamIsAnError) {
  writeFile(dir / "in.csv", "0x1,,0x12345000,r\n");
  opt.ram = {{0x10000000, 0x1000}};  // only the stream table's page
  const std::string err = error();
  EXPECT_NE(err.find(opt.imageIdx + ":"), std::string::npos) << err;
  EXPECT_NE(err.find("is not inside a declared RAM region"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(opt.outPath));
}

TEST_F(ReplayFiles, BadRamRegion) {
  writeFile(dir / "in.csv", "0x1,,0x12345000,r\n");
  opt.ram = {{0x10000000, 0x300000}, {0x40000000, 0}};
  const std::string err = error();
  EXPECT_EQ(err.rfind("--ram 0x40000000:0x0: ", 0), 0u) << err;
}

// The register dump shown in traces/README.md is accepted as it is.
TEST_F(ReplayFiles, ReadmeExampleRegisterDump) {
  const std::string readme = readFile(sourceDir() / "traces" / "README.md");
  const size_t begin = readme.find("```json\n");
  ASSERT_NE(begin, std::string::npos);
  const size_t end = readme.find("```", begin + 8);
  ASSERT_NE(end, std::string::npos);
  writeFile(dir / "regs.json", readme.substr(begin + 8, end - begin - 8));
  writeFile(dir / "in.csv", "0x1,,0x1000,r\n");
  writeFile(dir / "img.bin", "");
  writeFile(dir / "img.idx", "");
  ASSERT_EQ(error(), "OK");
  // The stream table at 0x8000_0000 is not in the (empty) image: STE 1 reads as zero.
  EXPECT_EQ(out()[1], "0x1,,0x1000,r,fault,,,,C_BAD_STE");
}

// --- REGS.json errors: file:line and the register.

TEST_F(ReplayFiles, UnknownRegisterName) {
  writeFile(dir / "regs.json", "{\n  \"SMMU_CR0\": \"0xd\",\n  \"SMMU_CR7\": \"0x1\"\n}\n");
  EXPECT_EQ(error(), opt.regsPath + ":3: unknown register 'SMMU_CR7'");
  writeFile(dir / "regs.json", "{\"SMMU_\": \"0x1\"}");
  EXPECT_EQ(error(), opt.regsPath + ":1: unknown register 'SMMU_'");
}

TEST_F(ReplayFiles, NonHexValue) {
  writeFile(dir / "regs.json", "{\n\n  \"CR1\": \"0x12g4\"\n}\n");
  EXPECT_EQ(error(), opt.regsPath + ":3: CR1: bad hex value '0x12g4'");
  writeFile(dir / "regs.json", "{\"CR1\": \"12\"}");  // the 0x prefix is required
  EXPECT_EQ(error(), opt.regsPath + ":1: CR1: bad hex value '12'");
  writeFile(dir / "regs.json", "{\"CR1\": \"0x\"}");
  EXPECT_EQ(error(), opt.regsPath + ":1: CR1: bad hex value '0x'");
  writeFile(dir / "regs.json", "{\"CR1\": \"0x10000000000000000\"}");  // 65 bits
  EXPECT_EQ(error(), opt.regsPath + ":1: CR1: bad hex value '0x10000000000000000'");
  writeFile(dir / "regs.json", "{\"_c\": 1,\n\"CR1\": 5}");
  EXPECT_EQ(error(), opt.regsPath + ":2: CR1: expected a hex string such as \"0x1f\", got 5");
}

TEST_F(ReplayFiles, ValueTooWideForA32BitRegister) {
  writeFile(dir / "regs.json", "{\n  \"SMMU_STRTAB_BASE\": \"0x4000000010000000\",\n"
                               "  \"SMMU_CR0\": \"0x100000005\"\n}\n");
  EXPECT_EQ(error(), opt.regsPath + ":3: SMMU_CR0: value 0x100000005 does not fit 32 bits");
  writeFile(dir / "regs.json", "{\"IDR1\": \"0x100000000\"}");
  EXPECT_EQ(error(), opt.regsPath + ":1: IDR1: value 0x100000000 does not fit 32 bits");
  // 64-bit registers take 64-bit values (STRTAB_BASE.RA is bit 62).
  writeFile(dir / "in.csv", "0x1,,0x12345000,r\n");
  writeFile(dir / "regs.json", "{\"STRTAB_BASE\": \"0x4000000010000000\", \"STRTAB_BASE_CFG\": "
                               "\"0x4\", \"EVENTQ_BASE\": \"0x4000000010100003\", \"CR0\": \"0x5\"}");
  ASSERT_EQ(error(), "OK");
  EXPECT_EQ(out()[1], "0x1,,0x12345000,r,ok,0x800000000,rw,3,");
}

TEST_F(ReplayFiles, RegisterGivenTwice) {
  writeFile(dir / "regs.json", "{\n  \"CR0\": \"0x1\",\n  \"smmu_cr0\": \"0x5\"\n}\n");
  EXPECT_EQ(error(),
            opt.regsPath + ":3: smmu_cr0: register given twice (also as 'CR0' at line 2)");
  writeFile(dir / "regs.json", "{\n  \"CR0\": \"0x1\",\n  \"CR0\": \"0x5\"\n}\n");
  EXPECT_EQ(error(), opt.regsPath + ":3: CR0: register given twice (also as 'CR0' at line 2)");
}

TEST_F(ReplayFiles, BadJson) {
  writeFile(dir / "regs.json", "{\n  \"CR0\": \"0x1\"\n  \"CR1\": \"0x5\"\n}\n");  // no comma
  std::string err = error();
  // nlohmann reports the end of the unexpected token; the message keeps only its reason.
  EXPECT_EQ(err, opt.regsPath + ":3:7: not valid JSON: syntax error while parsing object - "
                                "unexpected string literal; expected '}'");
  writeFile(dir / "regs.json", "{\"CR0\": \"0x1\",");  // truncated
  err = error();
  EXPECT_EQ(err.rfind(opt.regsPath + ":1:", 0), 0u) << err;
  EXPECT_NE(err.find("not valid JSON"), std::string::npos) << err;
  writeFile(dir / "regs.json", "[\"CR0\", \"0x1\"]");
  EXPECT_EQ(error(), opt.regsPath + ": expected a JSON object of register names");
  EXPECT_FALSE(fs::exists(opt.outPath));
}

// --- missing and broken files

TEST_F(ReplayFiles, MissingFiles) {
  writeFile(dir / "in.csv", "0x1,,0x1000,r\n");
  const ReplayOptions good = opt;
  auto errorWith = [&](std::string ReplayOptions::*field, const std::string& value) {
    opt = good;
    opt.*field = value;
    return error();
  };
  const std::string none = dir / "none";
  EXPECT_EQ(errorWith(&ReplayOptions::regsPath, none), none + ": cannot open register dump");
  EXPECT_EQ(errorWith(&ReplayOptions::tracePath, none), none + ": cannot open trace");
  std::string err = errorWith(&ReplayOptions::imageBin, none);
  EXPECT_EQ(err.rfind(none + ": cannot open", 0), 0u) << err;
  err = errorWith(&ReplayOptions::imageIdx, none);
  EXPECT_EQ(err.rfind(none + ": cannot open", 0), 0u) << err;
  const std::string noDir = dir / "no/such/dir/out.csv";
  EXPECT_EQ(errorWith(&ReplayOptions::outPath, noDir), noDir + ": cannot create output");
}

TEST_F(ReplayFiles, TruncatedImage) {
  writeFile(dir / "in.csv", "0x1,,0x1000,r\n");
  // An index line pointing at the end of the .bin (one page short) is an error.
  std::string idx = readFile(opt.imageIdx);
  idx += "0x40000000 " + hexStr(fs::file_size(opt.imageBin)) + "\n";
  writeFile(opt.imageIdx, idx);
  const unsigned line = unsigned(readLines(opt.imageIdx).size());
  const std::string err = error();
  EXPECT_EQ(err.rfind(opt.imageIdx + ":" + std::to_string(line) + ": ", 0), 0u) << err;
  EXPECT_NE(err.find("truncated image"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(opt.outPath));
}

// --- IN.csv errors: file:line and the field; the rows before are in OUT.csv.

TEST_F(ReplayFiles, BadTraceRowsKeepEarlierRows) {
  const std::string before =
      "sid,ssid,iova,dir\n"
      "0x1,,0x12345000,r\n"
      "# comment\n"
      "\n"
      "0x2,,0x1000,w\n";
  const std::vector<std::string> earlier = {
      "sid,ssid,iova,dir,outcome,pa,perm,level,event",
      "0x1,,0x12345000,r,ok,0x800000000,rw,3,",
      "0x2,,0x1000,w,ok,0x1000,rw,0,",
  };
  struct Case {
    const char* row;
    const char* message;
  };
  const Case cases[] = {
      {"0x1,,0x12345000", "expected 4 columns sid,ssid,iova,dir, found 3"},
      {"0x1,,0x12345000,r,0", "expected 4 columns sid,ssid,iova,dir, found 5"},
      {"0x1g,,0x1000,r", "bad sid '0x1g'"},
      {"1,,0x1000,r", "bad sid '1'"},
      {"0x100000000,,0x1000,r", "bad sid '0x100000000'"},
      {"0x1,zz,0x1000,r", "bad ssid 'zz'"},
      {"0x1,0x100000,0x1000,r", "bad ssid '0x100000'"},  // SubstreamIDs have 20 bits
      {"0x1,,0x12z45000,r", "bad iova '0x12z45000'"},
      {"0x1,,,r", "bad iova ''"},
      {"0x1,,0x1000,x", "bad dir 'x' (expected r or w)"},
      {"0x1,,0x1000,", "bad dir '' (expected r or w)"},
      {"0x1,,0x1000,rw", "bad dir 'rw' (expected r or w)"},
      {"sid,ssid,iova,dir", "bad sid 'sid'"},  // a header after the first row
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.row);
    writeFile(dir / "in.csv", before + c.row + "\n0x1,,0x12345000,r\n");
    fs::remove(opt.outPath);
    EXPECT_EQ(error(), opt.tracePath + ":6: " + c.message);
    EXPECT_EQ(out(), earlier);
  }
}

// Register names: the specification's, with or without SMMU_, any case; offsets from the
// specification's register map.
TEST(ReplayRegisters, NamesMapToTheSpecificationOffsets) {
  for (const DumpReg& r : dumpRegisters()) {
    uint32_t off = ~0u;
    bool is64 = false;
    const std::string name = r.name;
    ASSERT_TRUE(registerOffset(name, off, is64)) << name;
    EXPECT_EQ(off, r.offset) << name;
    EXPECT_EQ(is64, r.size == 8) << name;
    std::string lower;
    for (char ch : name.substr(5)) lower += char(std::tolower(static_cast<unsigned char>(ch)));
    ASSERT_TRUE(registerOffset(lower, off, is64)) << lower;
    EXPECT_EQ(off, r.offset) << lower;
  }
  struct Extra {
    const char* name;
    uint32_t offset;
    bool is64;
  };
  const Extra extra[] = {
      {"IIDR", 0x18, false},           {"AIDR", 0x1c, false},
      {"CR0ACK", 0x24, false},         {"STATUSR", 0x40, false},
      {"AGBPA", 0x48, false},          {"IRQ_CTRLACK", 0x54, false},
      {"GERROR_IRQ_CFG0", 0x68, true}, {"GERROR_IRQ_CFG1", 0x70, false},
      {"GERROR_IRQ_CFG2", 0x74, false}, {"EVENTQ_IRQ_CFG0", 0xb0, true},
      {"EVENTQ_IRQ_CFG1", 0xb8, false}, {"EVENTQ_IRQ_CFG2", 0xbc, false},
      {"PRIQ_BASE", 0xc0, true},       {"PRIQ_PROD", 0x100c8, false},
      {"PRIQ_CONS", 0x100cc, false},   {"PRIQ_IRQ_CFG0", 0xd0, true},
      {"PRIQ_IRQ_CFG1", 0xd8, false},  {"PRIQ_IRQ_CFG2", 0xdc, false},
  };
  for (const Extra& x : extra) {
    uint32_t off = ~0u;
    bool is64 = !x.is64;
    ASSERT_TRUE(registerOffset(std::string("smmu_") + x.name, off, is64)) << x.name;
    EXPECT_EQ(off, x.offset) << x.name;
    EXPECT_EQ(is64, x.is64) << x.name;
  }
  uint32_t off = 0;
  bool is64 = false;
  for (const char* bad : {"", "SMMU_", "CR3", "SMMU_SMMU_CR0", "CR0 ", "S_CR0", "IDR6"})
    EXPECT_FALSE(registerOffset(bad, off, is64)) << "'" << bad << "'";
}

}  // namespace
}  // namespace smmu::tb::replaytest
