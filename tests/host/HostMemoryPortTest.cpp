// HostMemoryPort places the host's accesses at the host's own time: one after another from the
// kernel's time, ahead of the kernel until sync() (or the quantum) waits the local time out. A
// SystemC kernel runs once per process: one sc_start per test (gtest_discover_tests runs each
// test in its own process).
#include <gtest/gtest.h>

#include <systemc>

#include "host/HostMemoryPort.h"
#include "mem/MemoryTarget.h"
#include "mem/SparseMemory.h"
#include "mem/TlmMemPort.h"

namespace smmu {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;

constexpr Tick kNs = 1000;

// Memory with 100 ns latency and one channel that each access holds for 100 ns: the calendar
// shows exactly where every access was placed.
struct Bench : sc_core::sc_module {
  SparseMemory mem{100 * kNs};
  MemoryTarget target{"memory", mem};
  HostMemoryPort host{"host"};
  TlmMemPort other{"other"};
  std::function<void(Bench&)> body;
  SC_HAS_PROCESS(Bench);
  explicit Bench(sc_core::sc_module_name n) : sc_core::sc_module(n) {
    mem.setChannels(1, 100 * kNs);
    host.port.socket.bind(target.socket);
    other.socket.bind(target.socket);
    SC_THREAD(run);
  }
  void run() { body(*this); }
};

Tick nowPs() { return MemoryTarget::toTick(sc_core::sc_time_stamp()); }

TEST(HostMemoryPort, AccessesFollowEachOtherFromTheHostsTimeAndSyncWaitsThemOut) {
  Bench b("b");
  b.body = [](Bench& b) {
    wait(sc_time(1000, SC_NS));  // the host starts at 1 us, not at time 0
    Tick total = 0;
    for (int i = 0; i < 3; ++i) ASSERT_EQ(b.host.write64(0x1000 + 8 * i, i, &total), MemStatus::Ok);
    // Placed at 1000, 1100 and 1200 ns: each took 100 ns, none waited.
    EXPECT_EQ(total, 300 * kNs);
    EXPECT_EQ(b.host.localTime(), 300 * kNs);
    EXPECT_EQ(nowPs(), 1000 * kNs);  // no wait() yet
    // Another initiator at 1000 ns finds the channel taken until 1300 ns.
    b.other.setTimeBase(nowPs());
    Tick lat = 0;
    uint64_t v = 0;
    ASSERT_EQ(b.other.read64(0x1000, v, &lat), MemStatus::Ok);
    EXPECT_EQ(lat, 300 * kNs + 100 * kNs);
    EXPECT_EQ(v, 0u);  // the host's first write
    b.host.sync();
    EXPECT_EQ(nowPs(), 1300 * kNs);
    EXPECT_EQ(b.host.localTime(), 0u);
    // The next access starts at the kernel's time again: the channel is busy with `other`'s
    // read until 1400 ns.
    Tick t = 0;
    ASSERT_EQ(b.host.read64(0x1008, v, &t), MemStatus::Ok);
    EXPECT_EQ(v, 1u);
    EXPECT_EQ(t, 100 * kNs + 100 * kNs);
  };
  sc_core::sc_start();
}

TEST(HostMemoryPort, QuantumBoundsHowFarTheHostRunsAhead) {
  Bench b("b");
  b.body = [](Bench& b) {
    b.host.quantum = sc_time(250, SC_NS);
    for (int i = 0; i < 2; ++i) ASSERT_EQ(b.host.write64(0x1000, i), MemStatus::Ok);
    EXPECT_EQ(nowPs(), 0u);  // 200 ns ahead: under the quantum
    ASSERT_EQ(b.host.write64(0x1000, 2), MemStatus::Ok);
    EXPECT_EQ(nowPs(), 300 * kNs);  // 300 ns reached the quantum: waited out
    EXPECT_EQ(b.host.localTime(), 0u);
    EXPECT_EQ(b.host.accesses(), 3u);
  };
  sc_core::sc_start();
}

}  // namespace
}  // namespace smmu
