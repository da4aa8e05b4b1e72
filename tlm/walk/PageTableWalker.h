// VMSAv8-64 stage-1 translation table walk (4 KB, 16 KB, 64 KB granules), pure logic.
// Reads descriptors through PhysMemIf, so a unit test drives it with SparseMemory and the SMMU
// drives it through its memory port (which accounts the latency in simulated time).
#pragma once
#include <cstdint>

#include "arch/Features.h"
#include "arch/Types.h"
#include "mem/PhysMem.h"

namespace smmu {

struct ContextDescriptor;

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
  unsigned writes = 0;            // descriptor writes (HTTU AF update)
  Tick latency = 0;               // sum of the memory latencies of those reads
};

// Walks the table for va. Performs the permission check for `acc` too (F_PERMISSION), and the
// AF check (F_ACCESS unless affd/ha). With ha the walker sets AF in the leaf in memory (one
// write, counted in `writes`) when the access does not fault; hardware dirty-state update (hd)
// comes with the HTTU work. vaBase is the canonical VA (a TBI tag replaced by the sign of bit
// 55). The contiguous hint is ignored (the result is the single page/block). Fault order:
// Translation, Address size, Access flag, Permission; a failed descriptor read or AF write is
// F_WALK_EABT with descAddr.
WalkResult walkStage1(const S1WalkConfig& cfg, uint64_t va, const AccessAttrs& acc,
                      PhysMemIf& mem);

// Permission check of one access against cached leaf attributes (IHI 0070 / VMSAv8-64 rules:
// AP[2:1], UXN/PXN, WXN, PAN). Returns EventId::None or EventId::F_PERMISSION.
EventId checkPermission(const LeafAttrs& a, const S1WalkConfig& cfg, const AccessAttrs& acc);

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
// Legal CD TxSZ for a granule on an SMMU without SMMU_IDR3.STT: [16, 39] for every granule, or
// [12, 39] for 64 KB when vax52 (IHI 0070 CD.T0SZ). (The walker itself accepts the wider
// FEAT_TTST-style range, up to 48 / 47 for 64 KB, so that start level 3 is reachable.)
bool tszValid(Granule g, unsigned tsz, bool vax52);

}  // namespace smmu
