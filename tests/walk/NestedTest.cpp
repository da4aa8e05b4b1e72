// Nested (stage 1 + stage 2) walks over hand-built tables: read counts (4 + 5 x 4 = 24 for 4x4
// levels), page size and permission intersection, stage-2 faults on a stage-1 table fetch
// (CLASS_TT, IPA = the descriptor IPA) and on the output IPA (CLASS_IN), stage-1 faults in a
// nested walk, a custom S2Translator, and CD fetches through stage 2.
//
// Layout (4 KB granules everywhere):
//   stage 2 (PAs): L0 0x80000000 -> L1 0x80001000 -> L2 0x80002000 -> L3A 0x80003000 (L2[0]),
//                  L3B 0x80004000 (L2[1]).
//     L3A[i] maps IPA 0x40000000 + i * 4K -> PA 0x90000000 + i * 4K (the stage-1 tables),
//     L3B[5] maps IPA 0x40205000 -> PA 0xA0000000 (the stage-1 output page).
//   stage 1 (IPAs): TTB0 0x40000000; VA 0x0000008080604567 = L0 1, L1 2, L2 3, L3 4, 0x567:
//     L0[1] @ IPA 0x40000008 -> 0x40001000, L1[2] @ 0x40001010 -> 0x40002000,
//     L2[3] @ 0x40002018 -> 0x40003000, L3[4] @ 0x40003020 -> page IPA 0x40205000.
//   So the output is IPA 0x40205567 -> PA 0xA0000567.
#include <gtest/gtest.h>

#include <vector>

#include "FakeMem.h"
#include "Printers.h"
#include "arch/ContextDescriptor.h"
#include "arch/Ste.h"
#include "walk/ConfigFetch.h"
#include "walk/NestedWalker.h"

namespace smmu {
namespace {

using test::FakeMem;

constexpr uint64_t kTable = 0x3, kPage = 0x3, kBlock = 0x1;
constexpr uint64_t kAF = 1ull << 10;
// Stage 1: AP[1] (EL0 access), AP[2] (read-only), UXN.
constexpr uint64_t kApEl0 = 1ull << 6, kApRo = 1ull << 7, kUxn = 1ull << 54;
// Stage 2: S2AP read / write, MemAttr Normal WB, XN = 0b10.
constexpr uint64_t kS2R = 1ull << 6, kS2W = 1ull << 7, kNormal = 0xfull << 2;
constexpr uint64_t kS2Xn = 2ull << 53;
constexpr uint64_t kS2Leaf = kAF | kS2R | kS2W | kNormal;

constexpr uint64_t kVa = 0x0000008080604567ull;
constexpr uint64_t kOutIpa = 0x40205567;

const AccessAttrs kRead{};
const AccessAttrs kWrite{true, false, false};
const AccessAttrs kExec{false, false, true};

class Nested : public ::testing::Test {
 protected:
  static constexpr PhysAddr kS2L0 = 0x80000000, kS2L1 = 0x80001000, kS2L2 = 0x80002000,
                            kS2L3A = 0x80003000, kS2L3B = 0x80004000;
  Nested() {
    // Stage 2: 48-bit IPA from level 0.
    s2.granule = Granule::k4K;
    s2.tsz = 16;
    s2.startLevel = 0;
    s2.ttb = kS2L0;
    s2.psBits = 48;
    mem.set64(kS2L0 + 0 * 8, kS2L1 | kTable);
    mem.set64(kS2L1 + 1 * 8, kS2L2 | kTable);   // IPA [38:30] = 1
    mem.set64(kS2L2 + 0 * 8, kS2L3A | kTable);  // IPA 0x40000000-0x401FFFFF
    mem.set64(kS2L2 + 1 * 8, kS2L3B | kTable);  // IPA 0x40200000-0x403FFFFF
    for (uint64_t i = 0; i < 4; ++i) mem.set64(kS2L3A + i * 8, (0x90000000 + i * 0x1000) | kS2Leaf | kPage);
    mem.set64(kS2L3B + 5 * 8, 0xA0000000 | kS2Leaf | kPage);

    // Stage 1: 48-bit VA, TTB0 an IPA; tables at PA 0x90000000-0x90003FFF.
    s1.granule[0] = Granule::k4K;
    s1.tsz[0] = 16;
    s1.ttb[0] = 0x40000000;
    s1.epd[1] = true;
    s1.oasBits = 48;
    mem.set64(0x90000008, 0x40001000 | kTable);  // L0[1]
    mem.set64(0x90001010, 0x40002000 | kTable);  // L1[2]
    mem.set64(0x90002018, 0x40003000 | kTable);  // L2[3]
    mem.set64(0x90003020, 0x40205000 | kAF | kApEl0 | kPage);  // L3[4]
  }
  WalkResult walk(const AccessAttrs& acc = kRead, uint64_t va = kVa) {
    return walkNested(s1, s2, va, acc, mem);
  }
  void expectOk(const WalkResult& r) {
    EXPECT_EQ(r.fault, EventId::None) << eventName(r.fault) << " s2 " << r.s2 << " at level "
                                      << int(r.level);
  }
  FakeMem mem;
  S1WalkConfig s1;
  S2WalkConfig s2;
  const Tick lat = 7 * kPsPerNs;
};

TEST_F(Nested, FourByFourLevelsTake24Reads) {
  const WalkResult r = walk();
  expectOk(r);
  EXPECT_EQ(r.pa, 0xA0000567u);
  EXPECT_EQ(r.paBase, 0xA0000000u);
  EXPECT_EQ(r.vaBase, 0x0000008080604000ull);
  EXPECT_EQ(r.pageShift, 12);
  EXPECT_EQ(r.ipa, kOutIpa);
  EXPECT_EQ(r.level, 3);                // the stage-1 leaf
  EXPECT_EQ(r.descAddr, 0x90003020u);   // its PA
  EXPECT_EQ(r.reads, 24u);              // 4 stage-1 + 5 stage-2 walks x 4
  EXPECT_EQ(mem.reads, 24u);
  EXPECT_EQ(r.latency, 24 * lat);
  EXPECT_EQ(r.writes, 0u);
  EXPECT_FALSE(r.s2);
  EXPECT_TRUE(r.attrs.el0);
  EXPECT_TRUE(r.attrs.s2Read);
  EXPECT_TRUE(r.attrs.s2Write);
}

TEST_F(Nested, HadAppliesToTheStageOneWalk) {
  // APTable[1] (bit 62) on the stage-1 L0[1] table descriptor: the writable leaf is read-only
  // unless S1WalkConfig::had[0] (CD.HAD0 with SMMU_IDR3.HAD) makes the bit IGNORED.
  mem.set64(0x90000008, 0x40001000 | kTable | (1ull << 62));
  WalkResult r = walk(kWrite);
  EXPECT_EQ(r.fault, EventId::F_PERMISSION);
  EXPECT_FALSE(r.s2);
  s1.had[0] = true;
  r = walk(kWrite);
  expectOk(r);
  EXPECT_EQ(r.pa, 0xA0000567u);
  EXPECT_FALSE(r.attrs.readOnly);
}

TEST_F(Nested, ThreeLevelStage2Takes19Reads) {
  // The same stage-2 tables from level 1: 39-bit IPA, TTB = the L1 table.
  s2.tsz = 25;
  s2.startLevel = 1;
  s2.ttb = kS2L1;
  const WalkResult r = walk();
  expectOk(r);
  EXPECT_EQ(r.pa, 0xA0000567u);
  EXPECT_EQ(r.reads, 19u);  // 4 + 5 x 3
  EXPECT_EQ(mem.reads, 19u);
}

TEST_F(Nested, TwoLevelStage1OverFourLevelStage2Takes14Reads) {
  // Stage 1 from level 2 (30-bit VA): its table at IPA 0x40002000. VA 0x604567: L2 3, L3 4.
  s1.tsz[0] = 34;
  s1.ttb[0] = 0x40002000;
  const WalkResult r = walk(kRead, 0x604567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0xA0000567u);
  EXPECT_EQ(r.vaBase, 0x604000u);
  EXPECT_EQ(r.reads, 14u);  // 2 + 3 x 4
}

TEST_F(Nested, PageSizeIsTheSmallerOfTheTwoStages) {
  // Stage-1 2 MB block over stage-2 4 KB pages: IPA 0x40200000 | VA[20:0] = 0x40204567.
  mem.set64(0x90002018, 0x40200000 | kAF | kApEl0 | kBlock);
  mem.set64(kS2L3B + 4 * 8, 0xA0001000 | kS2Leaf | kPage);
  WalkResult r = walk();
  expectOk(r);
  EXPECT_EQ(r.ipa, 0x40204567u);
  EXPECT_EQ(r.pa, 0xA0001567u);
  EXPECT_EQ(r.pageShift, 12);
  EXPECT_EQ(r.vaBase, 0x0000008080604000ull);
  EXPECT_EQ(r.paBase, 0xA0001000u);
  EXPECT_EQ(r.level, 2);
  EXPECT_EQ(r.reads, 19u);  // 3 + 4 x 4

  // Stage-1 4 KB page over a stage-2 2 MB block (L2[1] of stage 2).
  mem.set64(0x90002018, 0x40003000 | kTable);
  mem.set64(kS2L2 + 1 * 8, 0xA0000000 | kS2Leaf | kBlock);
  r = walk();
  expectOk(r);
  EXPECT_EQ(r.pa, 0xA0005567u);  // 0xA0000000 | IPA[20:0] (0x005567)
  EXPECT_EQ(r.pageShift, 12);
  EXPECT_EQ(r.paBase, 0xA0005000u);
  EXPECT_EQ(r.reads, 23u);  // 4 + 4 x 4 + 3

  // Stage-1 1 GB block (L1[2] -> IPA 0x40000000) over a stage-2 2 MB block: IPA 0x40604567,
  // stage-2 L2[3] maps 0x40600000 -> 0xB0000000. The VA base keeps VA[29:21].
  mem.set64(0x90001010, 0x40000000 | kAF | kApEl0 | kBlock);
  mem.set64(kS2L2 + 3 * 8, 0xB0000000 | kS2Leaf | kBlock);
  r = walk();
  expectOk(r);
  EXPECT_EQ(r.ipa, 0x40604567u);
  EXPECT_EQ(r.pa, 0xB0004567u);
  EXPECT_EQ(r.pageShift, 21);
  EXPECT_EQ(r.vaBase, 0x0000008080600000ull);
  EXPECT_EQ(r.paBase, 0xB0000000u);
  EXPECT_EQ(r.level, 1);
  EXPECT_EQ(r.reads, 13u);  // 2 + 2 x 4 + 3

  // Stage-1 2 MB block over a stage-2 1 GB block: IPA 0x80004567 (stage-2 L1[2]).
  mem.set64(0x90001010, 0x40002000 | kTable);
  mem.set64(0x90002018, 0x80000000 | kAF | kApEl0 | kBlock);
  mem.set64(kS2L1 + 2 * 8, 0x100000000 | kS2Leaf | kBlock);
  r = walk();
  expectOk(r);
  EXPECT_EQ(r.pa, 0x100004567u);
  EXPECT_EQ(r.pageShift, 21);
  EXPECT_EQ(r.vaBase, 0x0000008080600000ull);
  EXPECT_EQ(r.paBase, 0x100000000u);
  EXPECT_EQ(r.reads, 17u);  // 3 + 3 x 4 + 2
}

TEST_F(Nested, Stage2FaultOnAStage1TableFetch) {
  mem.set64(kS2L3A + 2 * 8, 0);  // the page of the stage-1 L2 table is unmapped
  const WalkResult r = walk();
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_TRUE(r.s2);
  EXPECT_EQ(r.cls, evt::CLASS_TT);
  EXPECT_EQ(r.ipa, 0x40002018u);  // the stage-1 L2 descriptor's IPA
  EXPECT_TRUE(r.ttrnw);
  EXPECT_EQ(r.level, 3);  // stage-2 level 3
  EXPECT_EQ(r.descAddr, kS2L3A + 2 * 8);
  EXPECT_EQ(r.reads, 14u);  // (4 + 1) + (4 + 1) + 4
  EXPECT_EQ(mem.reads, 14u);
}

TEST_F(Nested, Stage2FaultOnTheOutputIpa) {
  mem.set64(kS2L3B + 5 * 8, 0);
  const WalkResult r = walk();
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_TRUE(r.s2);
  EXPECT_EQ(r.cls, evt::CLASS_IN);
  EXPECT_EQ(r.ipa, kOutIpa);
  EXPECT_EQ(r.descAddr, kS2L3B + 5 * 8);
  EXPECT_EQ(r.reads, 24u);
}

TEST_F(Nested, OutputIpaBeyondTheStage2InputSize) {
  s2.tsz = 25;  // 39-bit IPA from level 1
  s2.startLevel = 1;
  s2.ttb = kS2L1;
  mem.set64(0x90003020, 0x8000000000 | kAF | kApEl0 | kPage);  // IPA bit 39
  const WalkResult r = walk();
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_TRUE(r.s2);
  EXPECT_EQ(r.cls, evt::CLASS_IN);
  EXPECT_EQ(r.ipa, 0x8000000567u);
  EXPECT_EQ(r.reads, 16u);  // 4 + 4 x 3, nothing for the output
}

TEST_F(Nested, Stage2PermissionFaultOnATableFetch) {
  mem.set64(kS2L3A + 1 * 8, 0x90001000 | kAF | kS2W | kNormal | kPage);  // write-only
  const WalkResult r = walk();
  EXPECT_EQ(r.fault, EventId::F_PERMISSION);
  EXPECT_TRUE(r.s2);
  EXPECT_EQ(r.cls, evt::CLASS_TT);
  EXPECT_TRUE(r.ttrnw);
  EXPECT_EQ(r.ipa, 0x40001010u);
  EXPECT_EQ(r.reads, 9u);  // (4 + 1) + 4
}

TEST_F(Nested, Stage2ExternalAbortDuringATableFetch) {
  mem.addHole(kS2L2, 0x1000);
  const WalkResult r = walk();
  EXPECT_EQ(r.fault, EventId::F_WALK_EABT);
  EXPECT_TRUE(r.s2);
  EXPECT_EQ(r.cls, evt::CLASS_TT);
  EXPECT_EQ(r.ipa, 0x40000008u);
  EXPECT_EQ(r.descAddr, kS2L2);  // FetchAddr: the stage-2 descriptor
  EXPECT_EQ(r.reads, 3u);
}

TEST_F(Nested, Stage1ExternalAbortAtTheTranslatedAddress) {
  mem.set64(kS2L3A + 2 * 8, 0xF0000000 | kS2Leaf | kPage);  // stage-1 L2 table -> no memory
  mem.addHole(0xF0000000, 0x1000);
  const WalkResult r = walk();
  EXPECT_EQ(r.fault, EventId::F_WALK_EABT);
  EXPECT_FALSE(r.s2);
  EXPECT_EQ(r.cls, evt::CLASS_TT);
  EXPECT_EQ(r.descAddr, 0xF0000018u);  // the PA of the stage-1 descriptor
  EXPECT_EQ(r.level, 2);
  EXPECT_EQ(r.reads, 15u);  // (4 + 1) x 3
}

TEST_F(Nested, Stage1FaultsComeBeforeTheOutputIsTranslated) {
  mem.set64(0x90003020, 0);
  WalkResult r = walk();
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_FALSE(r.s2);
  EXPECT_EQ(r.cls, evt::CLASS_IN);
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.reads, 20u);  // 4 + 4 x 4
  // Stage-1 read-only page, write: a stage-1 permission fault even though stage 2 would refuse
  // the write too.
  mem.set64(0x90003020, 0x40205000 | kAF | kApEl0 | kApRo | kPage);
  mem.set64(kS2L3B + 5 * 8, 0xA0000000 | kAF | kS2R | kNormal | kPage);
  r = walk(kWrite);
  EXPECT_EQ(r.fault, EventId::F_PERMISSION);
  EXPECT_FALSE(r.s2);
  EXPECT_EQ(r.reads, 20u);
}

TEST_F(Nested, PermissionsAreTheIntersection) {
  // Stage 1 RW for EL0; stage 2 read-only and execute-never.
  mem.set64(kS2L3B + 5 * 8, 0xA0000000 | kAF | kS2R | kNormal | kS2Xn | kPage);
  WalkResult r = walk(kRead);
  expectOk(r);
  EXPECT_FALSE(r.attrs.readOnly);
  EXPECT_TRUE(r.attrs.s2Read);
  EXPECT_FALSE(r.attrs.s2Write);
  EXPECT_EQ(r.attrs.s2xn, 2);
  bool stage2 = false;
  EXPECT_EQ(checkNestedPermission(r.attrs, s1, s2, kRead, &stage2), EventId::None);
  EXPECT_EQ(checkNestedPermission(r.attrs, s1, s2, kWrite, &stage2), EventId::F_PERMISSION);
  EXPECT_TRUE(stage2);
  EXPECT_EQ(checkNestedPermission(r.attrs, s1, s2, kExec, &stage2), EventId::F_PERMISSION);
  EXPECT_TRUE(stage2);

  r = walk(kWrite);
  EXPECT_EQ(r.fault, EventId::F_PERMISSION);
  EXPECT_TRUE(r.s2);
  EXPECT_EQ(r.cls, evt::CLASS_IN);
  EXPECT_EQ(r.ipa, kOutIpa);
  r = walk(kExec);
  EXPECT_EQ(r.fault, EventId::F_PERMISSION);
  EXPECT_TRUE(r.s2);

  // Stage 1 read-only and UXN, stage 2 RW and executable: stage 1 refuses.
  mem.set64(0x90003020, 0x40205000 | kAF | kApEl0 | kApRo | kUxn | kPage);
  mem.set64(kS2L3B + 5 * 8, 0xA0000000 | kS2Leaf | kPage);
  r = walk(kRead);
  expectOk(r);
  EXPECT_TRUE(r.attrs.readOnly);
  EXPECT_TRUE(r.attrs.s2Write);
  EXPECT_EQ(checkNestedPermission(r.attrs, s1, s2, kWrite, &stage2), EventId::F_PERMISSION);
  EXPECT_FALSE(stage2);
  EXPECT_EQ(checkNestedPermission(r.attrs, s1, s2, kExec, &stage2), EventId::F_PERMISSION);
  EXPECT_FALSE(stage2);
  r = walk(kWrite);
  EXPECT_EQ(r.fault, EventId::F_PERMISSION);
  EXPECT_FALSE(r.s2);
}

TEST_F(Nested, Stage1AccessFlagUpdateIsTranslatedAsAWrite) {
  s1.ha = true;
  mem.set64(0x90003020, 0x40205000 | kApEl0 | kPage);  // AF = 0
  WalkResult r = walk();
  expectOk(r);
  EXPECT_EQ(r.writes, 1u);
  EXPECT_EQ(mem.get64(0x90003020), 0x40205000 | kApEl0 | kPage | kAF);
  EXPECT_EQ(r.reads, 28u);  // 24 + a stage-2 walk for the descriptor write
  EXPECT_EQ(r.latency, 29 * lat);

  // The stage-1 L3 table page is read-only at stage 2: the AF write faults with TTRnW = 0.
  mem.set64(0x90003020, 0x40205000 | kApEl0 | kPage);
  mem.set64(kS2L3A + 3 * 8, 0x90003000 | kAF | kS2R | kNormal | kPage);
  r = walk();
  EXPECT_EQ(r.fault, EventId::F_PERMISSION);
  EXPECT_TRUE(r.s2);
  EXPECT_EQ(r.cls, evt::CLASS_TT);
  EXPECT_FALSE(r.ttrnw);
  EXPECT_EQ(r.ipa, 0x40003020u);
  EXPECT_EQ(r.reads, 24u);  // 20 + 4 for the write's translation
  EXPECT_EQ(r.writes, 0u);
  EXPECT_EQ(mem.get64(0x90003020) & kAF, 0u);
}

TEST_F(Nested, ProtectedTableWalk) {
  mem.set64(kS2L3A + 0 * 8, 0x90000000 | kAF | kS2R | kS2W | (0x1ull << 2) | kPage);  // Device
  EXPECT_EQ(walk().fault, EventId::None);
  s2.ptw = true;
  const WalkResult r = walk();
  EXPECT_EQ(r.fault, EventId::F_PERMISSION);
  EXPECT_TRUE(r.s2);
  EXPECT_EQ(r.cls, evt::CLASS_TT);
  EXPECT_EQ(r.ipa, 0x40000008u);
  EXPECT_EQ(r.reads, 4u);
}

// A stand-in for an IPA cache: maps IPA -> IPA + 0x50000000 without reading memory and records
// every call.
class OffsetTranslator : public S2Translator {
 public:
  struct Call {
    uint64_t ipa;
    AccessAttrs acc;
    uint8_t cls;
  };
  WalkResult translate(uint64_t ipa, const AccessAttrs& acc, uint8_t cls) override {
    calls.push_back({ipa, acc, cls});
    WalkResult r;
    r.pa = ipa + 0x50000000;
    r.pageShift = 12;
    r.vaBase = ipa & ~0xfffull;
    r.paBase = r.pa & ~0xfffull;
    r.latency = 1;
    return r;
  }
  std::vector<Call> calls;
};

TEST_F(Nested, CustomTranslatorIsAskedForEveryIpa) {
  OffsetTranslator t;
  const WalkResult r = walkNested(s1, kVa, kExec, mem, t);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x90205567u);
  EXPECT_EQ(r.reads, 4u);  // stage 1 only: the translator read nothing
  EXPECT_EQ(r.latency, 4 * lat + 5);
  ASSERT_EQ(t.calls.size(), 5u);
  const uint64_t ipas[5] = {0x40000008, 0x40001010, 0x40002018, 0x40003020, kOutIpa};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(t.calls[i].ipa, ipas[i]) << i;
    EXPECT_EQ(t.calls[i].cls, i < 4 ? evt::CLASS_TT : evt::CLASS_IN) << i;
    EXPECT_EQ(t.calls[i].acc.instr, i == 4) << i;  // table reads are data reads
    EXPECT_FALSE(t.calls[i].acc.write) << i;
  }
}

// ---------------------------------------------------------------- CD fetch through stage 2

TEST_F(Nested, CdFetchThroughStage2) {
  // The CD at IPA 0x40006000 (stage-2 L3A[6] -> PA 0x90006000). CD d0: T0SZ 16, TG0 4K, EPD1,
  // V, IPS 48 bits, AA64, ASID 7; d1: TTB0 = IPA 0x40000000.
  mem.set64(kS2L3A + 6 * 8, 0x90006000 | kS2Leaf | kPage);
  const uint64_t cdWords[8] = {16u | (1ull << 30) | (1ull << 31) | (5ull << 32) | (1ull << 41) |
                                   (7ull << 48),
                               0x40000000, 0, 0, 0, 0, 0, 0};
  mem.setWords(0x90006000, cdWords, 8);
  Ste ste;
  ste.valid = true;
  ste.config = ste::CFG_NESTED;
  ste.s1ContextPtr = 0x40006000;
  SmmuFeatures f;
  f.s2p = true;
  S2WalkTranslator t(s2, mem);
  ContextDescriptor cd;
  FetchResult fr = fetchCd(ste, 0, false, f, mem, cd, &t);
  EXPECT_EQ(fr.fault, EventId::None);
  EXPECT_EQ(fr.reads, 5u);  // a 4-level stage-2 walk + the CD
  EXPECT_EQ(fr.latency, 5 * lat);
  EXPECT_TRUE(cd.valid);
  EXPECT_EQ(cd.asid, 7);
  EXPECT_EQ(cd.ttb0, 0x40000000u);

  // The CD's walk then runs nested.
  S1WalkConfig wc;
  ASSERT_TRUE(S1WalkConfig::fromCd(cd, f, wc));
  const WalkResult r = walkNested(wc, s2, kVa, kRead, mem);
  expectOk(r);
  EXPECT_EQ(r.pa, 0xA0000567u);

  // A stage-2 fault on the CD fetch: CLASS_CD with the CD's IPA.
  const WalkResult direct = translateS2ForCd(s2, 0x40007000, mem);
  EXPECT_EQ(direct.fault, EventId::F_TRANSLATION);
  EXPECT_TRUE(direct.s2);
  EXPECT_EQ(direct.cls, evt::CLASS_CD);
  EXPECT_EQ(direct.ipa, 0x40007000u);
  mem.set64(kS2L3A + 6 * 8, 0);
  fr = fetchCd(ste, 0, false, f, mem, cd, &t);
  EXPECT_EQ(fr.fault, EventId::F_TRANSLATION);
  EXPECT_TRUE(fr.s2);
  EXPECT_EQ(fr.ipa, 0x40006000u);
  EXPECT_EQ(fr.reads, 4u);
  // An external abort in the stage-2 walk: FetchAddr is the stage-2 descriptor.
  mem.addHole(kS2L3A, 0x1000);
  fr = fetchCd(ste, 0, false, f, mem, cd, &t);
  EXPECT_EQ(fr.fault, EventId::F_WALK_EABT);
  EXPECT_TRUE(fr.s2);
  EXPECT_EQ(fr.faultAddr, kS2L3A + 6 * 8);
  // Without a translator the pointer is used as a PA (stage-1-only behaviour).
  fr = fetchCd(ste, 0, false, f, mem, cd);
  EXPECT_EQ(fr.fault, EventId::C_BAD_CD);  // nothing valid at PA 0x40006000
  EXPECT_FALSE(fr.s2);
}

TEST_F(Nested, TwoLevelCdTableThroughStage2) {
  // L1CD table at IPA 0x40006000 (PA 0x90006000), entry 1 -> L2 at IPA 0x40007000
  // (PA 0x90007000 through stage-2 L3A[7]); SSID 65 = L1 index 1, L2 index 1.
  mem.set64(kS2L3A + 6 * 8, 0x90006000 | kS2Leaf | kPage);
  mem.set64(kS2L3A + 7 * 8, 0x90007000 | kS2Leaf | kPage);
  mem.set64(0x90006008, 0x40007000 | 1);  // L1CD[1]: V, L2Ptr
  const uint64_t cdWords[8] = {16u | (1ull << 30) | (1ull << 31) | (5ull << 32) | (1ull << 41) |
                                   (9ull << 48),
                               0x40000000, 0, 0, 0, 0, 0, 0};
  mem.setWords(0x90007040, cdWords, 8);
  Ste ste;
  ste.valid = true;
  ste.config = ste::CFG_NESTED;
  ste.s1ContextPtr = 0x40006000;
  ste.s1fmt = ste::S1FMT_2LVL_4K;
  ste.s1CdMax = 8;
  SmmuFeatures f;
  f.s2p = true;
  S2WalkTranslator t(s2, mem);
  ContextDescriptor cd;
  const FetchResult fr = fetchCd(ste, 65, true, f, mem, cd, &t);
  EXPECT_EQ(fr.fault, EventId::None);
  EXPECT_EQ(fr.reads, 10u);  // (4 + L1CD) + (4 + CD)
  EXPECT_EQ(cd.asid, 9);
}

}  // namespace
}  // namespace smmu
