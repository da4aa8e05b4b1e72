// A small system built by hand, word by word from the specification's layouts (not through the
// model's encoders), so that SMMU tests check the model against an independent encoding.
//   stream table (linear, 16 STEs) at 0x1000_0000; STE n at +64n
//   CD for stream 1 at 0x1001_0000 (ASID 7, T0SZ 16, 4 KB granule, IPS 48 bits, R=1)
//   tables: L0 0x1002_0000, L1 0x1002_1000, L2 0x1002_2000, L3 0x1002_3000
//   IOVA 0x1234_5000 -> PA 0x8_0000_0000 (4 KB page, read/write, EL0 allowed)
//   IOVA 0x1234_6000 -> PA 0x8_0000_1000 (read-only)
//   event queue 8 entries at 0x1010_0000, command queue 16 entries at 0x1020_0000
#pragma once
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "arch/Registers.h"
#include "mem/SparseMemory.h"
#include "smmu/SmmuCore.h"

namespace handbuilt {

constexpr uint64_t kStrtab = 0x10000000, kCd = 0x10010000, kL0 = 0x10020000, kL1 = 0x10021000,
                   kL2 = 0x10022000, kL3 = 0x10023000, kEvtq = 0x10100000, kCmdq = 0x10200000;
constexpr uint64_t kIova = 0x12345000, kPa = 0x800000000ull;
constexpr uint64_t kIovaRo = 0x12346000, kPaRo = 0x800001000ull;
constexpr uint16_t kAsid = 7;

// STE for stream 1: V=1, Config=0b101 (S1 only), S1Fmt=0, S1ContextPtr=kCd, S1CDMax=0.
constexpr uint64_t kSteS1d0 = kCd | (0b101u << 1) | 1u;
// STE Config=0b100 (bypass) and 0b000 (abort), both valid.
constexpr uint64_t kSteBypassd0 = (0b100u << 1) | 1u;
constexpr uint64_t kSteAbortd0 = 1u;

// CD d0: T0SZ=16, TG0=0 (4K), IR0=OR0=1 (WBWA), SH0=3, EPD1=1 (bit 30), V=1 (bit 31),
// IPS=5 (48 bits, [34:32]), AA64 (bit 41), R (bit 45), A (bit 46), ASID=7 ([63:48]).
constexpr uint64_t cdD0(bool record) {
  return 16u | (1u << 8) | (1u << 10) | (3u << 12) | (1ull << 30) | (1ull << 31) |
         (5ull << 32) | (1ull << 41) | (record ? (1ull << 45) : 0) | (1ull << 46) |
         (uint64_t(kAsid) << 48);
}

// Leaf: page (0b11), AttrIndx=1 ([4:2]), AP[1]=1 EL0 (bit 6), AP[2] read-only (bit 7),
// SH=3 ([9:8]), AF (bit 10), nG (bit 11).
constexpr uint64_t page(uint64_t pa, bool readOnly) {
  return pa | 3u | (1u << 2) | (1u << 6) | (readOnly ? (1u << 7) : 0) | (3u << 8) | (1u << 10) |
         (1u << 11);
}

inline void build(smmu::SparseMemory& m, bool record = true) {
  m.write64(kStrtab + 64 * 1, kSteS1d0);
  m.write64(kStrtab + 64 * 2, kSteBypassd0);
  m.write64(kStrtab + 64 * 3, kSteAbortd0);
  // stream 4: V=0 (C_BAD_STE); stream 5: S1 pointing at an invalid CD (C_BAD_CD)
  m.write64(kStrtab + 64 * 5, (kCd + 0x40) | (0b101u << 1) | 1u);
  m.write64(kCd + 0, cdD0(record));
  m.write64(kCd + 8, kL0);  // TTB0
  m.write64(kL0 + 8 * 0, kL1 | 3u);
  m.write64(kL1 + 8 * 0, kL2 | 3u);
  m.write64(kL2 + 8 * 0x91, kL3 | 3u);
  m.write64(kL3 + 8 * 0x145, page(kPa, false));
  m.write64(kL3 + 8 * 0x146, page(kPaRo, true));
}

// Maps `n` more 4 KB pages after kIovaRo in the same L3 table: IOVA kIova + k * 4 KiB ->
// PA kPa + k * 4 KiB for k = 2 .. n + 1 (read/write).
inline uint64_t mapMore(smmu::SparseMemory& m, unsigned n) {
  for (unsigned k = 2; k < n + 2; ++k) m.write64(kL3 + 8 * (0x145 + k), page(kPa + 0x1000 * k, false));
  return n;
}

// Registers: linear stream table of 2^4 STEs, queues enabled, SMMU enabled.
inline void program(smmu::SmmuCore& c) {
  using namespace smmu::reg;
  c.writeReg(STRTAB_BASE, kStrtab, 8);
  c.writeReg(STRTAB_BASE_CFG, 4, 4);
  c.writeReg(EVENTQ_BASE, kEvtq | 3, 8);
  c.writeReg(CMDQ_BASE, kCmdq | 4, 8);
  c.writeReg(CR0, CR0_SMMUEN | CR0_EVENTQEN | CR0_CMDQEN, 4);
}

// One translation of `iova` by stream `sid` through TBU port `port` at time `now`.
inline smmu::TranslationResult translateAt(smmu::SmmuCore& c, smmu::Tick now, uint64_t iova,
                                           uint32_t port = 0, uint32_t sid = 1) {
  smmu::TranslationRequest r;
  r.port = port;
  r.sid = sid;
  r.iova = iova;
  return c.translate(r, now);
}

// Writes commands (two words each) into the 16-entry command queue, publishes them and lets the
// SMMU consume them from `now`; returns the time they took.
inline smmu::Tick publishCommands(smmu::SparseMemory& m, smmu::SmmuCore& c,
                                  std::initializer_list<std::pair<uint64_t, uint64_t>> cmds,
                                  smmu::Tick now = 0) {
  uint32_t prod = uint32_t(c.readReg(smmu::reg::CMDQ_PROD, 4));
  for (auto [d0, d1] : cmds) {
    m.write64(kCmdq + 16 * (prod & 0xf), d0);
    m.write64(kCmdq + 16 * (prod & 0xf) + 8, d1);
    prod = (prod + 1) & 0x1f;
  }
  c.writeReg(smmu::reg::CMDQ_PROD, prod, 4);
  return c.processCommands(~0u, now);
}

inline smmu::SmmuConfig config() {
  smmu::SmmuConfig cfg;
  cfg.timing.clockPeriodPs = 1000;
  cfg.timing.tlbLookupCycles = 2;
  cfg.timing.walkerIssueCycles = 4;
  cfg.timing.configLookupCycles = 2;
  cfg.timing.commandCycles = 8;
  return cfg;
}

// The micro-architecture tests' timing: 100 ns memory, 1 ns cycle, config() plus a 1-cycle,
// 8-entry fully associative micro TLB per port and 3-cycle walk-cache lookups.
constexpr smmu::Tick kMem = 100000;
constexpr smmu::Tick kClk = 1000;
inline smmu::SmmuConfig microConfig() {
  smmu::SmmuConfig c = config();
  c.timing.utlbLookupCycles = 1;
  c.timing.walkCacheLookupCycles = 3;
  c.utlbEntries = 8;
  c.utlbWays = 0;
  return c;
}

}  // namespace handbuilt
