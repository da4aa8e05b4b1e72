// The TBU's translation cache behind its interface (cache/CacheIf.h), so that replacement
// policies, the micro/main hierarchy and an RTL TLB (Verilator) can stand in for the default one.
#pragma once
#include <cstdint>

#include "arch/Types.h"
#include "cache/CacheIf.h"
#include "walk/PageTableWalker.h"

namespace smmu {

// What lookups and invalidations match. Looked up by stream context (sid, ssid, ssv) and input
// address; tagged with ASID/VMID so that TLBI by ASID/VA finds it, and with the stream so that
// CFGI_STE/CD finds it (the TBU caches configuration and translation together, like MMU-600's
// micro TLB). Without ssv the ssid plays no part.
struct TlbTag {
  uint32_t sid = 0;
  uint32_t ssid = 0;
  bool ssv = false;
  uint16_t asid = 0;
  uint16_t vmid = 0;
  bool global = false;   // !nG: matches any ASID for TLBI_NH_VA's ASID check
  uint64_t vaBase = 0;   // aligned to 2^pageShift
  uint8_t pageShift = 12;
};

// What a hit gives: the output page, its attributes, and the context flags the permission
// check needs (from the CD and STE).
struct TlbOutput {
  bool bypass = false;       // stage-1 bypass: vaBase..+2^pageShift maps 1:1
  PhysAddr paBase = 0;
  uint8_t level = 3;         // the level of the leaf descriptor
  LeafAttrs attrs;
  bool wxn = false, uwxn = false, pan = false;
  bool recordFaults = true;  // CD.R: faults of this context are recorded
  uint8_t privcfg = 0, instcfg = 0;  // the stream's STE.PRIVCFG / INSTCFG overrides
  uint8_t stages = 1;        // 1 stage 1 only, 2 stage 2 only, 3 nested (combined S1+S2 entry)
  bool s2Record = false;     // STE.S2R: stage-2 faults of this stream are recorded
};

struct TlbEntry {
  TlbTag tag;
  TlbOutput out;
  Tick readyAt = 0;  // the fill completes at this time; an earlier hit waits for it
};

struct TlbLookupKey {
  uint32_t sid = 0;
  uint32_t ssid = 0;
  bool ssv = false;
  uint64_t va = 0;
};

// Every scope the TLBI/CFGI commands invalidate a TBU TLB by.
struct TlbInvalidation {
  enum class Scope : uint8_t {
    All,        // CFGI_ALL, CFGI_STE_RANGE over everything, TLBI_NSNH_ALL
    Vmid,       // TLBI_NH_ALL, TLBI_S12_VMALL: every entry of vmid
    Asid,       // TLBI_NH_ASID: non-global entries of (vmid, asid)
    Va,         // TLBI_NH_VA (asidMatch: entries of asid or global), NH_VAA, S2_IPA:
                // entries of vmid overlapping [va, va + len)
    Streams,    // CFGI_STE(_RANGE), CFGI_CD_ALL: entries of sid in [sid, sidLast]
    Substream,  // CFGI_CD: entries of (sid, ssid); a non-substream entry counts as ssid 0
  };
  Scope scope = Scope::All;
  uint16_t vmid = 0, asid = 0;
  bool asidMatch = false;
  uint64_t va = 0, len = 0;  // len 0 removes nothing; a range past 2^64 is clipped
  uint32_t sid = 0, sidLast = 0, ssid = 0;

  static TlbInvalidation all() { return {}; }
  static TlbInvalidation ofVmid(uint16_t vmid) {
    TlbInvalidation i;
    i.scope = Scope::Vmid;
    i.vmid = vmid;
    return i;
  }
  static TlbInvalidation ofAsid(uint16_t vmid, uint16_t asid) {
    TlbInvalidation i = ofVmid(vmid);
    i.scope = Scope::Asid;
    i.asid = asid;
    return i;
  }
  static TlbInvalidation ofVa(uint16_t vmid, uint16_t asid, bool asidMatch, uint64_t va,
                              uint64_t len) {
    TlbInvalidation i = ofAsid(vmid, asid);
    i.scope = Scope::Va;
    i.asidMatch = asidMatch;
    i.va = va;
    i.len = len;
    return i;
  }
  static TlbInvalidation ofStreams(uint32_t first, uint32_t last) {
    TlbInvalidation i;
    i.scope = Scope::Streams;
    i.sid = first;
    i.sidLast = last;
    return i;
  }
  static TlbInvalidation ofSubstream(uint32_t sid, uint32_t ssid) {
    TlbInvalidation i;
    i.scope = Scope::Substream;
    i.sid = sid;
    i.ssid = ssid;
    return i;
  }
};

class TlbIf : public CacheIf<TlbLookupKey, TlbEntry, TlbInvalidation> {};

}  // namespace smmu
