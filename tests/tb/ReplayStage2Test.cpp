// `smmusim replay` with stage 2: a memory image and a register dump written by hand, word by word
// from the specification's layouts (no driver, no model encoder), with a stage-2-only STE
// (Config 0b110) and a nested STE (0b111) sharing one set of stage-2 tables. Every OUT.csv line
// is written out literally below, computed from the descriptors: output address, permission
// (S2AP, and AP[2] for nested: the intersection of the stages), leaf level, or the event.
// IDR0.S2P in REGS.json decides whether such STEs translate (without it they are C_BAD_STE).
//
// Permissions (Arm ARM D8.4.2.1.1 Table D8-76, S2AP[1:0]: 00 no data access, 01 RO, 10 WO,
// 11 RW; D8.4.3: stage 1 faults first, then stage 2, and the final permission is the more
// restrictive of the two): `perm` is `rw`, `r`, `w`, or `-` for a successful instruction fetch
// (a read turned into one by STE.INSTCFG) through a mapping that allows no data access.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ReplayFixture.h"

namespace smmu::tb::replaytest {
namespace {

// ---- the image -------------------------------------------------------------------------------
constexpr uint64_t kStrtab = 0x80000000;  // linear stream table, 2^4 STEs of 64 bytes
constexpr uint64_t kEvtq = 0x80100000;    // event queue, 2^5 entries of 32 bytes
constexpr uint64_t kS2L1 = 0x80200000;    // stage 2 (VMID 1): level-1 table, 39-bit IPA
constexpr uint64_t kS2L2 = 0x80201000;    //   level 2 for IPA 4 GiB .. 5 GiB
constexpr uint64_t kS2L3 = 0x80202000;    //   level 3 for IPA 0x1_0020_0000 .. +2 MiB
constexpr uint64_t kCd = 0x80300000;      // nested stream: CD and stage-1 tables, at IPA == PA
constexpr uint64_t kS1L1 = 0x80301000;    //   (stage 2 maps IPA 2-3 GiB to itself)
constexpr uint64_t kS1L2 = 0x80302000;
constexpr uint64_t kS1L3 = 0x80303000;

// SMMU_IDR0 (IHI 0070 6.3.1; SMMUV3-NOTES.md): S2P [0], S1P [1], TTF [3:2] = 0b10 (AArch64),
// COHACC [4], ASID16 [12], MSI [13], VMID16 [18], CD2L [19], STALL_MODEL [25:24] = 0b01,
// ST_LEVEL [28:27] = 0b01.
constexpr uint32_t kIdr0Common = (2u << 2) | (1u << 4) | (1u << 12) | (1u << 13) | (1u << 18) |
                                 (1u << 19) | (1u << 24) | (1u << 27);
constexpr uint32_t kS2P = 1u << 0, kS1P = 1u << 1;

// Stage-2 descriptors (VMSAv8-64): block 0b01 (levels 1, 2), page 0b11 (level 3), table 0b11;
// MemAttr [5:2] = 0xF (Normal write-back), S2AP [7:6] (bit 6 read, bit 7 write), SH [9:8] = 3,
// AF [10].
constexpr uint64_t kS2RW = 3, kS2RO = 1, kS2WO = 2, kS2None = 0;
constexpr uint64_t s2Leaf(uint64_t oa, uint64_t s2ap, bool page) {
  return oa | (page ? 3u : 1u) | (0xfu << 2) | (s2ap << 6) | (3u << 8) | (1u << 10);
}
constexpr uint64_t table(uint64_t next) { return next | 3u; }

// Stage-1 leaves: AttrIndx [4:2] = 1, AP[1] [6] = 1 (EL0 too: replayed accesses are
// unprivileged), AP[2] [7] read-only, SH [9:8] = 3, AF [10], nG [11].
constexpr uint64_t s1Leaf(uint64_t oa, bool readOnly, bool page) {
  return oa | (page ? 3u : 1u) | (1u << 2) | (1u << 6) | (readOnly ? (1u << 7) : 0) | (3u << 8) |
         (1u << 10) | (1u << 11);
}

// STE words (Linux arm-smmu-v3.h STRTAB_STE_*): d0 V [0], Config [3:1], S1ContextPtr [51:6];
// d2 S2VMID [15:0], VTCR [50:32] = S2T0SZ [5:0] 25 (39-bit IPA), S2SL0 [7:6] 1 (start at level
// 1 with 4 KB), S2IR0 [9:8] 1, S2OR0 [11:10] 1, S2SH0 [13:12] 3, S2TG [15:14] 0 (4 KB), S2PS
// [18:16] 5 (48 bits); S2AA64 [51], S2R [58]; d3 S2TTB [51:4].
constexpr uint64_t kSteD2 = 1u | (25ull << 32) | (1ull << 38) | (1ull << 40) | (1ull << 42) |
                            (3ull << 44) | (0ull << 46) | (5ull << 48) | (1ull << 51) |
                            (1ull << 58);
// CD word 0: T0SZ [5:0] 25, TG0 [7:6] 0 (4 KB), IR0 [9:8] 1, OR0 [11:10] 1, SH0 [13:12] 3, EPD1
// [30], V [31], IPS [34:32] 5 (48 bits), AA64 [41], R [45], A [46], ASID [63:48] 3. Word 1:
// TTB0 [51:4].
constexpr uint64_t kCdD0 = 25u | (1u << 8) | (1u << 10) | (3u << 12) | (1ull << 30) |
                           (1ull << 31) | (5ull << 32) | (1ull << 41) | (1ull << 45) |
                           (1ull << 46) | (3ull << 48);

void buildImage(SparseMemory& m) {
  // SID 1: stage 2 only. SID 2: nested. SID 3: stage 1 only through the same CD (the IPA is
  // then the output address).
  m.write64(kStrtab + 64 * 1, (0b110u << 1) | 1u);
  m.write64(kStrtab + 64 * 1 + 16, kSteD2);
  m.write64(kStrtab + 64 * 1 + 24, kS2L1);
  m.write64(kStrtab + 64 * 2, kCd | (0b111u << 1) | 1u);
  m.write64(kStrtab + 64 * 2 + 16, kSteD2);
  m.write64(kStrtab + 64 * 2 + 24, kS2L1);
  m.write64(kStrtab + 64 * 3, kCd | (0b101u << 1) | 1u);
  // SID 4: stream 1's STE and SID 5: stream 2's, both with INSTCFG [115:114] (word 1 [51:50])
  // = 0b11: reads are instruction fetches (writes stay data accesses).
  for (unsigned sid : {4u, 5u}) {
    const uint64_t like = sid == 4 ? 1 : 2;
    m.write64(kStrtab + 64 * sid, like == 1 ? (0b110u << 1) | 1u : kCd | (0b111u << 1) | 1u);
    m.write64(kStrtab + 64 * sid + 8, 3ull << 50);
    m.write64(kStrtab + 64 * sid + 16, kSteD2);
    m.write64(kStrtab + 64 * sid + 24, kS2L1);
  }

  // Stage 2. IPA 0 .. 1 GiB: invalid. 2 .. 3 GiB: identity (the CD and stage-1 tables).
  m.write64(kS2L1 + 8 * 2, s2Leaf(0x80000000, kS2RW, false));
  m.write64(kS2L1 + 8 * 4, table(kS2L2));
  m.write64(kS2L1 + 8 * 5, s2Leaf(0x1c0000000, kS2RW, false));  // 1 GiB block -> 7 GiB
  m.write64(kS2L2 + 8 * 0, s2Leaf(0x90000000, kS2RW, false));   // IPA 0x1_0000_0000, 2 MiB
  m.write64(kS2L2 + 8 * 1, table(kS2L3));                       // IPA 0x1_0020_0000
  m.write64(kS2L2 + 8 * 2, s2Leaf(0x90400000, kS2RO, false));   // IPA 0x1_0040_0000, 2 MiB RO
  m.write64(kS2L3 + 8 * 0, s2Leaf(0x91000000, kS2RW, true));    // IPA 0x1_0020_0000
  m.write64(kS2L3 + 8 * 1, s2Leaf(0x91005000, kS2RO, true));    // IPA 0x1_0020_1000 RO
  // kS2L3 entry 2 (IPA 0x1_0020_2000) stays invalid
  m.write64(kS2L3 + 8 * 3, s2Leaf(0x91007000, kS2RO, true));    // IPA 0x1_0020_3000 RO
  m.write64(kS2L3 + 8 * 4, s2Leaf(0x91008000, kS2WO, true));    // IPA 0x1_0020_4000 WO
  m.write64(kS2L3 + 8 * 5, s2Leaf(0x91009000, kS2None, true));  // IPA 0x1_0020_5000 none

  // Stage 1 of the nested stream (39-bit VA, levels 1-3). The table addresses are IPAs.
  m.write64(kCd, kCdD0);
  m.write64(kCd + 8, kS1L1);
  m.write64(kS1L1 + 8 * 0, table(kS1L2));                          // VA 0 .. 1 GiB
  m.write64(kS1L1 + 8 * 1, s1Leaf(0x140000000, false, false));     // VA 1 GiB -> IPA 5 GiB
  m.write64(kS1L1 + 8 * 2, table(0x5000));  // VA 2 GiB: a table at IPA 0x5000, unmapped by S2
  m.write64(kS1L2 + 8 * 8, s1Leaf(0x100000000, false, false));     // VA 16 MiB, 2 MiB block
  m.write64(kS1L2 + 8 * 9, table(kS1L3));                          // VA 18 MiB
  m.write64(kS1L3 + 8 * 0, s1Leaf(0x100201000, false, true));      // -> S2 RO page
  m.write64(kS1L3 + 8 * 1, s1Leaf(0x100200000, true, true));       // S1 RO -> S2 RW page
  m.write64(kS1L3 + 8 * 2, s1Leaf(0x100202000, false, true));      // -> IPA S2 leaves invalid
  // kS1L3 entry 3 (VA 0x120_3000) stays invalid
  m.write64(kS1L3 + 8 * 4, s1Leaf(0x140005000, false, true));      // -> inside the S2 1 GiB block
  m.write64(kS1L3 + 8 * 5, s1Leaf(0x100203000, false, true));      // -> S2 RO page
  m.write64(kS1L3 + 8 * 6, s1Leaf(0x100204000, true, true));       // S1 RO -> S2 WO page
  m.write64(kS1L3 + 8 * 7, s1Leaf(0x100204000, false, true));      // S1 RW -> S2 WO page
}

// SMMU_IDR1 (IHI 0070 6.3.2): SIDSIZE [5:0] 16, SSIDSIZE [10:6] 8, PRIQS [15:11] 7, EVENTQS
// [20:16] 7, CMDQS [25:21] 8 (the model's defaults), ATTR_PERMS_OVR [26]: STE.PRIVCFG/INSTCFG
// are implemented (without it they are RES0).
constexpr uint32_t kIdr1AttrPermsOvr =
    16u | (8u << 6) | (7u << 11) | (7u << 16) | (8u << 21) | (1u << 26);

std::string regsJson(uint32_t idr0, uint32_t idr1 = 0) {
  // STRTAB_BASE_CFG: LOG2SIZE [5:0] 4, FMT [17:16] 0 (linear). EVENTQ_BASE: LOG2SIZE [4:0] 5.
  // CR0: SMMUEN [0], EVENTQEN [2]. Without idr1 the dump has no IDR1 (the defaults).
  return "{\n  \"_comment\": \"written by hand, ReplayStage2Test\",\n"
         "  \"SMMU_IDR0\": \"" + hexStr(idr0) + "\",\n" +
         (idr1 ? "  \"SMMU_IDR1\": \"" + hexStr(idr1) + "\",\n" : std::string()) +
         "  \"SMMU_STRTAB_BASE\": \"" + hexStr(kStrtab) + "\",\n"
         "  \"SMMU_STRTAB_BASE_CFG\": \"0x4\",\n"
         "  \"SMMU_EVENTQ_BASE\": \"" + hexStr(kEvtq | 5) + "\",\n"
         "  \"SMMU_EVENTQ_PROD\": \"0x0\",\n  \"SMMU_EVENTQ_CONS\": \"0x0\",\n"
         "  \"SMMU_CR0\": \"0x5\"\n}\n";
}

// ---- the rows and what each must give ----------------------------------------------------------
struct S2Row {
  uint32_t sid;
  uint64_t iova;
  char dir;
  const char* want;  // OUT.csv columns outcome,pa,perm,level,event
  const char* note;
};

std::string input(const S2Row& r) {
  return hexStr(r.sid) + ",," + hexStr(r.iova) + "," + std::string(1, r.dir);
}

// Stream 1, stage 2 only: the input address is the IPA; perm is S2AP's; level the S2 leaf's.
const std::vector<S2Row> kStage2Only = {
    {1, 0x100012345, 'r', "ok,0x90012345,rw,2,", "2 MiB block at level 2"},
    {1, 0x1001ffff8, 'w', "ok,0x901ffff8,rw,2,", "same block, TLB hit"},
    {1, 0x100200010, 'r', "ok,0x91000010,rw,3,", "4 KiB page"},
    {1, 0x100201abc, 'r', "ok,0x91005abc,r,3,", "S2AP read-only page"},
    {1, 0x100201abc, 'w', "fault,,,,F_PERMISSION", "write to it (TLB hit)"},
    {1, 0x100203008, 'w', "fault,,,,F_PERMISSION", "write to another read-only page (walk)"},
    {1, 0x100203008, 'r', "ok,0x91007008,r,3,", "reading it is allowed"},
    {1, 0x100202000, 'r', "fault,,,,F_TRANSLATION", "invalid level-3 descriptor"},
    {1, 0x100400000, 'r', "ok,0x90400000,r,2,", "read-only 2 MiB block"},
    {1, 0x100400008, 'w', "fault,,,,F_PERMISSION", ""},
    {1, 0x140123456, 'w', "ok,0x1c0123456,rw,1,", "1 GiB block at level 1"},
    {1, 0x1000, 'r', "fault,,,,F_TRANSLATION", "IPA 0 .. 1 GiB not mapped"},
    {1, 0x8000000000, 'r', "fault,,,,F_TRANSLATION", "IPA beyond 39 bits (S2T0SZ 25)"},
};

// Stream 2, nested: perm combines AP[2] and S2AP; level is the stage-1 leaf's.
const std::vector<S2Row> kNested = {
    {2, 0x1012345, 'r', "ok,0x90012345,rw,2,", "S1 2 MiB block -> S2 2 MiB block"},
    {2, 0x11ffff0, 'w', "ok,0x901ffff0,rw,2,", ""},
    {2, 0x1200abc, 'r', "ok,0x91005abc,r,3,", "S1 RW page -> S2 read-only page"},
    {2, 0x1200abc, 'w', "fault,,,,F_PERMISSION", "stage-2 permission (TLB hit)"},
    {2, 0x1205010, 'w', "fault,,,,F_PERMISSION", "stage-2 permission (walk)"},
    {2, 0x1205010, 'r', "ok,0x91007010,r,3,", ""},
    {2, 0x1201008, 'w', "fault,,,,F_PERMISSION", "stage-1 read-only page (walk)"},
    {2, 0x1201008, 'r', "ok,0x91000008,r,3,", ""},
    {2, 0x1202000, 'r', "fault,,,,F_TRANSLATION", "stage 2 does not map the output IPA"},
    {2, 0x1203000, 'r', "fault,,,,F_TRANSLATION", "stage-1 descriptor invalid"},
    {2, 0x1204ffc, 'w', "ok,0x1c0005ffc,rw,3,", "S1 4 KiB page inside an S2 1 GiB block"},
    {2, 0x40abcdef, 'r', "ok,0x1c0abcdef,rw,1,", "S1 1 GiB block -> S2 1 GiB block"},
    {2, 0x80000000, 'r', "fault,,,,F_TRANSLATION", "S1 table at an IPA stage 2 does not map"},
    {2, 0x8000000000, 'r', "fault,,,,F_TRANSLATION", "VA beyond 39 bits (T0SZ 25)"},
};

// Stream 3, stage 1 only, the same CD and tables: the IPA is the output address.
const std::vector<S2Row> kStage1Only = {
    {3, 0x1012345, 'r', "ok,0x100012345,rw,2,", "no stage 2: the IPA"},
    {3, 0x1200abc, 'w', "ok,0x100201abc,rw,3,", "S2AP does not apply"},
};

// Effective permissions: write-only and no-access stage-2 pages, alone and under stage 1. Stage 1
// always allows a read (AP[2:1] = 0b11 / 0b01 here), and a write unless AP[2].
const std::vector<S2Row> kPermissions = {
    // Stream 1, stage 2 only.
    {1, 0x100204010, 'w', "ok,0x91008010,w,3,", "S2AP 0b10 (write-only) page: perm w"},
    {1, 0x100204010, 'r', "fault,,,,F_PERMISSION", "reading it: stage-2 permission (TLB hit)"},
    {1, 0x100204018, 'w', "ok,0x91008018,w,3,", "TLB hit"},
    {1, 0x100204020, 'w', "ok,0x91008020,w,3,", "TLB hit of the same entry (hit memo)"},
    {1, 0x100205000, 'r', "fault,,,,F_PERMISSION", "S2AP 0b00: no data access (walk)"},
    {1, 0x100205000, 'w', "fault,,,,F_PERMISSION", ""},
    // Stream 2, nested.
    {2, 0x1206000, 'r', "fault,,,,F_PERMISSION", "S1 read-only, S2 write-only: S2 refuses reads"},
    {2, 0x1206000, 'w', "fault,,,,F_PERMISSION", "and S1 refuses writes: no data access at all"},
    {2, 0x1207010, 'w', "ok,0x91008010,w,3,", "S1 read/write, S2 write-only: perm w"},
    {2, 0x1207010, 'r', "fault,,,,F_PERMISSION", "stage-2 permission (TLB hit)"},
    {2, 0x1207018, 'w', "ok,0x91008018,w,3,", "TLB hit"},
    {2, 0x1200abc, 'r', "ok,0x91005abc,r,3,", "S1 read/write, S2 read-only: perm r"},
    // Stream 4 (stage 2 only) and 5 (nested) with INSTCFG = instruction: reads are fetches,
    // decided by XN (0 here) alone at stage 2 and by UXN at stage 1 (unprivileged).
    {4, 0x100205abc, 'r', "ok,0x91009abc,-,3,", "fetch from an S2AP 0b00 page: no data access"},
    {4, 0x100205abc, 'w', "fault,,,,F_PERMISSION", "a write stays a data access"},
    {4, 0x100205ab0, 'r', "ok,0x91009ab0,-,3,", "TLB hit"},
    {4, 0x100204000, 'r', "ok,0x91008000,w,3,", "fetch from the write-only page"},
    {4, 0x100200008, 'r', "ok,0x91000008,rw,3,", "fetch from a read/write page"},
    {5, 0x1206abc, 'r', "ok,0x91008abc,-,3,", "S1 read-only over S2 write-only: none"},
    {5, 0x1207abc, 'r', "ok,0x91008abc,w,3,", "S1 read/write over S2 write-only"},
};

std::vector<S2Row> concat(std::initializer_list<const std::vector<S2Row>*> parts) {
  std::vector<S2Row> all;
  for (const auto* p : parts) all.insert(all.end(), p->begin(), p->end());
  return all;
}

// Writes the image, REGS.json with idr0 (and idr1) and IN.csv of rows; returns the replay
// options.
ReplayOptions writeFiles(const TempDir& dir, uint32_t idr0, const std::vector<S2Row>& rows,
                         uint32_t idr1 = 0) {
  SparseMemory mem;
  buildImage(mem);
  MemoryImage::save(dir / "img.bin", dir / "img.idx", mem);
  writeFile(dir / "regs.json", regsJson(idr0, idr1));
  std::string in = "# ReplayStage2Test\nsid,ssid,iova,dir\n";
  for (const S2Row& r : rows) {
    if (*r.note) in += std::string("# ") + r.note + "\n";
    in += input(r) + "\n";
  }
  writeFile(dir / "in.csv", in);
  ReplayOptions o;
  o.regsPath = dir / "regs.json";
  o.imageBin = dir / "img.bin";
  o.imageIdx = dir / "img.idx";
  o.tracePath = dir / "in.csv";
  o.outPath = dir / "out.csv";
  return o;
}

// Replays and compares OUT.csv line by line with `want` (the rows' or a replacement), and the
// summary with the counts of those lines.
void replayAndCheck(const ReplayOptions& o, const std::vector<S2Row>& rows,
                    const std::vector<std::string>& want) {
  ASSERT_EQ(rows.size(), want.size());
  ReplaySummary sum;
  ASSERT_NO_THROW(sum = runReplay(o));
  const std::vector<std::string> lines = readLines(o.outPath);
  ASSERT_EQ(lines.size(), rows.size() + 1);
  EXPECT_EQ(lines[0], "sid,ssid,iova,dir,outcome,pa,perm,level,event");
  uint64_t ok = 0, faulted = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(lines[i + 1], input(rows[i]) + "," + want[i]) << "row " << i + 1 << " ("
                                                            << rows[i].note << ")";
    (want[i].rfind("ok,", 0) == 0 ? ok : faulted)++;
  }
  EXPECT_EQ(sum.rows, rows.size());
  EXPECT_EQ(sum.ok, ok);
  EXPECT_EQ(sum.faulted, faulted);
  EXPECT_EQ(sum.aborted, 0u);
  // CD.R and STE.S2R are set: every fault is recorded (32 queue entries are enough).
  EXPECT_EQ(sum.eventsRecorded, faulted);
}

std::vector<std::string> wantOf(const std::vector<S2Row>& rows) {
  std::vector<std::string> w;
  for (const S2Row& r : rows) w.push_back(r.want);
  return w;
}

}  // namespace

TEST(ReplayStage2, StageTwoOnlyAndNestedStreamsTranslate) {
  const TempDir dir;
  const auto rows = concat({&kStage2Only, &kNested, &kStage1Only});
  const ReplayOptions o = writeFiles(dir, kIdr0Common | kS1P | kS2P, rows);
  replayAndCheck(o, rows, wantOf(rows));
}

TEST(ReplayStage2, PermIsTheEffectivePermissionOfBothStages) {
  const TempDir dir;
  const ReplayOptions o =
      writeFiles(dir, kIdr0Common | kS1P | kS2P, kPermissions, kIdr1AttrPermsOvr);
  replayAndCheck(o, kPermissions, wantOf(kPermissions));
}

TEST(ReplayStage2, AnIpaCacheGivesTheSameRows) {
  // The IPA cache (ReplayOptions::smmu) changes timing only: the same rows, in an order where
  // later rows hit entries the earlier ones filled.
  const TempDir dir;
  const auto rows = concat({&kNested, &kStage2Only, &kNested});
  ReplayOptions o = writeFiles(dir, kIdr0Common | kS1P | kS2P, rows);
  o.smmu.ipaCacheEntries = 16;
  o.smmu.ipaCacheWays = 4;
  replayAndCheck(o, rows, wantOf(rows));
}

TEST(ReplayStage2, WithoutS2pStageTwoStesAreIllegal) {
  // IDR0.S2P = 0: Config 0b110 and 0b111 are ILLEGAL (C_BAD_STE); stage 1 only still works.
  const TempDir dir;
  const auto rows = concat({&kStage2Only, &kNested, &kStage1Only});
  const ReplayOptions o = writeFiles(dir, kIdr0Common | kS1P, rows);
  std::vector<std::string> want;
  for (const S2Row& r : rows) want.push_back(r.sid == 3 ? r.want : "fault,,,,C_BAD_STE");
  replayAndCheck(o, rows, want);
}

TEST(ReplayStage2, AStageTwoOnlySmmu) {
  // IDR0.S1P = 0, S2P = 1: the stage-2-only stream translates; the nested and stage-1 STEs
  // enable stage 1, which the SMMU does not implement (C_BAD_STE).
  const TempDir dir;
  const auto rows = concat({&kStage2Only, &kNested, &kStage1Only});
  const ReplayOptions o = writeFiles(dir, kIdr0Common | kS2P, rows);
  std::vector<std::string> want;
  for (const S2Row& r : rows) want.push_back(r.sid == 1 ? r.want : "fault,,,,C_BAD_STE");
  replayAndCheck(o, rows, want);
}

}  // namespace smmu::tb::replaytest
