// Nested translation (IHI 0070 3.3 / Arm ARM D8 two-stage translation, 7.3 event S2/CLASS/IPA).
#include "walk/NestedWalker.h"

#include <algorithm>

namespace smmu {
namespace {

constexpr uint64_t lowMask(unsigned n) { return n >= 64 ? ~0ull : ((1ull << n) - 1); }

}  // namespace

WalkResult walkNested(const S1WalkConfig& s1, uint64_t va, const AccessAttrs& acc, PhysMemIf& mem,
                      S2Translator& s2, WalkCacheHook* s1WalkCache) {
  WalkResult r = walkStage1(s1, va, acc, mem, s1WalkCache, &s2);
  if (r.fault != EventId::None) return r;

  const uint64_t ipa = r.pa;
  const WalkResult t = [&] {
    const TimeBaseShift at(mem, r.latency);  // the output's stage-2 walk follows stage 1
    return s2.translate(ipa, acc, evt::CLASS_IN);
  }();
  r.reads += t.reads;
  r.writes += t.writes;
  r.updateRetries += t.updateRetries;
  r.latency += t.latency;
  r.joinWait += t.joinWait;
  r.ipa = ipa;
  if (t.fault != EventId::None) {
    r.fault = t.fault;
    r.s2 = true;
    r.cls = evt::CLASS_IN;
    r.level = t.level;
    r.descriptor = t.descriptor;
    r.descAddr = t.descAddr;
    return r;
  }

  const unsigned shift = std::min<unsigned>(r.pageShift, t.pageShift);
  // The contiguous span of the combined translation: both stages map it contiguously.
  r.contigShift = static_cast<uint8_t>(std::min<unsigned>(r.contigShift, t.contigShift));
  // r.vaBase is the canonical VA of the stage-1 page; add the VA bits between the two sizes.
  r.vaBase |= va & lowMask(r.pageShift) & ~lowMask(shift);
  r.pageShift = static_cast<uint8_t>(shift);
  r.pa = t.pa;
  r.paBase = t.pa & ~lowMask(shift);
  r.attrs.s2Read = t.attrs.s2Read;
  r.attrs.s2Write = t.attrs.s2Write;
  r.attrs.s2xn = t.attrs.s2xn;
  r.attrs.s2MemAttr = t.attrs.s2MemAttr;
  return r;
}

WalkResult walkNested(const S1WalkConfig& s1, const S2WalkConfig& s2, uint64_t va,
                      const AccessAttrs& acc, PhysMemIf& mem) {
  S2WalkTranslator t(s2, mem);
  return walkNested(s1, va, acc, mem, t);
}

EventId checkNestedPermission(const LeafAttrs& a, const S1WalkConfig& s1, const S2WalkConfig& s2,
                              const AccessAttrs& acc, bool* stage2) {
  if (stage2) *stage2 = false;
  if (checkPermission(a, s1, acc) != EventId::None) return EventId::F_PERMISSION;
  if (checkS2Permission(a, s2, acc) != EventId::None) {
    if (stage2) *stage2 = true;
    return EventId::F_PERMISSION;
  }
  return EventId::None;
}

}  // namespace smmu
