// Walker arbitration policies on hand-made queues: which waiting miss gets the next walker.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "smmu/WalkerArbiter.h"

using namespace smmu;

namespace {

using W = WalkerArbiter::Waiter;

// Fills the single walker with request 100, queues `waiters`, then releases until the queue is
// empty: the ids in the order they were served.
std::vector<uint64_t> serveOrder(ArbitrationPolicy p, std::vector<W> waiters) {
  WalkerArbiter a(1, p);
  EXPECT_TRUE(a.acquire(W{100, 0, 0}));
  for (const W& w : waiters) EXPECT_FALSE(a.acquire(w));
  std::vector<uint64_t> order;
  W next;
  while (a.release(&next)) order.push_back(next.id);
  EXPECT_EQ(a.busy(), 0u);
  return order;
}

}  // namespace

TEST(WalkerArbiter, FifoServesInArrivalOrder) {
  EXPECT_EQ(serveOrder(ArbitrationPolicy::Fifo, {{1, 3, 0}, {2, 1, 9}, {3, 3, 0}, {4, 0, 5}}),
            (std::vector<uint64_t>{1, 2, 3, 4}));
}

TEST(WalkerArbiter, RoundRobinTakesTurnsAcrossPorts) {
  // Port 0 held the walker; port 1 has three waiters, ports 2 and 5 one each: after port 0 the
  // next ports in cyclic order are 1, 2, 5, then 1 again (wrapping), its oldest first.
  EXPECT_EQ(serveOrder(ArbitrationPolicy::RoundRobin,
                       {{1, 1, 0}, {2, 1, 0}, {3, 1, 0}, {4, 5, 0}, {5, 2, 0}}),
            (std::vector<uint64_t>{1, 5, 4, 2, 3}));
}

TEST(WalkerArbiter, QosServesTheMostUrgentThenTheOldest) {
  EXPECT_EQ(serveOrder(ArbitrationPolicy::Qos, {{1, 0, 1}, {2, 0, 7}, {3, 0, 1}, {4, 0, 7}}),
            (std::vector<uint64_t>{2, 4, 1, 3}));
}

TEST(WalkerArbiter, FreeWalkersAreTakenAtOnceAndQueuedRequestsKeepTheirPlace) {
  WalkerArbiter a(2, ArbitrationPolicy::Fifo);
  EXPECT_TRUE(a.acquire(W{1}));
  EXPECT_TRUE(a.acquire(W{2}));
  EXPECT_FALSE(a.acquire(W{3}));
  EXPECT_EQ(a.busy(), 2u);
  W next;
  ASSERT_TRUE(a.release(&next));  // the walker goes straight to 3
  EXPECT_EQ(next.id, 3u);
  EXPECT_EQ(a.busy(), 2u);
  EXPECT_FALSE(a.release(&next));
  EXPECT_EQ(a.busy(), 1u);
  EXPECT_TRUE(a.acquire(W{4}));
  // Unlimited walkers never queue.
  WalkerArbiter u(0, ArbitrationPolicy::Qos);
  for (uint64_t i = 0; i < 100; ++i) EXPECT_TRUE(u.acquire(W{i}));
  EXPECT_EQ(u.waiting(), 0u);
}

TEST(WalkerArbiter, PolicyNames) {
  ArbitrationPolicy p;
  for (const auto& n : arbitrationNames()) {
    ASSERT_TRUE(parseArbitration(n, p)) << n;
    EXPECT_EQ(arbitrationName(p), n);
  }
  EXPECT_FALSE(parseArbitration("lottery", p));
}

TEST(WalkerArbiter, OnePassGrantsRequestsOfAnInstantByPolicyThenArrival) {
  // Requested in the order the processes ran (3, 1, 2); they arrived 1, 2, 3 (`order`).
  WalkerArbiter a(2, ArbitrationPolicy::Fifo);
  a.request(W{3, 0, 0, 30});
  a.request(W{1, 0, 0, 10});
  a.request(W{2, 0, 0, 20});
  W g;
  ASSERT_TRUE(a.grant(&g));
  EXPECT_EQ(g.id, 1u);
  ASSERT_TRUE(a.grant(&g));
  EXPECT_EQ(g.id, 2u);
  EXPECT_FALSE(a.grant(&g));  // both walkers busy
  EXPECT_EQ(a.waiting(), 1u);
  a.free();
  ASSERT_TRUE(a.grant(&g));
  EXPECT_EQ(g.id, 3u);
  EXPECT_FALSE(a.grant(&g));  // none waits
  // A withdrawn request is not granted.
  a.request(W{4, 0, 0, 40});
  EXPECT_TRUE(a.cancel(4));
  EXPECT_FALSE(a.cancel(4));
  a.free();
  EXPECT_FALSE(a.grant(&g));
  EXPECT_EQ(a.busy(), 1u);

  // qos: the most urgent, ties by arrival; round_robin: the next port, ties by arrival.
  WalkerArbiter q(1, ArbitrationPolicy::Qos);
  q.request(W{1, 0, 3, 50});
  q.request(W{2, 0, 3, 40});
  q.request(W{3, 0, 1, 10});
  std::vector<uint64_t> served;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(q.grant(&g));
    served.push_back(g.id);
    q.free();
  }
  EXPECT_EQ(served, (std::vector<uint64_t>{2, 1, 3}));
  WalkerArbiter r(1, ArbitrationPolicy::RoundRobin);
  r.request(W{1, 2, 0, 50});
  r.request(W{2, 2, 0, 40});
  r.request(W{3, 0, 0, 10});
  served.clear();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(r.grant(&g));
    served.push_back(g.id);
    r.free();
  }
  // Nothing served yet: port 0 first; then port 2, its older request (order 40) first.
  EXPECT_EQ(served, (std::vector<uint64_t>{3, 2, 1}));
}

// The arbiter against the policies' definitions, scanned naively, over random requests, grants,
// frees and withdrawals (ports wrap around, QoS and arrival order tie often).
TEST(WalkerArbiter, MatchesThePolicyDefinitionsOnRandomTraffic) {
  for (ArbitrationPolicy p :
       {ArbitrationPolicy::Fifo, ArbitrationPolicy::RoundRobin, ArbitrationPolicy::Qos}) {
    std::mt19937_64 rng(11 + int(p));
    WalkerArbiter a(3, p);
    struct Ref {
      W w;
      uint64_t seq;
    };
    std::vector<Ref> ref;
    uint64_t seq = 0, nextId = 1;
    uint32_t last = 0;
    bool servedAny = false;
    unsigned busy = 0;
    for (int step = 0; step < 20000; ++step) {
      const unsigned op = unsigned(rng() % 10);
      if (op < 4) {
        W w{nextId++, uint32_t(rng() % 2 ? rng() % 6 : 0xfffffffdu + rng() % 3),
            uint8_t(rng() % 4), rng() % 50};
        a.request(w);
        ref.push_back({w, seq++});
      } else if (op < 7) {
        // The reference pick: the policy's key, then arrival order, then request order.
        auto older = [](const Ref& x, const Ref& y) {
          return x.w.order != y.w.order ? x.w.order < y.w.order : x.seq < y.seq;
        };
        auto dist = [&](uint32_t port) { return servedAny ? uint32_t(port - last - 1u) : port; };
        size_t best = 0;
        for (size_t i = 1; i < ref.size(); ++i) {
          const Ref &x = ref[i], &y = ref[best];
          bool better;
          if (p == ArbitrationPolicy::Qos)
            better = x.w.qos != y.w.qos ? x.w.qos > y.w.qos : older(x, y);
          else if (p == ArbitrationPolicy::RoundRobin)
            better = dist(x.w.port) != dist(y.w.port) ? dist(x.w.port) < dist(y.w.port)
                                                      : older(x, y);
          else
            better = older(x, y);
          if (better) best = i;
        }
        W g;
        const bool can = busy < 3 && !ref.empty();
        ASSERT_EQ(a.grant(&g), can) << step;
        if (can) {
          ASSERT_EQ(g.id, ref[best].w.id) << step;
          last = ref[best].w.port;
          servedAny = true;
          ref.erase(ref.begin() + long(best));
          ++busy;
        }
      } else if (op < 9) {
        if (busy) {
          a.free();
          --busy;
        }
      } else if (!ref.empty()) {
        const size_t i = rng() % ref.size();
        ASSERT_TRUE(a.cancel(ref[i].w.id));
        ref.erase(ref.begin() + long(i));
      }
      ASSERT_EQ(a.waiting(), ref.size());
      ASSERT_EQ(a.busy(), busy);
    }
  }
}
