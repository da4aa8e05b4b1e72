// VMSAv8-64 stage-2 translation (Arm ARM D8 stage-2 descriptors and VTCR_EL2 rules; IHI 0070
// 5.2 STE.S2* fields, 3.4 address sizes, 7.3 event CLASS/S2/IPA).
//
// Choices where the architecture leaves room:
// - The walker walks what the configuration describes: a start level given by S2SL0 whose table
//   (or concatenation of up to 16 tables) resolves the IPA bits above that level. Geometry that
//   fromSte() would reject (nothing or more than 16 tables to resolve at the start level) is a
//   Translation fault rather than a crash.
// - Bits of S2TTB below the size of the (concatenated) start tables are treated as zero (the
//   architecture makes a misaligned S2TTB RES0 / CONSTRAINED UNPREDICTABLE).
// - The contiguous hint is ignored; hardware dirty state (S2HD + DBM) is not updated (as stage 1).
// - With S2HA, AF is set in memory (one 64-bit write) only when the access does not fault.
#include "walk/Stage2Walker.h"

#include <algorithm>

#include "arch/Bits.h"
#include "arch/ContextDescriptor.h"
#include "arch/Ste.h"

namespace smmu {
namespace {

constexpr uint64_t lowMask(unsigned n) { return n >= 64 ? ~0ull : ((1ull << n) - 1); }

constexpr uint64_t kDescValid = 1ull << 0;
constexpr uint64_t kDescTable = 1ull << 1;
constexpr uint64_t kDescAF = 1ull << 10;

bool aboveSize(uint64_t addr, unsigned sizeBits) {
  return sizeBits < 64 && (addr >> sizeBits) != 0;
}

bool granuleSupported(const SmmuFeatures& f, Granule g) {
  switch (g) {
    case Granule::k4K: return f.gran4k;
    case Granule::k16K: return f.gran16k;
    case Granule::k64K: return f.gran64k;
  }
  return false;
}

// S2PS encoding -> bits (0b110 52; 0b111 reserved, behaves as 0b110 in SMMUv3.1-v3.3).
unsigned psEncodingBits(uint8_t ps) {
  static constexpr unsigned kBits[8] = {32, 36, 40, 42, 44, 48, 52, 52};
  return kBits[ps & 7];
}

// Output address bits [47:shift] of a descriptor; OA[51:48] from [15:12] with 64 KB and LPA.
uint64_t descOutputAddress(uint64_t d, unsigned shift, Granule g, bool lpa) {
  uint64_t oa = d & bits::mask(47, shift);
  if (g == Granule::k64K && lpa) oa |= bits::get(d, 15, 12) << 48;
  return oa;
}

// The walk geometry of a stage-2 configuration (start level from SL0, not from T0SZ), and the
// number of IPA bits the start level resolves; false when the configuration is not walkable.
bool s2Geometry(const S2WalkConfig& cfg, WalkGeometry& geo, unsigned& startBits) {
  geo.granuleShift = granuleShift(cfg.granule);
  geo.bitsPerLevel = geo.granuleShift - 3;
  geo.inputBits = cfg.inputBits();
  geo.startLevel = cfg.startLevel;
  if (cfg.startLevel < 0 || cfg.startLevel > 3) return false;
  const unsigned maxInput = cfg.granule == Granule::k64K ? 52 : 48;
  if (geo.inputBits > maxInput) return false;
  const unsigned slShift = geo.levelShift(cfg.startLevel);
  if (geo.inputBits <= slShift) return false;  // nothing left for the start level
  startBits = geo.inputBits - slShift;
  return startBits <= geo.bitsPerLevel + 4;     // at most 16 concatenated tables
}

}  // namespace

unsigned S2WalkConfig::concatenatedTables() const {
  WalkGeometry geo;
  unsigned startBits = 0;
  if (!s2Geometry(*this, geo, startBits)) return 0;
  return startBits > geo.bitsPerLevel ? 1u << (startBits - geo.bitsPerLevel) : 1u;
}

int s2Sl0StartLevel(Granule g, uint8_t sl0, unsigned paBits) {
  // Arm ARM AArch64.S2InvalidSL / S2StartLevel without FEAT_LPA2 and FEAT_TTST.
  switch (sl0 & 3) {
    case 0: return g == Granule::k4K ? 2 : 3;
    case 1: return g == Granule::k4K ? 1 : 2;
    case 2:
      if (g == Granule::k4K) return paBits >= 44 ? 0 : -1;
      if (g == Granule::k16K) return paBits >= 42 ? 1 : -1;
      return paBits >= 44 ? 1 : -1;
    default: return -1;  // 0b11: level 3 (4 KB, TTST) or level 0 (16 KB, DS) not implemented
  }
}

bool s2MemAttrIsDevice(uint8_t memAttr, bool fwb) {
  return fwb ? (memAttr & 0x4) == 0 : (memAttr & 0xc) == 0;
}

bool S2WalkConfig::fromSte(const Ste& s, const SmmuFeatures& f, S2WalkConfig& out,
                           const char** why) {
  auto fail = [why](const char* reason) {
    if (why) *why = reason;
    return false;
  };
  if (!f.s2p) return fail("stage 2 is not implemented (S2P == 0)");
  if (!s.s2aa64) return fail("S2AA64 == 0: VMSAv8-32 LPAE tables are not supported");
  if (!f.ttfAarch64) return fail("S2AA64 == 1 but VMSAv8-64 tables are not supported (TTF)");
  if (s.s2endi) return fail("S2ENDI == 1: big-endian tables");
  if ((s.s2ha || s.s2hd) && f.httu == 0) return fail("S2HA/S2HD set but HTTU is not implemented");
  if (s.s2hd && f.httu < 2) return fail("S2HD set but dirty-state HTTU is not implemented");
  if (f.stallModel == 1 && s.s2s) return fail("S2S == 1 but the SMMU cannot stall");
  if (f.stallModel == 2 && !s.s2s) return fail("S2S == 0 but the SMMU forces stalls");
  if (!f.vmid16 && (s.s2vmid >> 8) != 0) return fail("S2VMID[15:8] != 0 with 8-bit VMIDs");

  Granule g;
  if (!tg0ToGranule(s.s2tg, g)) return fail("S2TG reserved");
  if (!granuleSupported(f, g)) return fail("S2TG granule not supported");

  // IAS == OAS (no VMSAv8-32 stage 1). S2T0SZ in [MAX(16 or 12, 64 - IAS), 39] (no STT).
  const unsigned ias = f.oasBits;
  const unsigned minTsz = std::max(g == Granule::k64K ? 12u : 16u, ias < 64 ? 64 - ias : 0u);
  if (s.s2t0sz < minTsz || s.s2t0sz > 39) return fail("S2T0SZ out of range");

  S2WalkConfig c;
  c.granule = g;
  c.tsz = s.s2t0sz;
  c.startLevel = s2Sl0StartLevel(g, s.s2sl0, f.oasBits);
  if (c.startLevel < 0) return fail("S2SL0 reserved for this granule");
  // Arm ARM AArch64.S2InconsistentSL: the start level resolves at least one bit and at most
  // bitsPerLevel + 4 (a concatenation of 16 tables).
  WalkGeometry geo;
  unsigned startBits = 0;
  if (!s2Geometry(c, geo, startBits)) return fail("S2SL0 inconsistent with S2T0SZ/S2TG");

  c.psBits = std::min<unsigned>(psEncodingBits(s.s2ps), f.oasBits);
  c.iasBits = ias;
  c.lpa = f.oasBits >= 52;
  if (aboveSize(s.s2ttb, c.psBits)) return fail("S2TTB outside the effective S2PS");
  if (g != Granule::k64K && aboveSize(s.s2ttb, 48)) return fail("S2TTB above 48 bits with 4K/16K");
  c.ttb = s.s2ttb;
  c.affd = s.s2affd;
  c.ha = s.s2ha;
  c.hd = s.s2ha && s.s2hd;  // {S2HA, S2HD} = 0b01 is reserved and behaves as both 0
  c.ptw = s.s2ptw;
  c.fwb = s.s2fwb;
  c.record = s.s2r;
  c.stall = s.s2s;
  c.vmid = f.vmid16 ? s.s2vmid : static_cast<uint16_t>(s.s2vmid & 0xff);
  out = c;
  if (why) *why = nullptr;
  return true;
}

EventId checkS2Permission(const LeafAttrs& a, const S2WalkConfig& cfg, const AccessAttrs& acc) {
  return checkS2Permission(a, cfg.xnx, acc);
}

WalkResult walkStage2(const S2WalkConfig& cfg, uint64_t ipa, const AccessAttrs& accIn,
                      PhysMemIf& mem, uint8_t cls, WalkCacheHook* walkCache) {
  WalkResult r;
  r.ipa = ipa;
  r.cls = cls;
  // Stage-1 walks and CD fetches are data accesses (a CD fetch is a read).
  AccessAttrs acc = accIn;
  if (cls != evt::CLASS_IN) {
    acc.instr = false;
    if (cls == evt::CLASS_CD) acc.write = false;
  }
  r.ttrnw = !(cls == evt::CLASS_TT && acc.write);
  auto fault = [&r](EventId id) {
    r.fault = id;
    r.s2 = true;
    return r;
  };

  WalkGeometry geo;
  unsigned startBits = 0;
  const bool walkable = s2Geometry(cfg, geo, startBits);
  r.level = static_cast<uint8_t>(cfg.startLevel >= 0 && cfg.startLevel <= 3 ? cfg.startLevel : 0);
  if (!walkable) return fault(EventId::F_TRANSLATION);
  if (aboveSize(ipa, geo.inputBits)) return fault(EventId::F_TRANSLATION);
  const unsigned ps = cfg.psBits;
  if (aboveSize(cfg.ttb, ps)) return fault(EventId::F_ADDR_SIZE);

  // The start table(s) are aligned to their (concatenated) size, at least 16 bytes (S2TTB[51:4])
  // or 64 bytes with a 52-bit output size.
  const unsigned align = std::max(startBits + 3, ps >= 52 ? 6u : 4u);
  uint64_t table = cfg.ttb & ~lowMask(align) & bits::mask(51, 0);
  const unsigned blockOas = cfg.lpa ? 52 : ps;

  // A stage-2 walk cache (tagged by VMID, set by its owner) may hand over a deeper table.
  int firstLevel = cfg.startLevel;
  WalkStep cached;
  if (walkCache && walkCache->lookup(ipa, 0, geo, cached) && cached.level > cfg.startLevel &&
      cached.level <= 3) {
    firstLevel = cached.level;
    table = cached.table;
    resumeFrom(cached, mem.timeBase(), r);
  }
  for (int level = firstLevel;; ++level) {
    const unsigned shift = geo.levelShift(level);
    const unsigned nbits = level == cfg.startLevel ? startBits : geo.bitsPerLevel;
    const uint64_t index = (ipa >> shift) & lowMask(nbits);
    const PhysAddr addr = table + index * 8;
    r.level = static_cast<uint8_t>(level);
    r.descAddr = addr;
    uint64_t d = 0;
    ++r.reads;
    if (mem.read64(addr, d, &r.latency) != MemStatus::Ok) return fault(EventId::F_WALK_EABT);
  evaluate:  // again with the descriptor a failed hardware update found (below)
    r.descriptor = d;

    if (!(d & kDescValid)) return fault(EventId::F_TRANSLATION);
    const bool tableOrPage = (d & kDescTable) != 0;
    if (level < 3 && tableOrPage) {
      // Stage-2 table descriptors carry no hierarchical attributes ([63:59] are RES0).
      const uint64_t next = descOutputAddress(d, geo.granuleShift, cfg.granule, cfg.lpa);
      if (aboveSize(next, ps)) return fault(EventId::F_ADDR_SIZE);
      table = next;
      if (walkCache) {
        WalkStep step;
        step.level = level + 1;
        step.table = next;
        step.readyAt = mem.timeBase() + r.latency;
        walkCache->fill(ipa, 0, geo, step);
      }
      continue;
    }
    if (level == 3 && !tableOrPage) return fault(EventId::F_TRANSLATION);  // reserved at L3
    if (level < 3 && !geo.blockAllowed(level, blockOas)) return fault(EventId::F_TRANSLATION);

    const uint64_t oa = descOutputAddress(d, shift, cfg.granule, cfg.lpa);
    r.pageShift = static_cast<uint8_t>(shift);
    r.contigShift = leafSpanShift(d, shift, geo.granuleShift, level);
    r.vaBase = ipa & ~lowMask(shift);
    r.paBase = oa;
    r.pa = oa | (ipa & lowMask(shift));
    LeafAttrs& a = r.attrs;
    a.s2MemAttr = static_cast<uint8_t>(bits::get(d, 5, 2));
    a.s2Read = bits::get(d, 6, 6) != 0;
    a.s2Write = bits::get(d, 7, 7) != 0;
    a.sh = static_cast<uint8_t>(bits::get(d, 9, 8));
    a.af = (d & kDescAF) != 0;
    a.dbm = bits::get(d, 51, 51) != 0;
    a.s2xn = static_cast<uint8_t>(bits::get(d, 54, 53));

    // Arm ARM order: Address size, Access flag, Permission.
    if (aboveSize(oa, ps)) return fault(EventId::F_ADDR_SIZE);
    const bool setAf = !a.af && cfg.ha;
    if (!a.af && !cfg.ha && !cfg.affd) return fault(EventId::F_ACCESS);
    a.af = true;
    if (checkS2Permission(a, cfg, acc) != EventId::None) return fault(EventId::F_PERMISSION);
    if (cls != evt::CLASS_IN && cfg.ptw && s2MemAttrIsDevice(a.s2MemAttr, cfg.fwb))
      return fault(EventId::F_PERMISSION);
    if (setAf) {
      ++r.writes;
      uint64_t now = 0;
      if (mem.compareAndSwap64(addr, d, d | kDescAF, now, &r.latency) != MemStatus::Ok)
        return fault(EventId::F_WALK_EABT);
      if (now != d) {  // changed since it was read: again with what memory holds (as stage 1)
        d = now;
        ++r.updateRetries;
        goto evaluate;
      }
    }
    return r;
  }
}

WalkResult walkStage2Only(const S2WalkConfig& cfg, uint64_t input, const AccessAttrs& acc,
                          PhysMemIf& mem, WalkCacheHook* walkCache) {
  if (aboveSize(input, cfg.iasBits)) {
    WalkResult r;
    r.fault = EventId::F_ADDR_SIZE;  // stage 1 (bypassed) Address size fault
    r.s2 = false;
    r.cls = evt::CLASS_IN;
    r.ipa = input;
    return r;
  }
  return walkStage2(cfg, input, acc, mem, evt::CLASS_IN, walkCache);
}

WalkResult translateS2ForCd(S2Translator& s2, uint64_t ipa) {
  WalkResult r = s2.translate(ipa, AccessAttrs{}, evt::CLASS_CD);
  r.cls = evt::CLASS_CD;
  r.ipa = ipa;
  if (r.fault != EventId::None) r.s2 = true;
  return r;
}

WalkResult translateS2ForCd(const S2WalkConfig& cfg, uint64_t ipa, PhysMemIf& mem) {
  S2WalkTranslator t(cfg, mem);
  return translateS2ForCd(t, ipa);
}

}  // namespace smmu
