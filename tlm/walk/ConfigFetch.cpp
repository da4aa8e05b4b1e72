// Stream table and CD table lookups (IHI 0070 3.3, 5.1-5.4, 6.3.24/25).
//
// Model choices (Non-secure stream table of an SMMUv3.1+ without Hyp/DPT/NS1ATS/AArch32 tables):
// - Reserved encodings that the spec says "behave as" another value are normalised in the STE
//   returned by fetchSte: Config 0b001..0b011 -> abort (0b000), S1Fmt 0b11 -> 0b00,
//   S1DSS 0b11 -> 0b00 (terminate). They are not C_BAD_STE.
// - STRTAB_BASE_CFG: effective LOG2SIZE = MIN(LOG2SIZE, SIDSIZE); FMT other than 0b01 (or any
//   FMT without 2-level support) is linear; SPLIT other than 6/8/10 behaves as 6.
// - A computed STE / L1STD address above the OAS gives F_STE_FETCH (the spec allows truncation
//   or F_STE_FETCH). An S1ContextPtr above the OAS makes the STE ILLEGAL (C_BAD_STE, v3.1), an
//   L1CD.L2Ptr above it gives C_BAD_SUBSTREAMID (v3.1).
// - With stage 2 enabled, S1ContextPtr and L1CD.L2Ptr are IPAs: fetchCd translates each fetch
//   address through the S2Translator it is given (without one it uses them as PAs).
// - Each descriptor fetch (8-byte L1STD/L1CD, 64-byte STE/CD) is one read, counted even when it
//   faults.
#include "walk/ConfigFetch.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "arch/Bits.h"
#include "walk/PageTableWalker.h"
#include "walk/Stage2Walker.h"

namespace smmu {
namespace {

constexpr uint64_t lowMask(unsigned n) { return n >= 64 ? ~0ull : ((1ull << n) - 1); }
constexpr uint64_t kAddr51_6 = 0x000fffffffffffc0ull;

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

unsigned psBits(uint8_t ps) {
  static constexpr unsigned kBits[8] = {32, 36, 40, 42, 44, 48, 52, 52};
  return kBits[ps & 7];
}

// Reads an 8-byte descriptor, accounting it in r. False (and F_* in r) on an external abort.
bool fetch8(PhysMemIf& mem, PhysAddr pa, uint64_t& v, FetchResult& r, EventId onAbort) {
  ++r.reads;
  if (mem.read64(pa, v, &r.latency) != MemStatus::Ok) {
    r.fault = onAbort;
    r.faultAddr = pa;
    return false;
  }
  return true;
}

// Reads a 64-byte structure (STE or CD) as 8 little-endian doublewords.
bool fetch64B(PhysMemIf& mem, PhysAddr pa, std::array<uint64_t, 8>& w, FetchResult& r,
              EventId onAbort) {
  ++r.reads;
  unsigned char buf[64];
  if (mem.read(pa, buf, sizeof buf, &r.latency) != MemStatus::Ok) {
    r.fault = onAbort;
    r.faultAddr = pa;
    return false;
  }
  std::memcpy(w.data(), buf, sizeof buf);
  return true;
}

FetchResult withFault(FetchResult r, EventId id) {
  r.fault = id;
  return r;
}

// Stage-2 start level from S2SL0 (VMSAv8-64, no DS/TTST), or -1 when the encoding is reserved
// for the granule and the SMMU's PA size (Arm ARM AArch64.S2InvalidSL).
int s2StartLevel(Granule g, uint8_t sl0, unsigned paBits) {
  switch (g) {
    case Granule::k4K:
      if (sl0 == 0) return 2;
      if (sl0 == 1) return 1;
      if (sl0 == 2) return paBits >= 44 ? 0 : -1;
      return -1;  // 0b11: level 3 needs FEAT_TTST
    case Granule::k16K:
      if (sl0 == 0) return 3;
      if (sl0 == 1) return 2;
      if (sl0 == 2) return paBits >= 42 ? 1 : -1;
      return -1;  // 0b11: level 0 needs DS
    case Granule::k64K:
      if (sl0 == 0) return 3;
      if (sl0 == 1) return 2;
      if (sl0 == 2) return paBits >= 44 ? 1 : -1;
      return -1;
  }
  return -1;
}

}  // namespace

const char* steIllegalReason(const Ste& s, const SmmuFeatures& f) {
  if (!s.valid) return "STE.V == 0";
  const uint8_t cfg = s.config & 7;
  if ((cfg & 4) == 0) return nullptr;  // abort (0b0xx): no translation fields are used
  const bool s1 = (cfg & 1) != 0, s2 = (cfg & 2) != 0;
  if (s1 && !f.s1p) return "Config enables stage 1 but S1P == 0";
  if (s2 && !f.s2p) return "Config enables stage 2 but S2P == 0";

  // EATS is IGNORED without ATS and for bypass. NS1ATS and DPT are not implemented (EATS 0b11
  // then behaves as 0b00).
  if (f.ats && (cfg & 3) != 0) {
    if (s.eats == 2 && (cfg != ste::CFG_NESTED || s.s2s))
      return "EATS == 0b10 (split-stage) needs Config 0b111 and S2S == 0";
    if (s.eats == 1 && s2 && s.s2s) return "EATS == 0b01 with stage 2 and S2S == 1";
  }

  if (s1) {
    // STRW is used for stage-1-only streams; 0bx1 is reserved for Non-secure STEs.
    if (!s2 && (s.strw & 1)) return "STRW reserved (0bx1)";
    if (s.s1stalld && f.stallModel != 0)
      return "S1STALLD == 1 but the stall model is not configurable";
    // Only fields the SMMU uses can make the STE ILLEGAL: without substreams (SSIDSIZE == 0)
    // S1CDMax is IGNORED, and S1Fmt is IGNORED when S1CDMax is (effectively) 0.
    if (f.ssidBits != 0 && s.s1CdMax > f.ssidBits) return "S1CDMax > SSIDSIZE";
    if (effectiveS1CdMax(s, f) != 0 && !f.cd2l && (s.s1fmt == 1 || s.s1fmt == 2))
      return "2-level CD table but CD2L == 0";
    // IAS == OAS here (no AArch32 stage 1), so the same bound applies to the IPA case.
    if (aboveSize(s.s1ContextPtr, f.oasBits)) return "S1ContextPtr outside the OAS";
  }

  // S2VMID is used with stage 2, and with a stage-1-only NS-EL1 stream when S2P == 1.
  const bool vmidUsed = s2 || (s1 && f.s2p && s.strw == 0);
  if (vmidUsed && !f.vmid16 && (s.s2vmid >> 8) != 0) return "S2VMID[15:8] != 0 with 8-bit VMIDs";

  if (s2) {
    if (f.stallModel == 1 && s.s2s) return "S2S == 1 but the SMMU cannot stall";
    if (f.stallModel == 2 && !s.s2s) return "S2S == 0 but the SMMU forces stalls";
    if (!s.s2aa64) return "S2AA64 == 0: VMSAv8-32 LPAE tables are not supported";
    if (!f.ttfAarch64) return "S2AA64 == 1 but VMSAv8-64 tables are not supported (TTF)";
    if ((s.s2ha || s.s2hd) && f.httu == 0) return "S2HA/S2HD set but HTTU is not implemented";
    if (s.s2hd && f.httu < 2) return "S2HD set but dirty-state HTTU is not implemented";
    if (s.s2endi) return "S2ENDI == 1: big-endian tables";
    Granule g;
    if (!tg0ToGranule(s.s2tg, g)) return "S2TG reserved";
    if (!granuleSupported(f, g)) return "S2TG granule not supported";
    const unsigned ps = std::min<unsigned>(psBits(s.s2ps), f.oasBits);
    if (aboveSize(s.s2ttb, ps)) return "S2TTB outside the effective S2PS";
    if (g != Granule::k64K && aboveSize(s.s2ttb, 48)) return "S2TTB above 48 bits with 4K/16K";
    // S2T0SZ: [MAX(16 or 12, 64 - IAS), 39]; IAS == OAS.
    const unsigned ias = f.oasBits;
    const unsigned minTsz = std::max(g == Granule::k64K ? 12u : 16u, ias < 64 ? 64 - ias : 0u);
    if (s.s2t0sz < minTsz || s.s2t0sz > 39) return "S2T0SZ out of range";
    // S2SL0 consistent with S2T0SZ and S2TG (Arm ARM AArch64.S2InconsistentSL): the start level
    // must resolve at least one bit and at most a 16-table concatenation.
    const int sl = s2StartLevel(g, s.s2sl0, f.oasBits);
    if (sl < 0) return "S2SL0 reserved for this granule";
    const WalkGeometry geo = walkGeometry(g, s.s2t0sz);
    const unsigned slShift = geo.levelShift(sl);
    if (geo.inputBits < slShift + 1 || geo.inputBits > slShift + geo.bitsPerLevel + 4)
      return "S2SL0 inconsistent with S2T0SZ/S2TG";
  }
  return nullptr;
}

FetchResult fetchSte(const StreamTableConfig& st, uint32_t sid, const SmmuFeatures& f,
                     PhysMemIf& mem, Ste& out) {
  FetchResult r;
  const unsigned log2size = std::min<unsigned>(st.log2size & 0x3f, f.sidBits);
  if ((static_cast<uint64_t>(sid) >> log2size) != 0) return withFault(r, EventId::C_BAD_STREAMID);

  const uint64_t base = st.base & kAddr51_6;
  PhysAddr steAddr;
  if (st.fmt == 1 && f.stLevel2) {
    const unsigned split = (st.split == 6 || st.split == 8 || st.split == 10) ? st.split : 6;
    // L1 table aligned to MAX(64 bytes, its size), from the literal LOG2SIZE.
    const int l1Log2Bytes = static_cast<int>(st.log2size & 0x3f) - static_cast<int>(split) + 3;
    const unsigned align = static_cast<unsigned>(std::max(6, l1Log2Bytes));
    const PhysAddr l1Addr = (base & ~lowMask(align)) + (static_cast<uint64_t>(sid) >> split) * 8;
    if (aboveSize(l1Addr, f.oasBits)) {
      r.faultAddr = l1Addr;
      return withFault(r, EventId::F_STE_FETCH);
    }
    uint64_t d = 0;
    if (!fetch8(mem, l1Addr, d, r, EventId::F_STE_FETCH)) return r;
    const StL1Desc l1 = StL1Desc::decode(d);
    // Span 0 is invalid, 12..31 are reserved (behave as 0), and Span may not exceed SPLIT + 1.
    if (l1.span == 0 || l1.span > 11 || l1.span > split + 1)
      return withFault(r, EventId::C_BAD_STREAMID);
    const uint64_t l2Index = sid & lowMask(split);
    if ((l2Index >> (l1.span - 1)) != 0) return withFault(r, EventId::C_BAD_STREAMID);
    const uint64_t l2Base = l1.l2ptr & ~lowMask(6 + l1.span - 1);  // aligned to its size
    steAddr = l2Base + l2Index * 64;
  } else {
    // Linear: aligned to the table size, from the literal LOG2SIZE.
    steAddr = (base & ~lowMask((st.log2size & 0x3f) + 6u)) + static_cast<uint64_t>(sid) * 64;
  }
  if (aboveSize(steAddr, f.oasBits)) {
    r.faultAddr = steAddr;
    return withFault(r, EventId::F_STE_FETCH);
  }
  Ste::Words w{};
  if (!fetch64B(mem, steAddr, w, r, EventId::F_STE_FETCH)) return r;
  Ste s = Ste::decode(w);
  if (!s.valid || steIllegalReason(s, f) != nullptr) {
    out = s;
    return withFault(r, EventId::C_BAD_STE);
  }
  if ((s.config & 4) == 0) s.config = ste::CFG_ABORT;  // 0b0xx behaves as abort
  if (s.s1fmt == 3) s.s1fmt = ste::S1FMT_LINEAR;
  if (s.s1dss == 3) s.s1dss = ste::S1DSS_TERMINATE;
  out = s;
  return r;
}

FetchResult fetchCd(const Ste& s, uint32_t ssid, bool ssv, const SmmuFeatures& f,
                    PhysMemIf& mem, ContextDescriptor& out, S2Translator* s2) {
  FetchResult r;
  // Nested: the CD-table address `ipa` is fetched at the PA stage 2 gives; false (and r holds
  // the stage-2 fault) when stage 2 faults.
  auto toPa = [&r, s2, &mem](uint64_t ipa, PhysAddr& pa) {
    if (!s2) {
      pa = ipa;
      return true;
    }
    const WalkResult t = [&] {
      const TimeBaseShift at(mem, r.latency);  // stage 2 walks after the reads so far
      return translateS2ForCd(*s2, ipa);
    }();
    r.reads += t.reads;
    r.latency += t.latency;
    if (t.fault == EventId::None) {
      pa = t.pa;
      return true;
    }
    r.fault = t.fault;
    r.s2 = true;
    r.ipa = ipa;
    r.faultAddr = t.fault == EventId::F_WALK_EABT ? t.descAddr : 0;
    return false;
  };
  const bool s1 = (s.config & 4) != 0 && (s.config & 1) != 0;
  if (!s1) return withFault(r, ssv ? EventId::C_BAD_SUBSTREAMID : EventId::C_BAD_STE);

  // S1CDMax is IGNORED (effectively 0) when substreams are not supported.
  const unsigned cdMax = effectiveS1CdMax(s, f);
  const uint64_t ctx = s.s1ContextPtr & kAddr51_6;
  uint64_t index = 0;
  if (ssv) {
    if (cdMax == 0 || (static_cast<uint64_t>(ssid) >> cdMax) != 0)
      return withFault(r, EventId::C_BAD_SUBSTREAMID);
    // With S1DSS == SSID0, substream 0 belongs to non-substream traffic.
    if (ssid == 0 && s.s1dss == ste::S1DSS_SSID0) return withFault(r, EventId::F_STREAM_DISABLED);
    index = ssid;
  }

  PhysAddr cdAddr;
  const uint8_t fmt = s.s1fmt == 3 ? ste::S1FMT_LINEAR : s.s1fmt;
  if (cdMax == 0 || fmt == ste::S1FMT_LINEAR) {
    // One CD, or a linear table of 2^S1CDMax CDs aligned to its size (RES0 low bits as zero).
    cdAddr = (ctx & ~lowMask(cdMax + 6)) + index * 64;
    if (aboveSize(cdAddr, f.oasBits)) return withFault(r, EventId::C_BAD_STE);
  } else {
    const unsigned l2Bits = fmt == ste::S1FMT_2LVL_4K ? 6 : 10;  // 64 or 1024 CDs per L2 table
    const unsigned l1Entries = cdMax > l2Bits ? cdMax - l2Bits : 0;
    const unsigned l1Align = std::max(6u, l1Entries + 3);
    const PhysAddr l1Addr = (ctx & ~lowMask(l1Align)) + (index >> l2Bits) * 8;
    if (aboveSize(l1Addr, f.oasBits)) return withFault(r, EventId::C_BAD_STE);
    uint64_t d = 0;
    PhysAddr l1Pa;
    if (!toPa(l1Addr, l1Pa)) return r;
    if (!fetch8(mem, l1Pa, d, r, EventId::F_CD_FETCH)) return r;
    const CdL1Desc l1 = CdL1Desc::decode(d);
    if (!l1.valid) return withFault(r, EventId::C_BAD_SUBSTREAMID);
    // L2 tables are 4 KB / 64 KB aligned (L2Ptr[15:12] RES0 for 64 KB: treated as zero).
    const uint64_t l2Base = l1.l2ptr & ~lowMask(l2Bits + 6);
    cdAddr = l2Base + (index & lowMask(l2Bits)) * 64;
    if (aboveSize(cdAddr, f.oasBits)) return withFault(r, EventId::C_BAD_SUBSTREAMID);
  }

  ContextDescriptor::Words w{};
  PhysAddr cdPa;
  if (!toPa(cdAddr, cdPa)) return r;
  if (!fetch64B(mem, cdPa, w, r, EventId::F_CD_FETCH)) return r;
  const ContextDescriptor cd = ContextDescriptor::decode(w);
  out = cd;
  if (!cd.valid) return withFault(r, EventId::C_BAD_CD);
  // STE-dependent CD rules: stalls disabled for the stream but requested by the CD.
  if (s.s1stalld && cd.s) return withFault(r, EventId::C_BAD_CD);
  S1WalkConfig cfg;
  if (!S1WalkConfig::fromCd(cd, f, cfg)) return withFault(r, EventId::C_BAD_CD);
  return r;
}

}  // namespace smmu
