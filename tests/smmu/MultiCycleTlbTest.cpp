// A main TLB that takes cycles to answer (what a Verilated RTL TLB behind a transactor does)
// stands in for the TLM one through TlbIf: SmmuCore reaches it only through the split-phase
// interface, its answers are values, and its cycles add to the translation's time.
#include <gtest/gtest.h>

#include <deque>

#include "HandBuilt.h"
#include "cache/Tlb.h"

using namespace smmu;
using namespace handbuilt;

namespace {

// Answers each request `delay` ticks after it was made, one request at a time (a pipeline of
// depth one), from a SetAssocTlb it keeps inside.
class SlowTlb final : public TlbIf {
 public:
  explicit SlowTlb(unsigned delay) : delay_(delay), inner_(64, 4) {}
  CacheTicket request(const Request& r) override {
    pending_.push_back({next_, r, delay_});
    ++requests;
    return next_++;
  }
  std::optional<Answer> poll(CacheTicket t) override {
    if (pending_.empty() || pending_.front().ticket != t || pending_.front().left != 0)
      return std::nullopt;
    Request r = pending_.front().request;
    pending_.pop_front();
    return static_cast<TlbIf&>(inner_).call(r);
  }
  void tick() override {
    ++ticks;
    if (!pending_.empty() && pending_.front().left) --pending_.front().left;
  }
  unsigned capacity() const override { return inner_.capacity(); }
  unsigned occupancy() const override { return inner_.occupancy(); }

  unsigned requests = 0, ticks = 0;

 private:
  struct Pending {
    CacheTicket ticket;
    Request request;
    unsigned left;
  };
  unsigned delay_;
  SetAssocTlb inner_;
  std::deque<Pending> pending_;
  CacheTicket next_ = 0;
};

}  // namespace

TEST(MultiCycleTlb, ItsCyclesAddToTheLookupAndItsAnswersServeHits) {
  SparseMemory mem{100 * kPsPerNs};
  auto owned = std::make_unique<SlowTlb>(3);
  SlowTlb& tlb = *owned;
  SmmuCore core(config(), mem, std::move(owned));
  build(mem);
  program(core);
  TranslationRequest q;
  q.sid = 1;
  q.iova = kIova + 0x40;
  // Miss: TLB lookup 2 cycles + the TLB's 3 cycles to answer, walker issue 4, config lookup 2,
  // then 6 reads of 100 ns (STE, CD, L0..L3). The fill goes to the TLB too (a request).
  const TranslationResult a = core.translate(q, 0);
  ASSERT_EQ(a.outcome, Outcome::Ok);
  EXPECT_EQ(a.servedBy, ServedBy::Walk);
  EXPECT_EQ(a.latency, (2 + 3 + 4 + 2) * 1000u + 6 * 100000u);
  EXPECT_EQ(tlb.requests, 2u);  // the lookup and the fill
  // Hit: 2 + 3 cycles, the entry the TLB answered with.
  const TranslationResult b = core.translate(q, a.latency);
  EXPECT_EQ(b.servedBy, ServedBy::Tlb);
  EXPECT_EQ(b.pa, kPa + 0x40);
  EXPECT_EQ(b.latency, 5000u);
  // An invalidation reaches it through the interface too: TLBI_NH_ASID then CMD_SYNC.
  mem.write64(kCmdq, 0x11u | (uint64_t(kAsid) << 48));
  mem.write64(kCmdq + 8, 0);
  mem.write64(kCmdq + 16, 0x46u);
  mem.write64(kCmdq + 24, 0);
  core.writeReg(reg::CMDQ_PROD, 2, 4);
  core.processCommands(~0u, 1000000);
  EXPECT_EQ(core.stats().tlbInvalidated, 1u);
  const TranslationResult c = core.translate(q, 2000000);
  EXPECT_EQ(c.servedBy, ServedBy::Walk);
  EXPECT_EQ(tlb.ticks, 3u * tlb.requests);  // every request waited its 3 cycles
}
