// Command queue entries (IHI 0070 chapter 4; Linux CMDQ_* defines and arm_smmu_cmdq_build_cmd).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "arch/Command.h"

namespace smmu {
namespace {

// Hand-written masks of the bits each opcode defines (d0 includes the opcode byte [7:0]).
constexpr uint64_t OPC = 0xffull;
constexpr uint64_t SID = 0xffffffff00000000ull;   // d0[63:32]
constexpr uint64_t SSID = 0x00000000fffff000ull;  // d0[31:12]
constexpr uint64_t SSV = 1ull << 11;
constexpr uint64_t SSEC = 1ull << 10;
constexpr uint64_t ASID = 0xffff000000000000ull;  // d0[63:48]
constexpr uint64_t VMID = 0x0000ffff00000000ull;  // d0[47:32]
constexpr uint64_t NUM = 0x1full << 12;           // d0[16:12]
constexpr uint64_t SCALE = 0x1full << 20;         // d0[24:20]
constexpr uint64_t GLOBAL = 1ull << 9;
constexpr uint64_t ACTION = 0x3ull << 12;         // d0[13:12]
constexpr uint64_t SYNC0 = (0x3ull << 12) | (0x3ull << 22) | (0xfull << 24) | SID;
constexpr uint64_t LEAF = 1;                      // d1[0]
constexpr uint64_t RANGE = 0x1f;                  // d1[4:0]
constexpr uint64_t TTLTG = 0xfull << 8;           // d1[11:8]
constexpr uint64_t VA = 0xfffffffffffff000ull;    // d1[63:12]
constexpr uint64_t IPA = 0x000ffffffffff000ull;   // d1[51:12]
constexpr uint64_t ATCSIZE = 0x3f;                // d1[5:0]
constexpr uint64_t PFSIZE = 0x1f;                 // d1[4:0]
constexpr uint64_t PRI1 = 0x1ffull | (0x3ull << 12);
constexpr uint64_t STAG = 0xffff;
constexpr uint64_t MSIADDR = 0x000ffffffffffffcull;  // d1[51:2]

struct OpMask {
  uint8_t op;
  const char* name;
  uint64_t d0, d1;
};

const OpMask kOps[] = {
    {op::PREFETCH_CONFIG, "PREFETCH_CONFIG", OPC | SID | SSID | SSV | SSEC, 0},
    {op::PREFETCH_ADDR, "PREFETCH_ADDR", OPC | SID | SSID | SSV | SSEC, PFSIZE | VA},
    {op::CFGI_STE, "CFGI_STE", OPC | SID | SSEC, LEAF},
    {op::CFGI_STE_RANGE, "CFGI_STE_RANGE", OPC | SID | SSEC, RANGE},
    {op::CFGI_CD, "CFGI_CD", OPC | SID | SSID | SSEC, LEAF},
    {op::CFGI_CD_ALL, "CFGI_CD_ALL", OPC | SID | SSEC, 0},
    {op::CFGI_VMS_PIDM, "CFGI_VMS_PIDM", OPC | VMID | SSEC, 0},
    {op::TLBI_NH_ALL, "TLBI_NH_ALL", OPC | VMID, 0},
    {op::TLBI_NH_ASID, "TLBI_NH_ASID", OPC | VMID | ASID, 0},
    {op::TLBI_NH_VA, "TLBI_NH_VA", OPC | VMID | ASID | NUM | SCALE, LEAF | TTLTG | VA},
    {op::TLBI_NH_VAA, "TLBI_NH_VAA", OPC | VMID | NUM | SCALE, LEAF | TTLTG | VA},
    {op::TLBI_EL3_ALL, "TLBI_EL3_ALL", OPC, 0},
    {op::TLBI_EL3_VA, "TLBI_EL3_VA", OPC | NUM | SCALE, LEAF | TTLTG | VA},
    {op::TLBI_EL2_ALL, "TLBI_EL2_ALL", OPC, 0},
    {op::TLBI_EL2_ASID, "TLBI_EL2_ASID", OPC | ASID, 0},
    {op::TLBI_EL2_VA, "TLBI_EL2_VA", OPC | ASID | NUM | SCALE, LEAF | TTLTG | VA},
    {op::TLBI_EL2_VAA, "TLBI_EL2_VAA", OPC | NUM | SCALE, LEAF | TTLTG | VA},
    {op::TLBI_S12_VMALL, "TLBI_S12_VMALL", OPC | VMID, 0},
    {op::TLBI_S2_IPA, "TLBI_S2_IPA", OPC | VMID | NUM | SCALE, LEAF | TTLTG | IPA},
    {op::TLBI_NSNH_ALL, "TLBI_NSNH_ALL", OPC, 0},
    {op::ATC_INV, "ATC_INV", OPC | SID | SSID | SSV | GLOBAL, ATCSIZE | VA},
    {op::PRI_RESP, "PRI_RESP", OPC | SID | SSID | SSV, PRI1},
    {op::RESUME, "RESUME", OPC | SID | SSEC | ACTION, STAG},
    {op::STALL_TERM, "STALL_TERM", OPC | SID | SSEC, 0},
    {op::CMD_SYNC, "CMD_SYNC", OPC | SYNC0, MSIADDR},
};

Command::Words enc(const Command& c) { return c.encode(); }

// --- every opcode: known, named, and (random words & its field mask) round-trips -------------

TEST(Command, OpcodeTable) {
  int known = 0;
  for (int o = 0; o < 256; ++o)
    if (isKnownOpcode(static_cast<uint8_t>(o))) ++known;
  EXPECT_EQ(known, 25);
  for (const OpMask& m : kOps) {
    EXPECT_TRUE(isKnownOpcode(m.op)) << m.name;
    EXPECT_EQ(opcodeName(m.op), m.name);
  }
  for (uint8_t o : {0x00, 0x08, 0x0a, 0x14, 0x19, 0x42, 0x47, 0x50, 0x60, 0x70, 0x80, 0xff}) {
    EXPECT_FALSE(isKnownOpcode(o)) << int(o);
    EXPECT_EQ(opcodeName(o), "UNKNOWN");
  }
}

TEST(Command, RandomWordsRoundTripPerOpcode) {
  std::mt19937_64 rng(0xc0de01);
  for (const OpMask& m : kOps) {
    for (int n = 0; n < 300; ++n) {
      const Command::Words w{(rng() & m.d0 & ~OPC) | m.op, rng() & m.d1};
      const Command c = Command::decode(w);
      ASSERT_EQ(c.opcode, m.op);
      ASSERT_EQ(c.encode(), w) << m.name << " iteration " << n;
    }
  }
}

// Bits outside an opcode's fields are not decoded into anything encode() would write back.
TEST(Command, UndefinedBitsDroppedPerOpcode) {
  for (const OpMask& m : kOps) {
    const Command::Words w{~m.d0 | m.op, ~m.d1};
    const Command::Words e = Command::decode(w).encode();
    EXPECT_EQ(e[0], m.op) << m.name;
    EXPECT_EQ(e[1], 0u) << m.name;
  }
}

TEST(Command, UnknownOpcodeCarriesNothing) {
  const Command c = Command::decode({0xffffffffffffff42ull, ~0ull});
  EXPECT_EQ(c.opcode, 0x42);
  EXPECT_EQ(c.sid, 0u);
  EXPECT_EQ(c.addr, 0u);
  EXPECT_EQ(c.encode(), (Command::Words{0x42, 0}));
}

// encode() writes only the fields the opcode has, whatever else is set in the struct.
TEST(Command, EncodeWritesOnlyOpcodeFields) {
  Command c;
  c.sid = 0x11223344;
  c.ssid = 0xabcde;
  c.ssv = true;
  c.asid = 0x5555;
  c.vmid = 0x6666;
  c.leaf = true;
  c.range = 7;
  c.num = 3;
  c.scale = 4;
  c.ttl = 3;
  c.tg = 1;
  c.addr = 0x123456789000ull;
  c.global = true;
  c.size = 9;
  c.prgi = 0x1ff;
  c.resp = 2;
  c.stag = 0xbeef;
  c.action = 1;
  c.cs = 2;
  c.msh = 3;
  c.msiattr = 0xf;
  c.msiData = 0xcafe;
  c.msiAddr = 0x1000;

  c.opcode = op::CFGI_STE;  // SID d0[63:32], Leaf d1[0]
  EXPECT_EQ(enc(c), (Command::Words{0x1122334400000003ull, 0x1}));
  c.opcode = op::TLBI_NH_ALL;  // VMID d0[47:32]
  EXPECT_EQ(enc(c), (Command::Words{0x0000666600000010ull, 0}));
  c.opcode = op::TLBI_EL2_ASID;  // ASID d0[63:48]
  EXPECT_EQ(enc(c), (Command::Words{0x5555000000000021ull, 0}));
  c.opcode = op::TLBI_NSNH_ALL;
  EXPECT_EQ(enc(c), (Command::Words{0x30, 0}));
  c.opcode = op::STALL_TERM;  // SID only (SSec false)
  EXPECT_EQ(enc(c), (Command::Words{0x1122334400000045ull, 0}));
}

// --- hand-encoded words per command -------------------------------------------------------

// CMD_CFGI_STE: SID 0x1234 -> d0[63:32]; Leaf -> d1[0].
TEST(Command, CfgiSte) {
  const Command::Words w{0x0000123400000003ull, 0x1};
  const Command c = Command::decode(w);
  EXPECT_EQ(c.opcode, op::CFGI_STE);
  EXPECT_EQ(c.sid, 0x1234u);
  EXPECT_TRUE(c.leaf);
  EXPECT_FALSE(c.ssec);
  EXPECT_EQ(c.encode(), w);
}

// CMD_CFGI_STE_RANGE / CFGI_ALL as Linux sends it: Range 31 in d1[4:0], SID 0.
TEST(Command, CfgiAllLinux) {
  const Command::Words w{0x04, 0x1f};
  const Command c = Command::decode(w);
  EXPECT_EQ(c.opcode, op::CFGI_STE_RANGE);
  EXPECT_EQ(c.range, 31);
  EXPECT_EQ(c.sid, 0u);
  Command e;
  e.opcode = op::CFGI_STE_RANGE;
  e.range = 31;
  EXPECT_EQ(e.encode(), w);
}

// CMD_CFGI_STE_RANGE with SID 0x300, Range 7 (256 STEs), SSec set (Secure queue form):
//   d0 = 0x300 << 32 | 1 << 10 | 0x04 = 0x0000_0300_0000_0404
TEST(Command, CfgiSteRange) {
  const Command::Words w{0x0000030000000404ull, 0x07};
  const Command c = Command::decode(w);
  EXPECT_EQ(c.sid, 0x300u);
  EXPECT_TRUE(c.ssec);
  EXPECT_EQ(c.range, 7);
  EXPECT_EQ(c.encode(), w);
}

// CMD_CFGI_CD: SSID 0x3 -> d0[31:12] = 0x3000, SID 0x10 -> d0[63:32], Leaf 1.
TEST(Command, CfgiCd) {
  const Command::Words w{0x0000001000003005ull, 0x1};
  const Command c = Command::decode(w);
  EXPECT_EQ(c.opcode, op::CFGI_CD);
  EXPECT_EQ(c.ssid, 3u);
  EXPECT_EQ(c.sid, 0x10u);
  EXPECT_TRUE(c.leaf);
  EXPECT_FALSE(c.ssv);  // CFGI_CD has no SSV; bit 11 is RES0
  EXPECT_EQ(c.encode(), w);
}

TEST(Command, CfgiCdAllAndVmsPidm) {
  // CFGI_CD_ALL: SID 0xffffffff.
  Command c = Command::decode({0xffffffff00000006ull, 0});
  EXPECT_EQ(c.sid, 0xffffffffu);
  // CFGI_VMS_PIDM: VMID 0x0102 -> d0[47:32].
  c = Command::decode({0x0000010200000007ull, 0});
  EXPECT_EQ(c.vmid, 0x0102);
  EXPECT_EQ(c.sid, 0u);
  EXPECT_EQ(c.encode(), (Command::Words{0x0000010200000007ull, 0}));
}

// TLBI_NH_ASID: ASID 0x00a5 d0[63:48], VMID 0x0003 d0[47:32].
TEST(Command, TlbiNhAsid) {
  const Command::Words w{0x00a5000300000011ull, 0};
  const Command c = Command::decode(w);
  EXPECT_EQ(c.asid, 0xa5);
  EXPECT_EQ(c.vmid, 3);
  EXPECT_EQ(c.encode(), w);
}

// TLBI_NH_VA with range fields, as Linux's __arm_smmu_tlb_inv_range() builds it with RIL for a
// 64 KB (16 pages of 4 KB) leaf invalidation: TG 4K (1), TTL 3, SCALE 4, NUM 0, ASID 5, VMID 0.
//   d0 = ASID 5 << 48 | SCALE 4 << 20 | 0x12              = 0x0005_0000_0040_0012
//   d1 = VA 0x7fff_1230_0000 | TG 1 << 10 | TTL 3 << 8 | Leaf = 0x0000_7fff_1230_0701
TEST(Command, TlbiNhVaLinuxRange) {
  const Command::Words w{0x0005000000400012ull, 0x00007fff12300701ull};
  const Command c = Command::decode(w);
  EXPECT_EQ(c.opcode, op::TLBI_NH_VA);
  EXPECT_EQ(c.asid, 5);
  EXPECT_EQ(c.vmid, 0);
  EXPECT_EQ(c.num, 0);
  EXPECT_EQ(c.scale, 4);
  EXPECT_TRUE(c.leaf);
  EXPECT_EQ(c.ttl, 3);
  EXPECT_EQ(c.tg, 1);
  EXPECT_EQ(c.addr, 0x7fff12300000ull);
  EXPECT_EQ(c.encode(), w);
}

// All range fields at their limits: NUM 31 [16:12], SCALE 31 [24:20], VMID 0xffff, ASID 0xffff,
// TTL 3 [9:8], TG 3 [11:10], Leaf 0, VA with top bits set (TTB1 half).
//   d0 = 0xffff_ffff_01f1_f012; d1 = 0xffff_8000_0000_0f00
TEST(Command, TlbiNhVaLimits) {
  Command c;
  c.opcode = op::TLBI_NH_VA;
  c.num = 31;
  c.scale = 31;
  c.vmid = 0xffff;
  c.asid = 0xffff;
  c.ttl = 3;
  c.tg = 3;
  c.addr = 0xffff800000000abcull;  // [11:0] are not encoded
  const Command::Words w{0xffffffff01f1f012ull, 0xffff800000000f00ull};
  EXPECT_EQ(c.encode(), w);
  EXPECT_EQ(Command::decode(w).addr, 0xffff800000000000ull);
}

// TLBI_NH_VAA: VMID 9, no ASID; addr 0x4000, Leaf 0.
TEST(Command, TlbiNhVaa) {
  const Command::Words w{0x0000000900000013ull, 0x4000};
  const Command c = Command::decode(w);
  EXPECT_EQ(c.vmid, 9);
  EXPECT_EQ(c.asid, 0);
  EXPECT_FALSE(c.leaf);
  EXPECT_EQ(c.addr, 0x4000u);
  EXPECT_EQ(c.encode(), w);
}

// TLBI_EL2_VA: ASID 2, no VMID field (bits [47:32] are RES0 and ignored).
TEST(Command, TlbiEl2Va) {
  const Command c = Command::decode({0x0002abcd00000022ull, 0x0000000000201001ull});
  EXPECT_EQ(c.asid, 2);
  EXPECT_EQ(c.vmid, 0);
  EXPECT_TRUE(c.leaf);
  EXPECT_EQ(c.addr, 0x201000u);
  EXPECT_EQ(c.encode(), (Command::Words{0x0002000000000022ull, 0x0000000000201001ull}));
}

// TLBI_S2_IPA keeps address bits [51:12] only (Linux CMDQ_TLBI_1_IPA_MASK):
//   VMID 0x77, NUM 1, SCALE 2, Leaf, TTL 2, TG 4K -> d0 = 0x0000_0077_0020_102a,
//   d1 = 0x000f_ffff_ffff_f000 | 0x400 | 0x200 | 1 = 0x000f_ffff_ffff_f601
TEST(Command, TlbiS2Ipa) {
  Command c;
  c.opcode = op::TLBI_S2_IPA;
  c.vmid = 0x77;
  c.num = 1;
  c.scale = 2;
  c.leaf = true;
  c.ttl = 2;
  c.tg = 1;
  c.addr = ~0ull;
  const Command::Words w{0x000000770020102aull, 0x000ffffffffff601ull};
  EXPECT_EQ(c.encode(), w);
  const Command d = Command::decode({w[0], w[1] | 0xfff0000000000000ull});
  EXPECT_EQ(d.addr, 0x000ffffffffff000ull);
  EXPECT_EQ(d.vmid, 0x77);
  EXPECT_EQ(d.num, 1);
  EXPECT_EQ(d.scale, 2);
}

TEST(Command, TlbiS12VmallAndEl2All) {
  Command c = Command::decode({0x0000beef00000028ull, 0});
  EXPECT_EQ(c.vmid, 0xbeef);
  EXPECT_EQ(c.encode(), (Command::Words{0x0000beef00000028ull, 0}));
  c = Command::decode({0x20, 0});
  EXPECT_EQ(c.opcode, op::TLBI_EL2_ALL);
  EXPECT_EQ(c.encode(), (Command::Words{0x20, 0}));
}

// ATC_INV: SID 0x100 [63:32], SSID 0x42 [31:12], SSV [11], Global [9], Size 4 [5:0],
// Address 0x1_2345_0000 [63:12].
//   d0 = 0x100 << 32 | 0x42 << 12 | 1 << 11 | 1 << 9 | 0x40 = 0x0000_0100_0004_2a40
//   d1 = 0x1_2345_0000 | 4                                   = 0x0000_0001_2345_0004
TEST(Command, AtcInv) {
  const Command::Words w{0x0000010000042a40ull, 0x0000000123450004ull};
  const Command c = Command::decode(w);
  EXPECT_EQ(c.opcode, op::ATC_INV);
  EXPECT_EQ(c.sid, 0x100u);
  EXPECT_EQ(c.ssid, 0x42u);
  EXPECT_TRUE(c.ssv);
  EXPECT_TRUE(c.global);
  EXPECT_EQ(c.size, 4);
  EXPECT_EQ(c.addr, 0x123450000ull);
  EXPECT_EQ(c.encode(), w);
}

// ATC_INV "invalidate all" as Linux builds it (arm_smmu_atc_inv_to_cmd with size 0):
// Size = ATC_INV_SIZE_ALL = 52, address 0, no SSV. SID 8.
TEST(Command, AtcInvAllLinux) {
  Command c;
  c.opcode = op::ATC_INV;
  c.sid = 8;
  c.size = 52;
  EXPECT_EQ(c.encode(), (Command::Words{0x0000000800000040ull, 0x34}));
}

// PRI_RESP: SID 0x55, SSID 1, SSV, PRGI 0x1a3 [8:0], Resp 2 (success) [13:12].
//   d0 = 0x55 << 32 | 1 << 12 | 1 << 11 | 0x41 = 0x0000_0055_0000_1841
//   d1 = 0x2000 | 0x1a3 = 0x21a3
TEST(Command, PriResp) {
  const Command::Words w{0x0000005500001841ull, 0x21a3};
  const Command c = Command::decode(w);
  EXPECT_EQ(c.sid, 0x55u);
  EXPECT_EQ(c.ssid, 1u);
  EXPECT_TRUE(c.ssv);
  EXPECT_EQ(c.prgi, 0x1a3);
  EXPECT_EQ(c.resp, 2);
  EXPECT_EQ(c.encode(), w);
}

// RESUME as Linux sends it (arm_smmu_page_response): SID 0x21, RESP = RETRY (1) in d0[13:12],
// STAG 0xabcd in d1[15:0].  d0 = 0x21 << 32 | 1 << 12 | 0x44 = 0x0000_0021_0000_1044
TEST(Command, ResumeLinux) {
  const Command::Words w{0x0000002100001044ull, 0xabcd};
  const Command c = Command::decode(w);
  EXPECT_EQ(c.opcode, op::RESUME);
  EXPECT_EQ(c.sid, 0x21u);
  EXPECT_EQ(c.action, 1);
  EXPECT_EQ(c.stag, 0xabcd);
  EXPECT_EQ(c.encode(), w);
  // Terminate with abort: Ab (bit 13) set, Ac clear -> Linux CMDQ_RESUME_0_RESP_ABORT (2).
  EXPECT_EQ(Command::decode({0x0000002100002044ull, 0}).action, 2);
}

// CMD_SYNC exactly as Linux's arm_smmu_cmdq_build_cmd() emits it without MSI polling:
// CS = SEV (2 << 12), MSH = ISH (3 << 22), MSIATTR = OIWB (0xf << 24), d1 = 0.
//   d0 = 0x2000 | 0xc0_0000 | 0xf00_0000 | 0x46 = 0x0fc0_2046
TEST(Command, SyncSevLinux) {
  const Command::Words w{0x000000000fc02046ull, 0};
  const Command c = Command::decode(w);
  EXPECT_EQ(c.opcode, op::CMD_SYNC);
  EXPECT_EQ(c.cs, sync::CS_SEV);
  EXPECT_EQ(c.msh, 3);
  EXPECT_EQ(c.msiattr, 0xf);
  EXPECT_EQ(c.msiData, 0u);
  EXPECT_EQ(c.msiAddr, 0u);
  Command e;
  e.opcode = op::CMD_SYNC;
  e.cs = sync::CS_SEV;
  e.msh = 3;
  e.msiattr = 0xf;
  EXPECT_EQ(e.encode(), w);
}

// CMD_SYNC with MSI polling (ARM_SMMU_OPT_MSIPOLL): CS = IRQ (1 << 12) and MSIAddress = the
// address of the CMD_SYNC itself in the queue, 0x8_0000_0130, in d1[51:2].
//   d0 = 0x1000 | 0xc0_0000 | 0xf00_0000 | 0x46 = 0x0fc0_1046
TEST(Command, SyncMsiLinux) {
  const Command::Words w{0x000000000fc01046ull, 0x0000000800000130ull};
  const Command c = Command::decode(w);
  EXPECT_EQ(c.cs, sync::CS_IRQ);
  EXPECT_EQ(c.msiAddr, 0x800000130ull);
  EXPECT_EQ(c.encode(), w);
}

// CMD_SYNC MSIData d0[63:32] and MSIAddress [51:2] limits.
TEST(Command, SyncFieldLimits) {
  Command c;
  c.opcode = op::CMD_SYNC;
  c.cs = sync::CS_IRQ;
  c.msiData = 0xdeadbeef;
  c.msiAddr = ~0ull;
  EXPECT_EQ(c.encode(), (Command::Words{0xdeadbeef00001046ull, 0x000ffffffffffffcull}));
}

TEST(Command, PrefetchConfigAndAddr) {
  // PREFETCH_CONFIG as Linux sends it: SID 0x7 only.
  Command c = Command::decode({0x0000000700000001ull, 0});
  EXPECT_EQ(c.sid, 7u);
  // PREFETCH_ADDR: SID 3, SSID 2, SSV; Size 5 (d1[4:0]), Address 0x40_0000.
  const Command::Words w{0x0000000300002802ull, 0x0000000000400005ull};
  c = Command::decode(w);
  EXPECT_EQ(c.sid, 3u);
  EXPECT_EQ(c.ssid, 2u);
  EXPECT_TRUE(c.ssv);
  EXPECT_EQ(c.size, 5);
  EXPECT_EQ(c.addr, 0x400000u);
  EXPECT_EQ(c.encode(), w);
}

}  // namespace
}  // namespace smmu
