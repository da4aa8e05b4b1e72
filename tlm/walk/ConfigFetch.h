// Stream table lookup (linear and 2-level), STE checks, and CD fetch (single CD, linear and
// 2-level CD tables). Pure logic over PhysMemIf; the SMMU wraps it with its config cache.
#pragma once
#include <cstdint>

#include "arch/ContextDescriptor.h"
#include "arch/Features.h"
#include "arch/Ste.h"
#include "arch/Types.h"
#include "mem/PhysMem.h"

namespace smmu {

class S2Translator;  // walk/Stage2Walker.h

struct StreamTableConfig {
  PhysAddr base = 0;        // STRTAB_BASE.ADDR
  uint8_t log2size = 0;     // STRTAB_BASE_CFG.LOG2SIZE
  uint8_t split = 0;        // STRTAB_BASE_CFG.SPLIT
  uint8_t fmt = 0;          // STRTAB_BASE_CFG.FMT (0 linear, 1 2-level)
};

struct FetchResult {
  EventId fault = EventId::None;  // C_BAD_STREAMID, F_STE_FETCH, C_BAD_STE, C_BAD_SUBSTREAMID,
                                  // F_CD_FETCH, C_BAD_CD, F_STREAM_DISABLED (SSID 0 with
                                  // S1DSS == SSID0)
  PhysAddr faultAddr = 0;         // the address whose fetch failed (F_*_FETCH)
  unsigned reads = 0;             // memory reads made (each descriptor fetch counts once,
                                  // including one that faulted)
  Tick latency = 0;               // sum of their latencies
  // fetchCd with stage 2: the fault is a stage-2 fault (F_TRANSLATION, F_ADDR_SIZE, F_ACCESS,
  // F_PERMISSION, or F_WALK_EABT with faultAddr = the stage-2 descriptor PA) of CLASS_CD on the
  // CD-table IPA in ipa. reads/latency include the stage-2 walks.
  bool s2 = false;
  uint64_t ipa = 0;
};

// Fetches and checks the STE for sid. On success `out` holds it. An STE with V=0 is C_BAD_STE;
// a valid STE with an ILLEGAL combination (steIllegalReason) is C_BAD_STE. Config=abort is
// returned as success (the caller aborts without an event). Reserved values that the spec says
// "behave as" another are normalised in `out`: Config 0b001-0b011 -> abort, S1Fmt 0b11 -> 0,
// S1DSS 0b11 -> terminate. SID >= 2^MIN(LOG2SIZE, SIDSIZE), or an invalid/short L1STD span,
// is C_BAD_STREAMID.
FetchResult fetchSte(const StreamTableConfig& st, uint32_t sid, const SmmuFeatures& f,
                     PhysMemIf& mem, Ste& out);

// STE.S1CDMax as the SMMU uses it: IGNORED, so 0 (one CD at S1ContextPtr, substreams disabled),
// when SMMU_IDR1.SSIDSIZE == 0 (IHI 0070 5.2 STE.S1CDMax). S1Fmt and S1DSS are IGNORED whenever
// this is 0 ("If STE.S1CDMax == 0 ... or SMMU_IDR1.SSIDSIZE == 0 ..., this field is IGNORED").
inline unsigned effectiveS1CdMax(const Ste& s, const SmmuFeatures& f) {
  return f.ssidBits == 0 ? 0u : (s.s1CdMax & 0x1fu);
}

// Checks an STE for the combinations the architecture calls ILLEGAL (C_BAD_STE).
// Returns nullptr when fine, else a short reason.
const char* steIllegalReason(const Ste& s, const SmmuFeatures& f);

// Fetches and checks the CD for a stage-1 STE: ssv=false uses S1DSS rules (the caller handles
// S1DSS terminate/bypass, which apply only when effectiveS1CdMax != 0; this fetches CD 0).
// SSID beyond 2^S1CDMax (or any SSID when S1CDMax is effectively 0) or an L1CD with V=0 ->
// C_BAD_SUBSTREAMID; V=0 or illegal CD (fromCd, or CD.S with STE.S1STALLD) -> C_BAD_CD;
// external abort on a fetch -> F_CD_FETCH. `out` holds the CD whenever one was read.
// Nested stream (STE.Config == 0b111): pass the stream's S2Translator; S1ContextPtr and
// L1CD.L2Ptr are then IPAs, and each L1CD / CD address is translated by it (translateS2ForCd,
// CLASS_CD) before the fetch; a stage-2 fault sets s2 and ipa (see FetchResult).
FetchResult fetchCd(const Ste& s, uint32_t ssid, bool ssv, const SmmuFeatures& f,
                    PhysMemIf& mem, ContextDescriptor& out, S2Translator* s2 = nullptr);

}  // namespace smmu
