// SmmuCore's hit memo: a core that reuses what the last clean TLB hit gave gives what a core
// checking every hit gives, translation by translation (every field of the result, and the
// statistics), over random traffic with every access-attribute combination, stream overrides,
// bypass, permission faults, hits on fills in flight, micro TLBs, evictions, invalidations and
// pages remapped with other permissions.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "HandBuilt.h"
#include "TestRand.h"

using namespace smmu;
using namespace handbuilt;

namespace {

using smmu::testing::Rand;  // the workload's own generator

// The pages the traffic uses: kIova (rw), kIovaRo (ro), A (privileged only), B (never
// executable), and 4 more rw pages (mapMore).
const uint64_t kPageA = kIova + 0x3000, kPageB = kIova + 0x4000;
const std::vector<uint64_t> kPages = {kIova,          kIovaRo,        kPageA,
                                      kPageB,         kIova + 0x6000, kIova + 0x7000,
                                      kIova + 0x8000, kIova + 0x9000};

struct Rig {
  SparseMemory mem{100 * kPsPerNs};
  std::unique_ptr<SmmuCore> core;
  Rig(const SmmuConfig& cfg, bool memo) {
    core = std::make_unique<SmmuCore>(cfg, mem);
    core->setHitMemo(memo);
    build(mem);
    mapMore(mem, 8);  // kIova + 0x2000 .. + 0x9000 (A and B are rewritten below)
    mem.write64(kL3 + 8 * 0x148, page(kPa + 0x3000, false) & ~(1ull << 6));  // A: AP[1] = 0
    mem.write64(kL3 + 8 * 0x149, page(kPa + 0x4000, false) | (3ull << 53));   // B: UXN, PXN
    // Streams 8, 9, 10: stream 1's STE with PRIVCFG privileged, INSTCFG instruction, and
    // PRIVCFG unprivileged with INSTCFG data.
    for (unsigned s : {8u, 9u, 10u}) mem.write64(kStrtab + 64 * s, kSteS1d0);
    mem.write64(kStrtab + 64 * 8 + 8, 3ull << 48);
    mem.write64(kStrtab + 64 * 9 + 8, 3ull << 50);
    mem.write64(kStrtab + 64 * 10 + 8, (2ull << 48) | (2ull << 50));
    program(*core);
  }
  // Every TLB of the core: the main one and the micro TLBs created so far.
  template <class F>
  void eachTlb(F f) {
    f(core->tlb());
    for (uint32_t p = 0; core->utlb(p); ++p) f(*core->utlb(p));
  }
};

std::string describe(const TranslationResult& r) {
  return "outcome " + std::to_string(int(r.outcome)) + " event " + std::to_string(int(r.event)) +
         " recorded " + std::to_string(r.eventRecorded) + " pa " + std::to_string(r.pa) +
         " writable " + std::to_string(r.writable) + " readable " + std::to_string(r.readable) +
         " level " + std::to_string(r.level) +
         " by " + std::string(servedByName(r.servedBy)) + " reads " +
         std::to_string(r.walkReads) + " latency " + std::to_string(r.latency);
}

void compareRuns(const SmmuConfig& cfg, uint64_t seed, unsigned steps) {
  Rig memo(cfg, true), ref(cfg, false);
  Rand r{seed};
  const uint32_t sids[] = {1, 2, 8, 9, 10};
  uint32_t sid = 1, port = 0;
  uint64_t pageVa = kIova;
  Tick now = 0;
  for (unsigned step = 0; step < steps; ++step) {
    const std::string where = "seed " + std::to_string(seed) + " step " + std::to_string(step);
    const uint64_t op = r.below(1000);
    if (op < 100) {  // another page, stream or port
      pageVa = kPages[r.below(kPages.size())];
      if (r.below(2)) sid = sids[r.below(5)];
      port = uint32_t(r.below(3));
    } else if (op < 975) {  // a translation in the current page
      TranslationRequest q;
      q.port = port;
      q.sid = sid;
      q.iova = pageVa + 64 * r.below(64);
      q.acc.write = r.below(2);
      q.acc.priv = r.below(4) == 0;
      q.acc.instr = r.below(8) == 0;
      const TranslationResult a = memo.core->translate(q, now);
      const TranslationResult b = ref.core->translate(q, now);
      ASSERT_EQ(describe(a), describe(b)) << where;
      // Mostly serial; sometimes the next one issues at once (a hit on a fill in flight).
      if (r.below(8)) now += a.latency + 1;
    } else if (op < 990) {  // an invalidation of the current page, or of everything
      const bool all = r.below(4) == 0;
      auto inv = [&](TlbIf& t) {
        return t.invalidate(all ? TlbInvalidation::all()
                                   : TlbInvalidation::ofVa(0, 0, false, pageVa, 0x1000));
      };
      unsigned na = 0, nb = 0;
      memo.eachTlb([&](TlbIf& t) { na += inv(t); });
      ref.eachTlb([&](TlbIf& t) { nb += inv(t); });
      ASSERT_EQ(na, nb) << where;
    } else {  // the current page remapped read-only or read-write (then invalidated)
      const unsigned idx = unsigned((pageVa - kIova) >> 12);
      const bool ro = r.below(2);
      if (pageVa == kPageA || pageVa == kPageB) continue;  // keep their special permissions
      for (Rig* g : {&memo, &ref}) {
        g->mem.write64(kL3 + 8 * (0x145 + idx), page(kPa + 0x1000 * idx, ro));
        g->eachTlb(
            [&](TlbIf& t) { t.invalidate(TlbInvalidation::ofVa(0, 0, false, pageVa, 0x1000)); });
      }
    }
  }
  const SmmuStats& a = memo.core->stats();
  const SmmuStats& b = ref.core->stats();
  EXPECT_EQ(a.translations, b.translations);
  EXPECT_EQ(a.tlbHits, b.tlbHits);
  EXPECT_EQ(a.utlbHits, b.utlbHits);
  EXPECT_EQ(a.tlbHitsUnderFill, b.tlbHitsUnderFill);
  EXPECT_EQ(a.bypassed, b.bypassed);
  EXPECT_EQ(a.faulted, b.faulted);
  EXPECT_EQ(a.eventsRecorded, b.eventsRecorded);
  EXPECT_EQ(std::memcmp(&a, &b, sizeof a), 0);  // every counter (no padding: all 64-bit)
  // The traffic exercised what the memo has to get right.
  EXPECT_GT(a.tlbHits + a.utlbHits, steps / 2);
  EXPECT_GT(a.faulted, 100u);
  EXPECT_GT(a.bypassed, 100u);
  EXPECT_GT(a.tlbHitsUnderFill, 100u);
}

}  // namespace

TEST(SmmuCoreHitMemo, SameResultsAsCheckingEveryHit) {
  for (uint64_t seed : {1ull, 77ull, 0x9e3779b97f4a7c15ull}) {
    compareRuns(config(), seed, 30000);
    if (HasFatalFailure()) return;
  }
}

TEST(SmmuCoreHitMemo, SameResultsWithMicroTlbsAndEvictions) {
  SmmuConfig cfg = config();
  cfg.utlbEntries = 4;  // fully associative
  cfg.tlbEntries = 8;
  cfg.tlbWays = 2;
  for (const char* pol : {"lru", "plru", "fifo", "random"}) {
    cfg.tlbPolicy = cfg.utlbPolicy = pol;
    for (uint64_t seed : {3ull, 1234567ull}) {
      compareRuns(cfg, seed, 30000);
      if (HasFatalFailure()) return;
    }
  }
}
