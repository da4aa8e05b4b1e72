// VMSAv8-64 stage-1 translation table walk (4 KB, 16 KB, 64 KB granules), pure logic.
// Reads descriptors through PhysMemIf, so a unit test drives it with SparseMemory and the SMMU
// drives it through its memory port (which accounts the latency in simulated time).
#pragma once
#include <cstdint>

#include "arch/Event.h"
#include "arch/Features.h"
#include "arch/Types.h"
#include "mem/PhysMem.h"

namespace smmu {

struct ContextDescriptor;
class S2Translator;  // walk/Stage2Walker.h

// Everything the stage-1 walk needs, taken from a CD (and the SMMU's features).
struct S1WalkConfig {
  uint64_t ttb[2] = {0, 0};        // TTB0, TTB1 (byte addresses)
  uint8_t tsz[2] = {16, 16};       // T0SZ, T1SZ
  Granule granule[2] = {Granule::k4K, Granule::k4K};
  bool epd[2] = {false, true};     // translation through TTBn disabled
  uint8_t tbi = 0;                 // top-byte ignore, bit 0 for TTB0 range, bit 1 for TTB1
  unsigned oasBits = 48;           // effective output size: min(CD.IPS, SMMU OAS)
  bool affd = false;               // AF fault disable: AF=0 is treated as AF=1
  bool ha = false;                 // HTTU: hardware sets AF
  bool hd = false;                 // HTTU: hardware dirty state (DBM)
  bool wxn = false, uwxn = false, pan = false;
  // Hierarchical attributes disabled for walks through TTB0 / TTB1: CD.HAD0 / CD.HAD1 when
  // SMMU_IDR3.HAD == 1 (IHI 0070 5.4 CD.HAD0; without IDR3.HAD the CD fields are IGNORED). The
  // walk then ignores APTable, UXNTable/XNTable and PXNTable of the table descriptors.
  bool had[2] = {false, false};
  // The SMMU implements 52-bit PAs (SMMU_IDR5.OAS == 52, FEAT_LPA): with the 64 KB granule,
  // descriptors carry OA[51:48] in bits [15:12] and level-1 blocks (4 TB) are legal. Set by
  // fromCd(); independent of the CD's IPS (which only bounds the output, via oasBits).
  bool lpa = false;

  // Builds the walk configuration from a CD. Returns false (and the reason in *why) when the CD
  // holds a value the SMMU cannot use (reserved TG, T0SZ out of range, AA64=0, IPS reserved):
  // the caller then raises C_BAD_CD.
  static bool fromCd(const ContextDescriptor& cd, const SmmuFeatures& f, S1WalkConfig& out,
                     const char** why = nullptr);
};

// Effective leaf permissions and attributes, after hierarchical APTable/XNTable are applied.
// This is what a TLB entry caches; checkPermission() decides each later access from it.
struct LeafAttrs {
  bool readOnly = false;     // AP[2] (or APTable[1]) - no write at any level
  bool el0 = false;          // AP[1] - unprivileged access allowed (APTable[0] clears it)
  bool uxn = false;          // UXN/XN (or XNTable/UXNTable)
  bool pxn = false;          // PXN (or PXNTable)
  bool af = true;            // access flag (after AFFD/HA)
  bool dbm = false;          // dirty bit modifier
  bool ng = false;           // not global (entry tagged by ASID)
  uint8_t attrIndx = 0;      // AttrIndx [4:2]
  uint8_t sh = 0;            // SH [9:8]
  // Stage 2 (walk/Stage2Walker.h): the stage-2 leaf of a stage-2-only or nested translation.
  // The defaults allow every access, so stage-1-only entries are unaffected; checkS2Permission()
  // decides an access from them. S2AP[0] (bit 6) read, S2AP[1] (bit 7) write, XN[1:0] [54:53],
  // MemAttr [5:2]. (A stage-2-only leaf leaves the stage-1 fields above at their defaults except
  // af/sh/dbm, which are then the stage-2 descriptor's: do not use checkPermission() on it.)
  bool s2Read = true;
  bool s2Write = true;
  uint8_t s2xn = 0;
  uint8_t s2MemAttr = 0xf;   // Normal Write-Back (the value never counts as Device)
};

struct WalkResult {
  EventId fault = EventId::None;  // F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION, F_WALK_EABT
  PhysAddr pa = 0;                // output address of the requested byte
  uint64_t vaBase = 0;            // input address of the start of the page/block
  PhysAddr paBase = 0;            // output address of the start of the page/block
  uint8_t pageShift = 0;          // log2 of the page/block size (12, 21, 30, 14, 25, 16, 29, 42)
  uint8_t level = 0;              // level of the leaf (or of the faulting descriptor)
  uint64_t descriptor = 0;        // the leaf (or faulting) descriptor as read
  PhysAddr descAddr = 0;          // where that descriptor is (F_WALK_EABT: the failed address)
  LeafAttrs attrs;
  unsigned reads = 0;             // descriptor reads made by this walk
  unsigned writes = 0;            // descriptor updates (HTTU AF: atomic compare-and-swap)
  // Updates that found the descriptor changed since it was read (by another agent): the walk
  // went on with the new value at the same level.
  unsigned updateRetries = 0;
  Tick latency = 0;               // sum of the memory latencies of those reads
  // Event-record details (IHI 0070 7.3). s2: the fault is a stage-2 fault. cls: evt::CLASS_CD /
  // CLASS_TT / CLASS_IN of the access that faulted (stage 1: TT for F_WALK_EABT, else IN).
  // ipa: for stage-2 and nested walks, the IPA given to stage 2 (on a stage-2 fault the one that
  // faulted: a stage-1 descriptor address for CLASS_TT, a CD address for CLASS_CD); on a nested
  // success, the IPA stage 1 output. ttrnw: CLASS_TT stage-2 faults, 1 = the descriptor read
  // faulted, 0 = the HTTU descriptor write did.
  bool s2 = false;
  uint8_t cls = evt::CLASS_IN;
  uint64_t ipa = 0;
  bool ttrnw = true;
  // Time this walk waited for table descriptors another walk was still reading, having resumed
  // from a walk-cache (or in-flight walk) step not yet ready (included in latency; nested: the
  // stage-2 walks' waits too). Non-zero: the walk joined a walk in flight.
  Tick joinWait = 0;
  // log2 of the span the leaf's contiguous hint covers (pageShift when the hint is clear): the
  // aligned block of 2^contigShift input bytes that maps contiguously, which a TLB may cache as
  // one entry (VMSAv8-64: 16 entries with 4 KB, 128/32 with 16 KB at L3/L2, 32 with 64 KB).
  uint8_t contigShift = 0;
};

// Where a walk can resume: the table to read at `level` and the hierarchical attributes
// (APTable, XNTable) accumulated by the table descriptors above it, as the walk applied them
// (all false for a walk with hierarchical attributes disabled, S1WalkConfig::had).
struct WalkStep {
  int level = 0;
  PhysAddr table = 0;
  bool apTable0 = false, apTable1 = false, uxnTable = false, pxnTable = false;
  // Simulated time at which the table descriptor that led here had been read (the walker's
  // time base plus the walk's latency so far). A walk resuming from a step earlier than that
  // waits for it: it has joined the walk that is reading it (walk-prefix coalescing).
  Tick readyAt = 0;
};

// A walk cache as the walker sees it. lookup() may return the deepest cached step for va
// (step.level > start level); fill() is told each step a table descriptor led to.
// `range` is 0 for TTB0, 1 for TTB1 (always 0 for stage 2).
class WalkCacheHook {
 public:
  virtual ~WalkCacheHook() = default;
  virtual bool lookup(uint64_t va, unsigned range, const struct WalkGeometry& geo,
                      WalkStep& step) = 0;
  virtual void fill(uint64_t va, unsigned range, const struct WalkGeometry& geo,
                    const WalkStep& step) = 0;
};

// Walks the table for va. Performs the permission check for `acc` too (F_PERMISSION), and the
// AF check (F_ACCESS unless affd/ha). With ha the walker sets AF in the leaf in memory (one
// atomic compare-and-swap against the value read, counted in `writes`; if the descriptor changed
// meanwhile, the leaf is evaluated again as memory holds it) when the access does not fault;
// hardware dirty-state update (hd) comes with the HTTU work. vaBase is the canonical VA (a TBI tag replaced by the sign of bit
// 55). The result is the single page/block; contigShift reports the span of its contiguous
// hint for a TLB that uses it. Fault order:
// Translation, Address size, Access flag, Permission; a failed descriptor read or AF write is
// F_WALK_EABT with descAddr.
//
// Nested translation: with s2 non-null every descriptor address (TTBn included) is an IPA that
// s2 translates (CLASS_TT, as a data read; the HTTU AF write is translated again, as a data
// write) before the access. reads/writes/latency include what s2 reports. A stage-2 fault stops
// the walk with s2's fault: s2 = true, cls = CLASS_TT, ipa = the descriptor IPA, ttrnw, and
// level/descriptor/descAddr of the stage-2 descriptor. descAddr of a stage-1 descriptor is then
// its PA. (walk/NestedWalker.h adds the stage-2 translation of the output.)
WalkResult walkStage1(const S1WalkConfig& cfg, uint64_t va, const AccessAttrs& acc,
                      PhysMemIf& mem, WalkCacheHook* walkCache = nullptr,
                      S2Translator* s2 = nullptr);

// Permission check of one access against cached leaf attributes (IHI 0070 / VMSAv8-64 rules:
// AP[2:1], UXN/PXN, WXN, PAN). Returns EventId::None or EventId::F_PERMISSION.
EventId checkPermission(const LeafAttrs& a, const S1WalkConfig& cfg, const AccessAttrs& acc);

// checkPermission with the walk configuration's only inputs, cfg.wxn, cfg.uwxn and cfg.pan, given
// directly: inline, for a TLB hit (whose entry keeps those flags, not a whole configuration).
inline EventId checkS1Permission(const LeafAttrs& a, bool wxn, bool uwxn, bool pan,
                                 const AccessAttrs& acc) {
  // Arm ARM stage-1 EL1&0 permission model, from AP[2:1] (after APTable):
  //   AP[2:1] 00 priv RW / user none, 01 RW / RW, 10 RO / none, 11 RO / RO.
  const bool userR = a.el0;
  const bool userW = a.el0 && !a.readOnly;
  const bool privW = !a.readOnly;
  if (acc.instr) {
    bool xn;
    if (acc.priv) {
      // Every EL0-writable region is PXN in VMSAv8-64 (so UWXN adds nothing here).
      xn = a.pxn || userW || (wxn && privW) || (uwxn && userW);
    } else {
      xn = a.uxn || (wxn && userW);
    }
    return xn ? EventId::F_PERMISSION : EventId::None;
  }
  if (acc.priv) {
    if (pan && userR) return EventId::F_PERMISSION;  // PAN: no privileged data access
    if (acc.write && !privW) return EventId::F_PERMISSION;
    return EventId::None;
  }
  if (!userR) return EventId::F_PERMISSION;
  if (acc.write && !userW) return EventId::F_PERMISSION;
  return EventId::None;
}

// Geometry helpers: for a granule and input size, the start level and the bits per level.
struct WalkGeometry {
  unsigned granuleShift;  // 12, 14, 16
  unsigned bitsPerLevel;  // 9, 11, 13
  int startLevel;         // 0..3; -1 when not walkable (52-bit 4K/LPA2, or nothing to resolve)
  unsigned inputBits;     // 64 - TxSZ
  // log2 of the region one descriptor at `level` maps.
  unsigned levelShift(int level) const { return granuleShift + bitsPerLevel * (3 - level); }
  // Whether a block descriptor is legal at `level` for this granule (4K: L1,L2; 16K: L2;
  // 64K: L2 and, with 52-bit OA, L1).
  bool blockAllowed(int level, unsigned oasBits) const;
};
WalkGeometry walkGeometry(Granule g, unsigned tsz);
// log2 of the number of descriptors a contiguous hint spans at `level` for a granule (Arm ARM
// D8.6.1, without FEAT_LPA2): 4 KB 16 at every level, 16 KB 128 at L3 and 32 at L2, 64 KB 32.
unsigned contiguousLog2(unsigned granuleShift, int level);
// log2 of the span of a leaf descriptor `d` mapping 2^shift bytes at `level`: the contiguous
// hint's span if bit 52 is set, else the leaf's own size.
inline uint8_t leafSpanShift(uint64_t d, unsigned shift, unsigned granuleShift, int level) {
  return uint8_t((d >> 52) & 1 ? shift + contiguousLog2(granuleShift, level) : shift);
}
// A walk resuming from `step` at the walker's time base + r.latency: a step whose descriptor
// read has not completed yet is waited for (the walk joins the walk reading it).
inline void resumeFrom(const WalkStep& step, Tick timeBase, WalkResult& r) {
  const Tick before = r.latency;
  if (waitUntil(step.readyAt, timeBase, r.latency)) r.joinWait += r.latency - before;
}
// Legal CD TxSZ for a granule on an SMMU without SMMU_IDR3.STT: [16, 39] for every granule, or
// [12, 39] for 64 KB when vax52 (IHI 0070 CD.T0SZ). (The walker itself accepts the wider
// FEAT_TTST-style range, up to 48 / 47 for 64 KB, so that start level 3 is reachable.)
bool tszValid(Granule g, unsigned tsz, bool vax52);

}  // namespace smmu
