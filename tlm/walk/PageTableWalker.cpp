// VMSAv8-64 stage-1 translation table walk (Arm ARM D8, IHI 0070 5.4 for the CD side).
//
// Choices where the architecture leaves room (see also the header):
// - Input size. fromCd() enforces the CD rules of an SMMU without SMMU_IDR3.STT: TxSZ in
//   [16, 39], or [12, 39] for the 64 KB granule when SMMU_IDR5.VAX says 52-bit VAs (no CD.DS, so
//   4 KB/16 KB never get 52-bit VAs). Out of range is ILLEGAL (SMMUv3.1+ behaviour), so C_BAD_CD.
//   The walker itself accepts every geometry the architecture can describe without LPA2 (TxSZ up
//   to 48, or 47 for 64 KB, as with FEAT_TTST) so that a start level of 3 can be exercised with
//   any granule; anything else is a Translation fault.
// - The contiguous hint (bit 52): the walk returns the single page/block, which is always a
//   correct (if smaller) translation, and reports the hint's span in contigShift; whether a TLB
//   caches the whole span is the TLB's choice (SmmuConfig::contiguousHint).
// - With HA, AF is set in memory (one 64-bit write) only when the access does not fault; the
//   architecture leaves an update on a Permission fault CONSTRAINED UNPREDICTABLE.
// - Faults found before any descriptor read (EPD, input address out of range, TTB above the
//   output size) report the start level (or 0 when the geometry is unusable).
#include "walk/PageTableWalker.h"

#include <algorithm>

#include "arch/Bits.h"
#include "arch/ContextDescriptor.h"
#include "walk/Stage2Walker.h"

namespace smmu {
namespace {

constexpr uint64_t lowMask(unsigned n) { return n >= 64 ? ~0ull : ((1ull << n) - 1); }

// Descriptor fields (Arm ARM D8.3, VMSAv8-64 stage 1).
constexpr uint64_t kDescValid = 1ull << 0;
constexpr uint64_t kDescTable = 1ull << 1;  // with bit 0: table (levels 0-2) or page (level 3)
constexpr uint64_t kDescAF = 1ull << 10;
constexpr unsigned kApTable0Bit = 61, kApTable1Bit = 62, kUxnTableBit = 60, kPxnTableBit = 59;

bool granuleSupported(const SmmuFeatures& f, Granule g) {
  switch (g) {
    case Granule::k4K: return f.gran4k;
    case Granule::k16K: return f.gran16k;
    case Granule::k64K: return f.gran64k;
  }
  return false;
}

// Architectural range of TxSZ the walker can walk (no LPA2): see the file comment.
bool walkableTsz(Granule g, unsigned tsz) {
  if (g == Granule::k64K) return tsz >= 12 && tsz <= 47;
  return tsz >= 16 && tsz <= 48;
}

// Output address held in a table/block/page descriptor, bits [47:shift]; with the 64 KB granule
// and a 52-bit-PA SMMU, OA[51:48] comes from bits [15:12].
uint64_t descOutputAddress(uint64_t d, unsigned shift, Granule g, bool lpa) {
  uint64_t oa = d & bits::mask(47, shift);
  if (g == Granule::k64K && lpa) oa |= bits::get(d, 15, 12) << 48;
  return oa;
}

bool aboveSize(uint64_t addr, unsigned sizeBits) {
  return sizeBits < 64 && (addr >> sizeBits) != 0;
}

// IPS encoding -> bits. 0b110 is 52 bits (SMMUv3.1+); 0b111 is reserved and behaves as 0b110
// (SMMUv3.1 to v3.3), so 52 too. The result is then capped to the SMMU's OAS by the caller.
unsigned ipsBits(uint8_t ips) {
  static constexpr unsigned kBits[8] = {32, 36, 40, 42, 44, 48, 52, 52};
  return kBits[ips & 7];
}

}  // namespace

unsigned contiguousLog2(unsigned granuleShift, int level) {
  switch (granuleShift) {
    case 12: return 4;                    // 16 x 4 KB, 16 x 2 MB, 16 x 1 GB
    case 14: return level == 3 ? 7 : 5;   // 128 x 16 KB, 32 x 32 MB
    case 16: return 5;                    // 32 x 64 KB, 32 x 512 MB
    default: return 0;
  }
}

bool WalkGeometry::blockAllowed(int level, unsigned oasBits) const {
  switch (granuleShift) {
    case 12: return level == 1 || level == 2;                       // 1 GB, 2 MB
    case 14: return level == 2;                                     // 32 MB (L1 needs DS)
    case 16: return level == 2 || (level == 1 && oasBits >= 52);    // 512 MB, 4 TB (FEAT_LPA)
    default: return false;
  }
}

WalkGeometry walkGeometry(Granule g, unsigned tsz) {
  WalkGeometry geo;
  geo.granuleShift = granuleShift(g);
  geo.bitsPerLevel = geo.granuleShift - 3;
  geo.inputBits = tsz < 64 ? 64 - tsz : 0;
  if (geo.inputBits <= geo.granuleShift) {
    geo.startLevel = -1;  // nothing left to translate: not a usable geometry
    return geo;
  }
  // Levels needed to resolve the bits above the page offset; the last level is 3.
  const unsigned toResolve = geo.inputBits - geo.granuleShift;
  const unsigned levels = (toResolve + geo.bitsPerLevel - 1) / geo.bitsPerLevel;
  geo.startLevel = levels > 4 ? -1 : 4 - static_cast<int>(levels);
  return geo;
}

bool tszValid(Granule g, unsigned tsz, bool vax52) {
  const unsigned minTsz = (g == Granule::k64K && vax52) ? 12 : 16;
  const unsigned maxTsz = 39;  // SMMU_IDR3.STT == 0 (small translation tables not implemented)
  return tsz >= minTsz && tsz <= maxTsz;
}

bool S1WalkConfig::fromCd(const ContextDescriptor& cd, const SmmuFeatures& f, S1WalkConfig& out,
                          const char** why) {
  auto fail = [why](const char* reason) {
    if (why) *why = reason;
    return false;
  };
  if (!cd.valid) return fail("CD.V == 0");
  if (!cd.aa64) return fail("CD.AA64 == 0: VMSAv8-32 LPAE tables are not supported");
  if (!f.ttfAarch64) return fail("CD.AA64 == 1 but VMSAv8-64 tables are not supported (TTF)");
  if (f.stallModel == 1 && cd.s) return fail("CD.S == 1 but the SMMU cannot stall");
  if (f.stallModel == 2 && !cd.s) return fail("CD.S == 0 but the SMMU forces stalls");
  // The model's table walker is little-endian only (SMMU_IDR0.TTENDIAN == 0b10).
  if (cd.endi && !(cd.epd0 && cd.epd1)) return fail("CD.ENDI == 1: big-endian tables");
  if ((cd.ha || cd.hd) && f.httu == 0) return fail("CD.HA/HD set but HTTU is not implemented");
  if (cd.hd && f.httu < 2) return fail("CD.HD set but dirty-state HTTU is not implemented");
  if (!f.asid16 && (cd.asid >> 8) != 0) return fail("CD.ASID[15:8] != 0 with 8-bit ASIDs");

  S1WalkConfig c;
  c.oasBits = std::min<unsigned>(ipsBits(cd.ips), f.oasBits);
  c.lpa = f.oasBits >= 52;
  for (int i = 0; i < 2; ++i) {
    const bool epd = i == 0 ? cd.epd0 : cd.epd1;
    c.epd[i] = epd;
    if (epd) continue;  // TxSZ, TGx, TTBx ... are IGNORED
    Granule g;
    const bool tgOk = i == 0 ? tg0ToGranule(cd.tg0, g) : tg1ToGranule(cd.tg1, g);
    if (!tgOk) return fail(i == 0 ? "CD.TG0 reserved" : "CD.TG1 reserved");
    if (!granuleSupported(f, g))
      return fail(i == 0 ? "CD.TG0 granule not supported" : "CD.TG1 granule not supported");
    const unsigned tsz = i == 0 ? cd.t0sz : cd.t1sz;
    if (!tszValid(g, tsz, f.vax52))
      return fail(i == 0 ? "CD.T0SZ out of range" : "CD.T1SZ out of range");
    const uint64_t ttb = i == 0 ? cd.ttb0 : cd.ttb1;
    if (aboveSize(ttb, c.oasBits))
      return fail(i == 0 ? "CD.TTB0 outside the effective IPS"
                         : "CD.TTB1 outside the effective IPS");
    if (g != Granule::k64K && aboveSize(ttb, 48))
      return fail(i == 0 ? "CD.TTB0 above 48 bits with a 4K/16K granule"
                         : "CD.TTB1 above 48 bits with a 4K/16K granule");
    c.granule[i] = g;
    c.tsz[i] = static_cast<uint8_t>(tsz);
    c.ttb[i] = ttb;
  }
  c.tbi = cd.tbi & 3;
  c.ha = cd.ha;
  c.hd = cd.ha && cd.hd;  // {HD, HA} = 0b10 is reserved and behaves as both 0
  c.affd = cd.affd;
  c.wxn = cd.wxn;
  c.uwxn = cd.uwxn;
  c.pan = cd.pan;
  // IHI 0070 5.4 CD.HAD0: "if SMMU_IDR3.HAD == 0, this field and CD.HAD1 are IGNORED".
  c.had[0] = f.had && cd.had0;
  c.had[1] = f.had && cd.had1;
  out = c;
  if (why) *why = nullptr;
  return true;
}

EventId checkPermission(const LeafAttrs& a, const S1WalkConfig& cfg, const AccessAttrs& acc) {
  return checkS1Permission(a, cfg.wxn, cfg.uwxn, cfg.pan, acc);
}

WalkResult walkStage1(const S1WalkConfig& cfg, uint64_t va, const AccessAttrs& acc,
                      PhysMemIf& mem, WalkCacheHook* walkCache, S2Translator* s2) {
  WalkResult r;
  auto fault = [&r](EventId id) {
    r.fault = id;
    r.cls = id == EventId::F_WALK_EABT ? evt::CLASS_TT : evt::CLASS_IN;
    return r;
  };
  // Nested: the stage-1 descriptor at `ipa` is accessed at the PA stage 2 gives. False (and r
  // holds the stage-2 fault) when stage 2 faults.
  auto toPa = [&r, s2, &acc, &mem](uint64_t ipa, bool write, PhysAddr& pa) {
    if (!s2) {
      pa = ipa;
      return true;
    }
    const WalkResult t = [&] {
      const TimeBaseShift at(mem, r.latency);  // stage 2 walks after the reads so far
      return s2->translate(ipa, AccessAttrs{write, acc.priv, false}, evt::CLASS_TT);
    }();
    r.reads += t.reads;
    r.writes += t.writes;
    r.updateRetries += t.updateRetries;
    r.latency += t.latency;
    r.joinWait += t.joinWait;
    if (t.fault == EventId::None) {
      pa = t.pa;
      return true;
    }
    r.fault = t.fault;
    r.s2 = true;
    r.cls = evt::CLASS_TT;
    r.ipa = ipa;
    r.ttrnw = !write;
    r.level = t.level;
    r.descriptor = t.descriptor;
    r.descAddr = t.descAddr;
    return false;
  };

  // Range selection (Arm ARM AddrTop and the TTBR selection): TBI of the range VA[55] points at
  // decides whether the top byte takes part; then VA[top] picks TTB0 or TTB1.
  const unsigned bit55 = static_cast<unsigned>((va >> 55) & 1);
  const bool tbi = ((cfg.tbi >> bit55) & 1) != 0;
  const unsigned top = tbi ? 55 : 63;
  const unsigned range = static_cast<unsigned>((va >> top) & 1);
  // Canonical form of the address (top byte = sign of bit 55 when it is ignored): vaBase.
  uint64_t cva = va;
  if (tbi) cva = bit55 ? (va | bits::mask(63, 56)) : (va & ~bits::mask(63, 56));

  if (cfg.epd[range]) return fault(EventId::F_TRANSLATION);
  const Granule g = cfg.granule[range];
  const unsigned tsz = cfg.tsz[range];
  if (!walkableTsz(g, tsz)) return fault(EventId::F_TRANSLATION);
  const WalkGeometry geo = walkGeometry(g, tsz);
  if (geo.startLevel < 0) return fault(EventId::F_TRANSLATION);
  r.level = static_cast<uint8_t>(geo.startLevel);

  // VA[top:inputBits] must all equal the range bit.
  const uint64_t upper = bits::get(va, top, geo.inputBits);
  const uint64_t expect = range ? lowMask(top + 1 - geo.inputBits) : 0;
  if (upper != expect) return fault(EventId::F_TRANSLATION);

  const unsigned oas = cfg.oasBits;
  const uint64_t ttb = cfg.ttb[range];
  if (aboveSize(ttb, oas)) return fault(EventId::F_ADDR_SIZE);

  // The start-level table is aligned to its size (bits below are treated as zero), at least to
  // 16 bytes (TTB field [51:4]) or 64 bytes with a 52-bit output size (IHI 0070 CD.TTB0).
  const unsigned startBits = geo.inputBits - geo.levelShift(geo.startLevel);
  const unsigned align = std::max(startBits + 3, oas >= 52 ? 6u : 4u);
  uint64_t table = ttb & ~lowMask(align) & bits::mask(51, 0);

  bool apTable0 = false, apTable1 = false, uxnTable = false, pxnTable = false;
  // CD.HADx (IHI 0070 5.4): with hierarchical attributes disabled for this range, "the
  // APTable, PXNTable and XNTable/UXNTable fields of table descriptors walked through CD.TTBx
  // become IGNORED ... and do not affect translation": they are neither accumulated nor taken
  // from a walk-cache entry. Walk-cache entries are tagged by VMID/ASID and range, and HADx is a
  // CD field "permitted to be cached as part of a translation or TLB entry" that every CD of an
  // address space must hold alike (5.4.1; changing it needs a TLBI, which removes the entries),
  // so an entry filled under HAD (no restriction) is only found by walks under HAD. The cached
  // bits are still dropped here: an entry filled before a HAD change without the TLBI is
  // UNPREDICTABLE, and ignoring the bits is one of the allowed outcomes.
  const bool hierarchical = !cfg.had[range];
  const unsigned blockOas = cfg.lpa ? 52 : oas;
  int firstLevel = geo.startLevel;
  WalkStep cached;
  if (walkCache && walkCache->lookup(cva, range, geo, cached) && cached.level > geo.startLevel &&
      cached.level <= 3) {
    firstLevel = cached.level;
    table = cached.table;
    resumeFrom(cached, mem.timeBase(), r);
    if (hierarchical) {
      apTable0 = cached.apTable0;
      apTable1 = cached.apTable1;
      uxnTable = cached.uxnTable;
      pxnTable = cached.pxnTable;
    }
  }
  for (int level = firstLevel;; ++level) {
    const unsigned shift = geo.levelShift(level);
    const unsigned nbits = level == geo.startLevel ? startBits : geo.bitsPerLevel;
    const uint64_t index = (va >> shift) & lowMask(nbits);
    const uint64_t descIpa = table + index * 8;  // an IPA when nested, else the PA
    PhysAddr addr;
    if (!toPa(descIpa, false, addr)) return r;
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
      const uint64_t next = descOutputAddress(d, geo.granuleShift, g, cfg.lpa);
      if (aboveSize(next, oas)) return fault(EventId::F_ADDR_SIZE);
      if (hierarchical) {
        apTable0 |= ((d >> kApTable0Bit) & 1) != 0;
        apTable1 |= ((d >> kApTable1Bit) & 1) != 0;
        uxnTable |= ((d >> kUxnTableBit) & 1) != 0;
        pxnTable |= ((d >> kPxnTableBit) & 1) != 0;
      }
      table = next;
      if (walkCache)
        walkCache->fill(cva, range, geo,
                        WalkStep{level + 1, next, apTable0, apTable1, uxnTable, pxnTable,
                                 mem.timeBase() + r.latency});
      continue;
    }
    if (level == 3 && !tableOrPage) return fault(EventId::F_TRANSLATION);  // reserved at L3
    if (level < 3 && !geo.blockAllowed(level, blockOas)) return fault(EventId::F_TRANSLATION);

    // Leaf: page (level 3) or block.
    const uint64_t oa = descOutputAddress(d, shift, g, cfg.lpa);
    r.pageShift = static_cast<uint8_t>(shift);
    r.contigShift = leafSpanShift(d, shift, geo.granuleShift, level);
    r.vaBase = cva & ~lowMask(shift);
    r.paBase = oa;
    r.pa = oa | (va & lowMask(shift));
    LeafAttrs& a = r.attrs;
    a.attrIndx = static_cast<uint8_t>(bits::get(d, 4, 2));
    a.readOnly = bits::get(d, 7, 7) != 0 || apTable1;
    a.el0 = bits::get(d, 6, 6) != 0 && !apTable0;
    a.sh = static_cast<uint8_t>(bits::get(d, 9, 8));
    a.af = (d & kDescAF) != 0;
    a.ng = bits::get(d, 11, 11) != 0;
    a.dbm = bits::get(d, 51, 51) != 0;
    a.pxn = bits::get(d, 53, 53) != 0 || pxnTable;
    a.uxn = bits::get(d, 54, 54) != 0 || uxnTable;

    // Arm ARM order: Address size, then Access flag, then Permission.
    if (aboveSize(oa, oas)) return fault(EventId::F_ADDR_SIZE);
    const bool setAf = !a.af && cfg.ha;
    if (!a.af && !cfg.ha && !cfg.affd) return fault(EventId::F_ACCESS);
    a.af = true;  // AFFD: treated as 1; HA: set below
    if (checkPermission(a, cfg, acc) != EventId::None) return fault(EventId::F_PERMISSION);
    if (setAf) {
      PhysAddr waddr = addr;
      if (s2 && !toPa(descIpa, true, waddr)) return r;
      ++r.writes;
      uint64_t now = 0;
      if (mem.compareAndSwap64(waddr, d, d | kDescAF, now, &r.latency) != MemStatus::Ok)
        return fault(EventId::F_WALK_EABT);
      if (now != d) {
        // Another agent changed the descriptor since it was read: the swap did not happen and
        // the walk goes on with the descriptor memory holds now, at the same level, as the Arm
        // ARM's AArch64.S1Walk does around AArch64.MemSwapTableDesc (J1.1.4.53: "repeat ...
        // until new_descriptor == descriptor").
        d = now;
        ++r.updateRetries;
        goto evaluate;
      }
    }
    return r;
  }
}

}  // namespace smmu
