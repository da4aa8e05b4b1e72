// Walker arbitration in the timing path (Smmu with arbitrated walkers): misses that find every
// walker busy wait inside b_transport, and a freed walker serves the one its policy picks.
// Open-loop initiators (one thread per transaction, issuing at a fixed time) on the hand-built
// tables, so that every completion time is computed by hand from the configured parameters:
//   a miss asks for a walker 6 ns after arrival (main-TLB lookup 2 cycles + walker issue 4);
//   the first walk of the stream holds its walker 2 ns (config lookup) + 6 reads of 100 ns
//   (STE, CD, 4 table levels); later walks 2 ns + 4 reads; the data access takes 100 ns.
// And the same traffic through fifo arbitration equals the core's own walker pool (arrival
// order, computed on arrival) transaction by transaction.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

#include "HandBuilt.h"
#include "mem/MemoryTarget.h"
#include "mem/SparseMemory.h"
#include "smmu/Smmu.h"

using namespace smmu;
using namespace handbuilt;

namespace {

struct Txn {
  std::string name;
  Tick at = 0;  // issue time (ps)
  uint32_t port = 0;
  unsigned page = 0;  // IOVA kIova + page * 4 KiB (pages 2.. mapped by mapMore)
  uint8_t qos = 0;
  bool write = false;
  bool withoutExtension = false;  // no TxnExtension: StreamID 0
  // out
  Tick done = 0;  // completion of the data access
  TranslationResult result;
  bool ok = false;
};

struct Port : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Port> socket{"socket"};
  explicit Port(sc_core::sc_module_name n) : sc_module(n) {}
};

// The SMMU on the hand-built tables with `ports` initiators; every transaction of `txns` issues
// from its own thread at its time.
struct ArbBench : sc_core::sc_module {
  SparseMemory mem{kMem};
  MemoryTarget memT{"mem", mem};
  Smmu smmu;
  Port host{"host"};  // the register frame's initiator (the core is programmed directly)
  std::vector<std::unique_ptr<Port>> ports;
  std::vector<Txn>& txns;

  ArbBench(sc_core::sc_module_name n, const SmmuConfig& cfg, unsigned nports,
           std::vector<Txn>& t)
      : sc_module(n), smmu("smmu", cfg), txns(t) {
    build(mem);
    mapMore(mem, 180);
    program(smmu.core());
    smmu.walk.socket.bind(memT.socket);
    smmu.dmaOut.bind(memT.socket);
    host.socket.bind(smmu.regs);
    for (unsigned i = 0; i < nports; ++i) {
      ports.push_back(std::make_unique<Port>(("port" + std::to_string(i)).c_str()));
      ports.back()->socket.bind(smmu.dmaIn);
    }
    for (size_t i = 0; i < txns.size(); ++i)
      sc_core::sc_spawn([this, i] { issue(txns[i]); });
  }

  void issue(Txn& t) {
    wait(sc_core::sc_time::from_value(t.at));  // (1 ps time resolution)
    tlm::tlm_generic_payload p;
    auto* ext = new TxnExtension;  // owned by p (or by this function, when not attached)
    std::unique_ptr<TxnExtension> unattached(t.withoutExtension ? ext : nullptr);
    ext->req.sid = 1;
    ext->req.qos = t.qos;
    if (!t.withoutExtension) p.set_extension(ext);
    unsigned char data[64] = {};
    p.set_command(t.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(kIova + uint64_t(t.page) * 0x1000);
    p.set_data_ptr(data);
    p.set_data_length(64);
    p.set_streaming_width(64);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    ports[t.port]->socket->b_transport(p, d);
    t.done = sc_core::sc_time_stamp().value() + d.value();
    t.result = ext->result;
    t.ok = p.is_response_ok();
  }
};

SmmuConfig arbConfig(ArbitrationPolicy policy) {
  SmmuConfig c = config();  // 1 ns cycle; TLB lookup 2, walker issue 4, config lookup 2 cycles
  c.ptwSlots = 1;
  c.ptwArbitration = policy;
  return c;
}

constexpr Tick kFront = 6 * kClk;                     // lookup + walker issue
constexpr Tick kFirstWalk = 2 * kClk + 6 * kMem;      // config fetch + 4 levels
constexpr Tick kWalk = 2 * kClk + 4 * kMem;           // config hit + 4 levels

// A1..A3 on port 0, B1 on port 1 (qos 5), C1 on port 2 (qos 9), E1 on port 4 to A3's page, all
// misses arriving within 3 ns; H1 on port 3 hits A1's page while the others wait for the walker.
Txn txn(const char* name, Tick at, uint32_t port, unsigned page, uint8_t qos = 0) {
  Txn t;
  t.name = name;
  t.at = at;
  t.port = port;
  t.page = page;
  t.qos = qos;
  return t;
}

std::vector<Txn> scenario() {
  return {txn("A1", 0, 0, 2),       txn("A2", 100, 0, 3),     txn("A3", 200, 0, 4),
          txn("B1", 1000, 1, 5, 5), txn("C1", 2000, 2, 6, 9), txn("E1", 3000, 4, 4),
          txn("H1", 700000, 3, 2)};
}

std::map<std::string, Txn> runScenario(ArbitrationPolicy policy, SmmuStats* stats = nullptr,
                                       WalkerArbitrationStats* arb = nullptr) {
  std::vector<Txn> txns = scenario();
  ArbBench b("bench", arbConfig(policy), 5, txns);
  b.smmu.setArbitratedWalkers(true);
  sc_core::sc_start();
  if (stats) *stats = b.smmu.core().stats();
  if (arb) *arb = b.smmu.arbitrationStats();
  std::map<std::string, Txn> m;
  for (const Txn& t : txns) m[t.name] = t;
  return m;
}

// Translation end times: the first walk starts at A1's request and ends kFirstWalk later; each
// later grant comes when the walker frees and holds it kWalk.
constexpr Tick kEnd1 = kFront + kFirstWalk;  // 608 ns
constexpr Tick kEnd2 = kEnd1 + kWalk, kEnd3 = kEnd2 + kWalk, kEnd4 = kEnd3 + kWalk,
               kEnd5 = kEnd4 + kWalk;

void expectEnd(const std::map<std::string, Txn>& m, const std::string& name, Tick end) {
  const Txn& t = m.at(name);
  EXPECT_TRUE(t.ok) << name;
  EXPECT_EQ(t.result.latency, end - t.at) << name;
  EXPECT_EQ(t.done, end + kMem) << name;  // then the data access
}

// The translation end of each named transaction, in the order the walker served them.
void expectEnds(const std::map<std::string, Txn>& m,
                std::initializer_list<std::pair<const char*, Tick>> ends) {
  for (const auto& [name, end] : ends) expectEnd(m, name, end);
}

}  // namespace

TEST(SmmuWalkerArbitration, FifoServesInArrivalOrder) {
  SmmuStats s;
  WalkerArbitrationStats arb;
  const auto m = runScenario(ArbitrationPolicy::Fifo, &s, &arb);
  ASSERT_EQ(kEnd1, 608000u);
  expectEnds(m, {{"A1", kEnd1}, {"A2", kEnd2}, {"A3", kEnd3}, {"B1", kEnd4}, {"C1", kEnd5}});
  // E1 waited behind C1; A3's walk (granted at kEnd2) translates its page: E1 takes that fill.
  expectEnd(m, "E1", kEnd3);
  EXPECT_EQ(m.at("E1").result.servedBy, ServedBy::Coalesced);
  EXPECT_EQ(m.at("E1").result.walkReads, 0u);
  // H1 hits A1's fill while four misses wait for the walker: not held up by them.
  expectEnd(m, "H1", 700000 + 2 * kClk);
  EXPECT_EQ(m.at("H1").result.servedBy, ServedBy::Tlb);
  EXPECT_EQ(s.walks, 5u);
  EXPECT_EQ(s.tlbHits, 2u);  // H1, and E1 (a hit under another walk's fill)
  EXPECT_EQ(s.tlbMisses, 5u);
  EXPECT_EQ(arb.servedByFill, 1u);
  // Walker waits: A2 kEnd1 - (100 + 6 ns), A3, B1, C1 likewise; A1 none.
  EXPECT_EQ(arb.byQos[0].walks, 3u);
  EXPECT_EQ(arb.byQos[0].waited, 2u);
  EXPECT_EQ(arb.byQos[0].waitSum, (kEnd1 - 100 - kFront) + (kEnd2 - 200 - kFront));
  EXPECT_EQ(arb.byQos[5].waitSum, kEnd3 - 1000 - kFront);
  EXPECT_EQ(arb.byQos[9].waitSum, kEnd4 - 2000 - kFront);
}

TEST(SmmuWalkerArbitration, RoundRobinServesPortAfterPort) {
  SmmuStats s;
  WalkerArbitrationStats arb;
  const auto m = runScenario(ArbitrationPolicy::RoundRobin, &s, &arb);
  // After A1 (port 0): port 1 (B1), port 2 (C1), port 4 (E1: its own walk of page 4, which
  // also translates A3, waiting on port 0), then port 0 again (A2).
  expectEnds(m, {{"A1", kEnd1}, {"B1", kEnd2}, {"C1", kEnd3}, {"E1", kEnd4}, {"A3", kEnd4},
                 {"A2", kEnd5}});
  EXPECT_EQ(m.at("A3").result.servedBy, ServedBy::Coalesced);
  EXPECT_EQ(m.at("E1").result.servedBy, ServedBy::Walk);
  expectEnd(m, "H1", 700000 + 2 * kClk);
  EXPECT_EQ(s.walks, 5u);
  EXPECT_EQ(arb.servedByFill, 1u);
}

TEST(SmmuWalkerArbitration, QosServesHighestFirstOldestWithinAQos) {
  SmmuStats s;
  WalkerArbitrationStats arb;
  const auto m = runScenario(ArbitrationPolicy::Qos, &s, &arb);
  // C1 (qos 9), B1 (qos 5), then qos 0 oldest first; E1 takes A3's fill.
  expectEnds(m, {{"A1", kEnd1}, {"C1", kEnd2}, {"B1", kEnd3}, {"A2", kEnd4}, {"A3", kEnd5},
                 {"E1", kEnd5}});
  EXPECT_EQ(s.walks, 5u);
  EXPECT_EQ(arb.byQos[9].waitSum, kEnd1 - 2000 - kFront);
  EXPECT_EQ(arb.byQos[5].waitSum, kEnd2 - 1000 - kFront);
}

TEST(SmmuWalkerArbitration, TwoWalkersGrantedAtOnceDoNotWalkOnePageTwice) {
  // Two walkers: P1 (config miss) and P2 (waits for P1's config fetch, then 4 reads) both end at
  // kEnd1. Q1 and Q2 miss on one page meanwhile and wait; at kEnd1 one pass grants both walkers.
  // Q1 walks; Q2 finds Q1's fill and gives its walker back: one walk, both end together.
  std::vector<Txn> txns = {txn("P1", 0, 0, 2), txn("P2", 100, 1, 3), txn("Q1", 1000, 2, 10),
                           txn("Q2", 1100, 3, 10)};
  SmmuConfig cfg = arbConfig(ArbitrationPolicy::Qos);
  cfg.ptwSlots = 2;
  ArbBench b("bench", cfg, 4, txns);
  sc_core::sc_start();
  std::map<std::string, Txn> m;
  for (const Txn& t : txns) m[t.name] = t;
  expectEnds(m, {{"P1", kEnd1}, {"P2", kEnd1}, {"Q1", kEnd2}, {"Q2", kEnd2}});
  EXPECT_EQ(m.at("Q2").result.servedBy, ServedBy::Coalesced);
  EXPECT_EQ(b.smmu.core().stats().walks, 3u);
  EXPECT_EQ(b.smmu.arbitrationStats().servedByFill, 1u);
  EXPECT_EQ(b.smmu.core().walkerSlots().jobs(), 3u);
}

TEST(SmmuWalkerArbitration, DmaWithoutExtensionGoesThroughTheArbiter) {
  // StreamID 0 (no extension): its STE is not valid. The STE fetch is part of the walk, so the
  // miss waits for the walker P1 holds: C_BAD_STE after P1's end + 2 ns + 1 read, no data access.
  std::vector<Txn> txns = {txn("P1", 0, 0, 2), txn("N", 1000, 1, 3)};
  txns[1].withoutExtension = true;
  ArbBench b("bench", arbConfig(ArbitrationPolicy::RoundRobin), 2, txns);
  sc_core::sc_start();
  EXPECT_TRUE(txns[0].ok);
  EXPECT_FALSE(txns[1].ok);
  EXPECT_EQ(b.smmu.dmaWithoutExtension, 1u);
  EXPECT_EQ(b.smmu.core().stats().faultsById[uint8_t(EventId::C_BAD_STE)], 1u);
  EXPECT_EQ(txns[1].done, kEnd1 + 2 * kClk + kMem);
}

// Queueing: K = 40 misses on distinct pages every a = 50 ns on c = 2 walkers, each holding its
// walker S = 402 ns (config cached by a warm-up access): arrivals outpace service (c a < S), so
// a walker always finds a waiter when it frees and the set of grant times is the same for every
// work-conserving policy. FIFO: miss i waits floor(i / c) (S - c a); the sum of the waits (and
// the walkers' busy time, K S) is therefore the same for round_robin and qos, which reorder.
// The first 20 misses come from port 0, the rest from ports 1..3; qos = i mod 4.
struct Burst {
  static constexpr unsigned K = 40, c = 2;
  static constexpr Tick a = 50 * kClk, T0 = 1000 * kClk;
  std::vector<Txn> txns;
  WalkerArbitrationStats arb;
  Tick busy = 0;
  static Tick fifoWait(unsigned i) { return (i / c) * (kWalk - c * a); }
  static Tick request(unsigned i) { return T0 + i * a + kFront; }
  explicit Burst(ArbitrationPolicy policy) {
    txns.push_back(txn("warm", 0, 0, 2));
    for (unsigned i = 0; i < K; ++i)
      txns.push_back(txn("m", T0 + i * a, i < K / 2 ? 0 : 1 + i % 3, 3 + i, uint8_t(i % 4)));
    SmmuConfig cfg = arbConfig(policy);
    cfg.ptwSlots = c;
    ArbBench b("bench", cfg, 4, txns);
    b.smmu.setArbitratedWalkers(true);
    sc_core::sc_start();
    arb = b.smmu.arbitrationStats();
    busy = b.smmu.core().walkerSlots().busySum();
  }
  // Miss i's wait for a walker: its translation ends S after its grant.
  Tick wait(unsigned i) const {
    return T0 + i * a + txns[1 + i].result.latency - kWalk - request(i);
  }
  void expectConservation() const {
    Tick sum = 0, expected = 0;
    for (const auto& q : arb.byQos) sum += q.waitSum;
    for (unsigned i = 0; i < K; ++i) expected += fifoWait(i);
    EXPECT_EQ(expected, 380 * (kWalk - c * a));
    EXPECT_EQ(sum, expected);
    Tick perTxn = 0;
    for (unsigned i = 0; i < K; ++i) perTxn += wait(i);
    EXPECT_EQ(perTxn, expected);
    EXPECT_EQ(busy, kFirstWalk + K * kWalk);  // the warm-up walk, then K S
  }
};

TEST(SmmuWalkerArbitration, FifoBurstMatchesTheDeterministicQueue) {
  const Burst b(ArbitrationPolicy::Fifo);
  for (unsigned i = 0; i < Burst::K; ++i) EXPECT_EQ(b.wait(i), Burst::fifoWait(i)) << i;
  b.expectConservation();
}

TEST(SmmuWalkerArbitration, RoundRobinBurstReordersButConservesTheWork) {
  const Burst b(ArbitrationPolicy::RoundRobin);
  b.expectConservation();
  // Port 0's 20 misses share the walkers with the later ports once those arrive: the last of
  // port 0 waits longer than in FIFO order, the first of port 1 less.
  EXPECT_GT(b.wait(Burst::K / 2 - 1), Burst::fifoWait(Burst::K / 2 - 1));
  EXPECT_LT(b.wait(Burst::K / 2), Burst::fifoWait(Burst::K / 2));
}

TEST(SmmuWalkerArbitration, QosBurstFavoursHighQosAndConservesTheWork) {
  const Burst b(ArbitrationPolicy::Qos);
  b.expectConservation();
  auto mean = [&](unsigned q) {
    return double(b.arb.byQos[q].waitSum) / double(b.arb.byQos[q].walks);
  };
  EXPECT_LT(mean(3), mean(2));
  EXPECT_LT(mean(2), mean(1));
  EXPECT_LT(mean(1), mean(0));
}

// Random open-loop traffic with repeated pages, several ports, two walkers, six TBU slots
// (so that transactions also wait for slots held by misses waiting for a walker), micro TLBs
// and walk caches: the arbitrated path with fifo gives each transaction the result the core's
// walker pool gives it (arrival order, computed on arrival), and the same counters. Caches are
// large enough not to evict (the two orders of filling them would otherwise evict differently).
TEST(SmmuWalkerArbitration, FifoEqualsTheCoresWalkerPool) {
  SmmuConfig cfg = microConfig();
  cfg.utlbEntries = 64;
  cfg.ptwSlots = 2;
  cfg.tbuXlateSlots = 6;
  cfg.walkCacheEntries = {4, 16, 64};
  cfg.walkCacheWays = 0;
  std::mt19937_64 rng(7);
  std::vector<Txn> txns;
  Tick t = 0;
  for (int i = 0; i < 400; ++i) {
    // Bursts (1..3 ns apart) between pauses (20..300 ns); distinct times.
    t += 1000 * (rng() % 10 < 7 ? 1 + rng() % 3 : 20 + rng() % 280) + 7;
    Txn x;
    x.name = std::to_string(i);
    x.at = t;
    x.port = uint32_t(rng() % 6);
    // Half the time a page of the last four transactions: misses on pages being walked.
    x.page = i >= 4 && rng() % 2 ? txns[i - 1 - rng() % 4].page : unsigned(2 + rng() % 150);
    x.write = rng() % 4 == 0;
    txns.push_back(x);
  }
  // The reference: the core alone, in arrival order.
  SparseMemory refMem{kMem};
  build(refMem);
  mapMore(refMem, 180);
  SmmuCore ref(cfg, refMem);
  program(ref);
  std::vector<TranslationResult> want;
  for (const Txn& x : txns) {
    TranslationRequest r;
    r.port = x.port;
    r.sid = 1;
    r.iova = kIova + uint64_t(x.page) * 0x1000;
    r.acc.write = x.write;
    want.push_back(ref.translate(r, x.at));
  }

  ArbBench b("bench", cfg, 6, txns);
  b.smmu.setArbitratedWalkers(true);
  sc_core::sc_start();
  for (size_t i = 0; i < txns.size(); ++i) {
    const TranslationResult& got = txns[i].result;
    EXPECT_EQ(got.latency, want[i].latency) << i;
    EXPECT_EQ(got.pa, want[i].pa) << i;
    EXPECT_EQ(got.outcome, want[i].outcome) << i;
    EXPECT_EQ(got.servedBy, want[i].servedBy) << i;
    EXPECT_EQ(got.walkReads, want[i].walkReads) << i;
    EXPECT_EQ(txns[i].done, txns[i].at + got.latency + kMem) << i;
  }
  const SmmuStats& a = b.smmu.core().stats();
  const SmmuStats& r = ref.stats();
  EXPECT_EQ(a.walks, r.walks);
  EXPECT_EQ(a.walkReads, r.walkReads);
  EXPECT_EQ(a.tlbHits, r.tlbHits);
  EXPECT_EQ(a.tlbMisses, r.tlbMisses);
  EXPECT_EQ(a.utlbHits, r.utlbHits);
  EXPECT_EQ(a.tlbLookups, r.tlbLookups);
  EXPECT_EQ(a.walkCacheHits, r.walkCacheHits);
  EXPECT_EQ(b.smmu.core().walkerSlots().waitSum(), ref.walkerSlots().waitSum());
  EXPECT_EQ(b.smmu.core().translationSlots().waitSum(), ref.translationSlots().waitSum());
  // The traffic did queue, for walkers and for translation slots, and shared walks.
  EXPECT_GT(ref.walkerSlots().jobsThatWaited(), 20u);
  EXPECT_GT(ref.translationSlots().jobsThatWaited(), 20u);
  EXPECT_GT(r.tlbHitsUnderFill, 20u);
  EXPECT_EQ(a.tlbHitsUnderFill, r.tlbHitsUnderFill);
}
