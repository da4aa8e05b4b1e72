// VMSAv8-64 stage-2 translation (IPA -> PA), pure logic: the walk configuration an STE selects,
// the stage-2 table walk with its fault checks, the stage-2 permission check of a cached leaf,
// and S2Translator, the interface through which nested walks (walk/NestedWalker.h) and CD
// fetches translate IPAs, so that an IPA cache or a stage-2 walk cache can stand in for the walk.
#pragma once
#include <cstdint>

#include "arch/Event.h"
#include "arch/Features.h"
#include "arch/Types.h"
#include "mem/PhysMem.h"
#include "walk/PageTableWalker.h"

namespace smmu {

struct Ste;

// Everything the stage-2 walk needs (the STE's VTCR-like fields and the SMMU's features).
struct S2WalkConfig {
  uint64_t ttb = 0;                 // S2TTB (byte address); bits below the size of the start
                                    // tables (concatenated) are treated as zero
  uint8_t tsz = 25;                 // S2T0SZ: the IPA input size is 64 - tsz bits
  Granule granule = Granule::k4K;   // S2TG
  int startLevel = 1;               // from S2SL0 and S2TG (s2Sl0StartLevel)
  unsigned psBits = 48;             // effective output size: MIN(S2PS, OAS)
  unsigned iasBits = 48;            // SMMU IAS (== OAS: no VMSAv8-32), for walkStage2Only
  bool lpa = false;                 // 52-bit OAS: 64 KB descriptors carry OA[51:48] in [15:12]
  bool affd = false;                // S2AFFD: AF = 0 is treated as 1
  bool ha = false;                  // S2HA: hardware sets AF
  bool hd = false;                  // S2HD (dirty state: not modelled by the walk yet)
  bool ptw = false;                 // S2PTW: stage-1 walks / CD fetches to Device -> F_PERMISSION
  bool fwb = false;                 // STE.S2FWB: MemAttr encoding with forced write-back
  bool xnx = false;                 // FEAT_XNX (SMMU_IDR3.XNX): XN[0] also counts; the features
                                    // have no flag for it, so fromSte leaves it false
  bool record = false;              // S2R: record stage-2 faults
  bool stall = false;               // S2S
  uint16_t vmid = 0;                // S2VMID

  unsigned inputBits() const { return tsz < 64 ? 64u - tsz : 0u; }
  // Tables concatenated at the start level (1 to 16 for a consistent configuration).
  unsigned concatenatedTables() const;

  // Builds the configuration from an STE with stage 2 enabled. Returns false (and the reason in
  // *why) when the STE's stage-2 fields are ILLEGAL for this SMMU (the caller raises C_BAD_STE):
  // no S2P, S2AA64 = 0, S2ENDI = 1, S2TG reserved or not supported, S2HA/S2HD beyond HTTU,
  // S2T0SZ outside [MAX(16 (12 for 64 KB), 64 - IAS), 39], S2SL0 reserved for the granule or
  // inconsistent with S2T0SZ (the start level must resolve at least one bit and at most a
  // concatenation of 16 tables), S2TTB outside the effective S2PS (or above 48 bits with
  // 4K/16K), S2VMID[15:8] != 0 with 8-bit VMIDs, S2S against the stall model.
  static bool fromSte(const Ste& s, const SmmuFeatures& f, S2WalkConfig& out,
                      const char** why = nullptr);
};

// Stage-2 start level from S2SL0 for a granule (VMSAv8-64 without DS/TTST): 4 KB 0 -> 2,
// 1 -> 1, 2 -> 0 (needs a PA size >= 44); 16 KB / 64 KB 0 -> 3, 1 -> 2, 2 -> 1 (needs
// >= 42 / 44). -1 when reserved.
int s2Sl0StartLevel(Granule g, uint8_t sl0, unsigned paBits);

// Walks the stage-2 tables for ipa. `cls` is the class of the access (evt::CLASS_IN: a
// transaction's IPA, checked with acc; CLASS_TT: a stage-1 descriptor access, a data read or,
// with acc.write, an HTTU write; CLASS_CD: a CD fetch, a data read). Checks, in order:
// Translation (IPA beyond 64 - S2T0SZ bits, invalid descriptor, block where none is legal),
// Address size (a table or output address beyond psBits), Access flag (AF = 0 unless affd/ha;
// with ha, AF is set in memory, one write, when the access does not fault), Permission
// (checkS2Permission, and S2PTW: a CLASS_TT/CD access to a Device page). A failed read or AF
// write is F_WALK_EABT with descAddr. On a fault: s2 = true, cls, ipa, and for CLASS_TT ttrnw.
// The result's attrs hold the stage-2 fields (s2Read/s2Write/s2xn/s2MemAttr; af, sh, dbm from the
// descriptor); vaBase is the IPA of the start of the page/block. walkCache: a stage-2 walk cache
// (its owner sets the VMID context) that may let the walk start below the start level; it is
// told every table descriptor read (range 0, the stage-2 geometry).
WalkResult walkStage2(const S2WalkConfig& cfg, uint64_t ipa, const AccessAttrs& acc,
                      PhysMemIf& mem, uint8_t cls = evt::CLASS_IN,
                      WalkCacheHook* walkCache = nullptr);

// Stage-2-only stream: the input address goes straight to stage 2, first checked against the IAS
// (IHI 0070 3.4: beyond it is a stage-1 F_ADDR_SIZE, s2 = false, CLASS_IN, no read).
WalkResult walkStage2Only(const S2WalkConfig& cfg, uint64_t input, const AccessAttrs& acc,
                          PhysMemIf& mem, WalkCacheHook* walkCache = nullptr);

// Stage-2 permission check of one access against cached leaf attributes (Arm ARM stage-2 rules):
// a data read needs S2AP[0], a write S2AP[1]; an instruction fetch is decided by XN alone
// (execute-only is legal). XN[1:0] with xnx: 00 executable, 01 not at EL1 (privileged), 10 never,
// 11 not at EL0 (unprivileged); without xnx only XN[1] counts. EventId::None or F_PERMISSION.
EventId checkS2Permission(const LeafAttrs& a, const S2WalkConfig& cfg, const AccessAttrs& acc);

// checkS2Permission with its only configuration input, cfg.xnx, given directly: inline, for a TLB
// hit (whose entry has no stage-2 configuration to pass).
inline EventId checkS2Permission(const LeafAttrs& a, bool xnx, const AccessAttrs& acc) {
  if (acc.instr) {
    bool xn;
    if (xnx) {
      switch (a.s2xn & 3) {
        case 0: xn = false; break;
        case 1: xn = acc.priv; break;   // not executable at EL1
        case 2: xn = true; break;
        default: xn = !acc.priv; break;  // not executable at EL0
      }
    } else {
      xn = (a.s2xn & 2) != 0;
    }
    return xn ? EventId::F_PERMISSION : EventId::None;
  }
  const bool ok = acc.write ? a.s2Write : a.s2Read;
  return ok ? EventId::None : EventId::F_PERMISSION;
}

// Whether a stage-2 MemAttr[3:0] is a Device type (without FWB: MemAttr[3:2] == 0b00; with FWB:
// MemAttr[2] == 0).
bool s2MemAttrIsDevice(uint8_t memAttr, bool fwb);

// How stage 2 is asked for a translation. The default walks memory; a cached implementation
// (IPA TLB, stage-2 walk cache) may answer from its entries, reporting the reads it made.
class S2Translator {
 public:
  virtual ~S2Translator() = default;
  // Translates ipa for an access of class cls (see walkStage2). reads/writes/latency report the
  // cost; a fault carries s2 = true, cls, ipa (and ttrnw for CLASS_TT).
  virtual WalkResult translate(uint64_t ipa, const AccessAttrs& acc, uint8_t cls) = 0;
};

// The default S2Translator: walkStage2 over memory on every call.
class S2WalkTranslator : public S2Translator {
 public:
  S2WalkTranslator(const S2WalkConfig& cfg, PhysMemIf& mem, WalkCacheHook* walkCache = nullptr)
      : cfg_(cfg), mem_(mem), walkCache_(walkCache) {}
  WalkResult translate(uint64_t ipa, const AccessAttrs& acc, uint8_t cls) override {
    return walkStage2(cfg_, ipa, acc, mem_, cls, walkCache_);
  }
  const S2WalkConfig& config() const { return cfg_; }

 private:
  S2WalkConfig cfg_;
  PhysMemIf& mem_;
  WalkCacheHook* walkCache_;
};

// Stage-2 translation of the IPA of a CD-table access (L1CD or CD) of a nested stream: a data
// read of CLASS_CD (S2PTW applies). On a fault: s2 = true, cls = CLASS_CD, ipa = the CD address.
// fetchCd() (walk/ConfigFetch.h) takes an S2Translator and calls this for each of its fetches.
WalkResult translateS2ForCd(S2Translator& s2, uint64_t ipa);
WalkResult translateS2ForCd(const S2WalkConfig& cfg, uint64_t ipa, PhysMemIf& mem);

}  // namespace smmu
