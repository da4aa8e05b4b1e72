// Nested (stage 1 + stage 2) translation, pure logic: the stage-1 walk reads each descriptor at
// the PA stage 2 gives for its IPA, and the IPA stage 1 outputs is translated by stage 2. Stage 2
// is asked through an S2Translator (walk/Stage2Walker.h), so IPA / stage-2 walk caches can be
// slotted in by the caller.
#pragma once
#include <cstdint>

#include "arch/Types.h"
#include "mem/PhysMem.h"
#include "walk/PageTableWalker.h"
#include "walk/Stage2Walker.h"

namespace smmu {

// Translates va through both stages. Unloaded cost of a 4-level stage 1 over a 4-level stage 2:
// 4 stage-1 reads + 5 stage-2 walks (4 descriptor IPAs and the output IPA) of 4 reads = 24.
// On success: pa; pageShift = MIN(stage-1, stage-2 page/block sizes) with vaBase/paBase aligned
// to it; attrs = the stage-1 leaf's attributes plus the stage-2 fields (s2Read, s2Write, s2xn,
// s2MemAttr), i.e. what a TLB entry needs for checkNestedPermission; level/descriptor/descAddr
// are the stage-1 leaf's; ipa = the IPA stage 1 output; reads/writes/latency are the totals of
// both stages. On a fault: fault, s2 (stage-2 fault), cls (stage-2: CLASS_TT while fetching a
// stage-1 descriptor, CLASS_IN for the output IPA; stage-1: CLASS_TT for F_WALK_EABT, else IN),
// ipa (stage-2 faults: the descriptor IPA or the output IPA), ttrnw (CLASS_TT), and
// level/descriptor/descAddr of the faulting descriptor (descAddr is a PA: the FetchAddr of
// F_WALK_EABT). A stage-1 fault is reported before stage 2 sees the output IPA; a stage-1 AF set
// by S1 HTTU stays set if stage 2 then faults on the output.
WalkResult walkNested(const S1WalkConfig& s1, uint64_t va, const AccessAttrs& acc, PhysMemIf& mem,
                      S2Translator& s2, WalkCacheHook* s1WalkCache = nullptr);
// The same with the default stage-2 translator (a stage-2 walk over memory for every IPA).
WalkResult walkNested(const S1WalkConfig& s1, const S2WalkConfig& s2, uint64_t va,
                      const AccessAttrs& acc, PhysMemIf& mem);

// Permission check of one access against a cached nested leaf: stage 1 first (checkPermission),
// then stage 2 (checkS2Permission). *stage2 (if given) says which stage faulted.
EventId checkNestedPermission(const LeafAttrs& a, const S1WalkConfig& s1, const S2WalkConfig& s2,
                              const AccessAttrs& acc, bool* stage2 = nullptr);

}  // namespace smmu
