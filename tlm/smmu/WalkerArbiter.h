// Arbitration of the TCU's page-table walkers among the translations waiting for one.
// When a walker frees and several misses wait, the policy picks which one it serves:
//   fifo         oldest first (arrival order);
//   round_robin  one TBU port after another: the next port after the last one served that has a
//                waiter, its oldest request first (no port starves behind a busy one);
//   qos          highest QoS (the transaction's AxQOS-like priority) first, oldest within a QoS.
// Pure logic, no kernel. Two ways to use it: acquire() when a miss reaches the TCU and
// release() when a walk ends (which hands the walker to the next waiter at once); or, as the
// SystemC Smmu does, request() every miss and free() every walk, then grant() in one pass per
// time step, so that requests and releases of the same instant are arbitrated together (and,
// with `order`, in arrival order rather than in the order the kernel ran their processes).
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "arch/Types.h"

namespace smmu {

enum class ArbitrationPolicy : uint8_t { Fifo, RoundRobin, Qos };
std::string_view arbitrationName(ArbitrationPolicy p);
// "fifo", "round_robin", "qos"; false for anything else.
bool parseArbitration(std::string_view name, ArbitrationPolicy& out);
const std::vector<std::string>& arbitrationNames();

class WalkerArbiter {
 public:
  struct Waiter {
    uint64_t id = 0;    // the caller's handle (which thread to wake); unique among waiters
    uint32_t port = 0;  // TBU port of the translation
    uint8_t qos = 0;    // higher is more urgent
    uint64_t order = 0;  // arrival order (smaller: older); requests of equal order: by request
  };

  // walkers: servers; 0 = unlimited (acquire always succeeds).
  WalkerArbiter(unsigned walkers = 0, ArbitrationPolicy policy = ArbitrationPolicy::Fifo);
  ArbitrationPolicy policy() const { return policy_; }
  unsigned walkers() const { return walkers_; }

  // A walker for w: true if one is free (w holds it now); false: w waits until a release()
  // hands it one.
  bool acquire(const Waiter& w);
  // The holder of a walker is done. If requests wait, the walker goes at once to the one the
  // policy picks, returned in *next (true); else it becomes free (false).
  bool release(Waiter* next);

  // Queues w (whether or not a walker is free): grant() decides.
  void request(const Waiter& w);
  // A waiting request the policy picks gets a free walker (true, in *out); false: no walker is
  // free or none waits.
  bool grant(Waiter* out);
  // The holder of a walker is done; the walker is free (for grant()).
  void free();
  // Withdraws a waiting request (by id): it no longer needs a walker. false: none waits with it.
  bool cancel(uint64_t id);

  unsigned busy() const { return busy_; }
  size_t waiting() const { return waiting_.size(); }

 private:
  // A waiting request, ordered so that the policy's pick is found by a search: fifo and qos
  // take the first; round_robin the first of the first port after the one served last.
  struct Key {
    uint32_t port;  // round_robin: the request's port; else 0
    uint8_t rank;   // qos: 15 - qos (most urgent first); else 0
    uint64_t order, seq;  // arrival order, then request order
    uint64_t id;
    bool operator<(const Key& o) const {
      if (port != o.port) return port < o.port;
      if (rank != o.rank) return rank < o.rank;
      if (order != o.order) return order < o.order;
      return seq < o.seq;
    }
  };
  struct Queued {
    Waiter w;
    Key key;
  };
  Key keyOf(const Waiter& w);
  std::set<Key>::iterator pick();  // the next to serve (waiting_ not empty)
  Waiter take(std::set<Key>::iterator it);  // removes it from the queue

  unsigned walkers_;
  ArbitrationPolicy policy_;
  unsigned busy_ = 0;
  std::set<Key> queue_;
  std::unordered_map<uint64_t, Queued> waiting_;  // by id
  uint64_t seq_ = 0;
  uint32_t lastPort_ = 0;  // round_robin: the port served last
  bool servedAny_ = false;
};

// Misses that asked the arbiter for a walker, by the QoS of their transaction.
struct WalkerArbitrationStats {
  struct PerQos {
    uint64_t walks = 0;   // misses granted a walker
    uint64_t waited = 0;  // of those, granted later than they asked
    Tick waitSum = 0, maxWait = 0;
  };
  std::array<PerQos, 16> byQos{};
  uint64_t servedByFill = 0;  // misses served by another walk's fill while queued for a walker
  // A miss of priority qos granted a walker `wait` after it asked.
  void recordGrant(uint8_t qos, Tick wait) {
    PerQos& q = byQos[qos & 15];
    ++q.walks;
    if (wait) ++q.waited;
    q.waitSum += wait;
    q.maxWait = std::max(q.maxWait, wait);
  }
};

}  // namespace smmu
