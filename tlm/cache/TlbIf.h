// The TBU's translation cache behind a small interface, so that replacement policies, the
// micro/main hierarchy and an RTL TLB (Verilator) can stand in for the default one.
#pragma once
#include <cstdint>

#include "arch/Types.h"
#include "walk/PageTableWalker.h"

namespace smmu {

// A cached translation. Looked up by stream context (sid, ssid) and input address; tagged with
// ASID/VMID so that TLBI by ASID/VA finds it, and with the stream so that CFGI_STE/CD finds it
// (the TBU caches configuration and translation together, like MMU-600's micro TLB).
struct TlbEntry {
  uint32_t sid = 0;
  uint32_t ssid = 0;
  bool ssv = false;
  uint16_t asid = 0;
  uint16_t vmid = 0;
  bool global = false;       // !nG: matches any ASID for TLBI_NH_VA's ASID check
  bool bypass = false;       // stage-1 bypass: vaBase..+2^pageShift maps 1:1
  uint64_t vaBase = 0;       // aligned to 2^pageShift
  PhysAddr paBase = 0;
  uint8_t pageShift = 12;
  uint8_t level = 3;
  LeafAttrs attrs;
  // Context flags the permission check needs on a hit (from the CD), and whether faults of
  // this context are recorded (CD.R).
  bool wxn = false, uwxn = false, pan = false;
  bool recordFaults = true;
  uint8_t privcfg = 0, instcfg = 0;  // the stream's STE.PRIVCFG / INSTCFG overrides
  uint8_t stages = 1;        // 1 stage 1 only, 2 stage 2 only, 3 nested (combined S1+S2 entry)
  bool s2Record = false;     // STE.S2R: stage-2 faults of this stream are recorded
  Tick readyAt = 0;          // the fill completes at this time; an earlier hit waits for it
};

struct TlbLookupKey {
  uint32_t sid;
  uint32_t ssid;
  bool ssv;
  uint64_t va;
};

class TlbIf {
 public:
  virtual ~TlbIf() = default;
  // Returns the entry that translates key.va for this stream context, or nullptr.
  // The pointer is valid until the next insert/invalidate.
  virtual const TlbEntry* lookup(const TlbLookupKey& key) = 0;
  virtual void insert(const TlbEntry& e) = 0;

  // Invalidation (what TLBI/CFGI commands need); each returns the number of entries removed.
  virtual unsigned invalidateAll() = 0;
  virtual unsigned invalidateVmid(uint16_t vmid) = 0;                 // TLBI_S12_VMALL, NH_ALL
  virtual unsigned invalidateAsid(uint16_t vmid, uint16_t asid) = 0;  // TLBI_NH_ASID (non-global)
  // TLBI_NH_VA (asidMatch=true: entries of that ASID plus global ones) / NH_VAA (any ASID);
  // removes entries overlapping [va, va+len). leafOnly does not change what a TLB of leaves holds.
  virtual unsigned invalidateVa(uint16_t vmid, uint16_t asid, bool asidMatch, uint64_t va,
                                uint64_t len) = 0;
  virtual unsigned invalidateStream(uint32_t sidFirst, uint32_t sidLast) = 0;  // CFGI_STE(_RANGE)
  virtual unsigned invalidateSubstream(uint32_t sid, uint32_t ssid) = 0;      // CFGI_CD

  virtual unsigned capacity() const = 0;
  virtual unsigned occupancy() const = 0;
};

}  // namespace smmu
