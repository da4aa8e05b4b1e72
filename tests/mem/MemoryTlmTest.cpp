// MemoryTarget + TlmMemPort in a tiny SystemC design. A process can elaborate and run SystemC
// once, so this file has exactly one test that calls sc_start; its checks run in an SC_THREAD.
#include <gtest/gtest.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstring>
#include <memory>
#include <systemc>
#include <tlm>

#include <tlm_utils/simple_target_socket.h>

#include "mem/AtomicExtension.h"
#include "mem/MemoryTarget.h"
#include "mem/SparseMemory.h"
#include "mem/TlmMemPort.h"

namespace smmu {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;

constexpr Tick kLatency = 35000;  // 35 ns
constexpr PhysAddr kRam = 0x80000000ull;
constexpr uint64_t kRamSize = 0x100000;        // 0x8000_0000 .. 0x800F_FFFF
constexpr PhysAddr kSmallRam = 0x90000000ull;  // half a page: 0x9000_0000 .. 0x9000_07FF

// A bare initiator for what TlmMemPort does not do: byte enables, bursts, debug, DMI requests.
struct RawInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<RawInitiator> socket;
  explicit RawInitiator(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {}

  tlm::tlm_response_status transport(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len,
                                     sc_time& delay, uint8_t* be = nullptr, unsigned beLen = 0,
                                     unsigned width = 0) {
    tlm::tlm_generic_payload gp;
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(static_cast<unsigned char*>(data));
    gp.set_data_length(len);
    gp.set_streaming_width(width ? width : len);
    gp.set_byte_enable_ptr(be);
    gp.set_byte_enable_length(beLen);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(gp, delay);
    return gp.get_response_status();
  }
  unsigned debug(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len) {
    tlm::tlm_generic_payload gp;
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(static_cast<unsigned char*>(data));
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    return socket->transport_dbg(gp);
  }
  bool dmi(uint64_t addr, tlm::tlm_dmi& d) {
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    d.init();
    return socket->get_direct_mem_ptr(gp, d);
  }
};

// A target that knows nothing of atomics: it answers every read as a plain read of zeros.
struct PlainTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<PlainTarget> socket;
  explicit PlainTarget(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
    socket.register_b_transport(this, &PlainTarget::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& gp, sc_time&) {
    std::memset(gp.get_data_ptr(), 0, gp.get_data_length());
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct Top : sc_core::sc_module {
  SparseMemory mem;
  MemoryTarget target;
  TlmMemPort portA, portB, portPlain;
  RawInitiator raw;
  PlainTarget plain;
  bool finished = false;

  SC_HAS_PROCESS(Top);
  explicit Top(sc_core::sc_module_name n)
      : sc_core::sc_module(n), target("memory", mem), portA("portA"), portB("portB"),
        portPlain("portPlain"), raw("raw"), plain("plain") {
    mem.setLatency(kLatency);
    mem.addRegion(kRam, kRamSize);
    mem.addRegion(kSmallRam, 0x800);
    // Three initiators bind directly to the one multi-passthrough target socket.
    portA.socket.bind(target.socket);
    portB.socket.bind(target.socket);
    raw.socket.bind(target.socket);
    portPlain.socket.bind(plain.socket);
    SC_THREAD(run);
  }

  void run() {
    checkPorts();
    checkRawTransport();
    checkDebug();
    checkDmi();
    checkPortDmi();
    checkAtomics();
    finished = true;
  }

  void checkPorts() {
    // Time conversions (default resolution 1 ps).
    EXPECT_EQ(MemoryTarget::toTick(sc_time(1.5, SC_NS)), 1500u);
    EXPECT_EQ(MemoryTarget::toTime(kLatency), sc_time(35, SC_NS));

    Tick lat = 0;
    EXPECT_EQ(portA.write64(kRam + 0x10, 0x1122334455667788ull, &lat), MemStatus::Ok);
    EXPECT_EQ(lat, kLatency);  // exactly the memory latency, returned through the TLM delay
    uint64_t v = 0;
    lat = 7;
    EXPECT_EQ(portB.read64(kRam + 0x10, v, &lat), MemStatus::Ok);  // another initiator
    EXPECT_EQ(v, 0x1122334455667788ull);
    EXPECT_EQ(lat, 7u + kLatency);

    // A cross-page access is one transaction, one latency.
    uint8_t pattern[32];
    for (unsigned i = 0; i < sizeof pattern; ++i) pattern[i] = static_cast<uint8_t>(0xa0 + i);
    lat = 0;
    EXPECT_EQ(portA.write(kRam + 0xff0, pattern, sizeof pattern, &lat), MemStatus::Ok);
    EXPECT_EQ(lat, kLatency);
    uint32_t w = 0;
    EXPECT_EQ(mem.read32(kRam + 0x1000, w), MemStatus::Ok);  // bytes 16..19 of the pattern
    EXPECT_EQ(w, 0xb3b2b1b0u);

    // Outside RAM: external abort, the latency was still spent, nothing allocated.
    const size_t pages = mem.pagesAllocated();
    lat = 0;
    EXPECT_EQ(portA.read64(0x1000, v, &lat), MemStatus::ExternalAbort);
    EXPECT_EQ(lat, kLatency);
    EXPECT_EQ(portA.write64(kRam + kRamSize - 4, ~0ull), MemStatus::ExternalAbort);  // straddles
    EXPECT_EQ(mem.pagesAllocated(), pages);
    EXPECT_EQ(portA.errors(), 2u);
    EXPECT_EQ(mem.aborts(), 2u);

    // The returned latency is what a caller waits for.
    const sc_time before = sc_core::sc_time_stamp();
    lat = 0;
    EXPECT_EQ(portB.read32(kRam + 0x10, w, &lat), MemStatus::Ok);
    EXPECT_EQ(w, 0x55667788u);
    wait(MemoryTarget::toTime(lat));
    EXPECT_EQ(sc_core::sc_time_stamp() - before, sc_time(35, SC_NS));

    EXPECT_EQ(portA.transactions(), 4u);
    EXPECT_EQ(portB.transactions(), 2u);
  }

  void checkRawTransport() {
    // The target adds its latency to the incoming delay.
    uint64_t v = 0;
    sc_time delay(10, SC_NS);
    EXPECT_EQ(raw.transport(tlm::TLM_READ_COMMAND, kRam + 0x10, &v, 8, delay),
              tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(v, 0x1122334455667788ull);
    EXPECT_EQ(delay, sc_time(45, SC_NS));

    delay = sc_core::SC_ZERO_TIME;
    EXPECT_EQ(raw.transport(tlm::TLM_READ_COMMAND, 0x10, &v, 8, delay),
              tlm::TLM_ADDRESS_ERROR_RESPONSE);

    // Byte enables are not supported: error, memory untouched.
    uint64_t data = 0xffffffffffffffffull;
    uint8_t be[8] = {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
    delay = sc_core::SC_ZERO_TIME;
    EXPECT_EQ(raw.transport(tlm::TLM_WRITE_COMMAND, kRam + 0x10, &data, 8, delay, be, 8),
              tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    EXPECT_EQ(mem.read64(kRam + 0x10, v), MemStatus::Ok);
    EXPECT_EQ(v, 0x1122334455667788ull);

    // Streaming (width < length) is not supported either.
    EXPECT_EQ(raw.transport(tlm::TLM_WRITE_COMMAND, kRam + 0x10, &data, 8, delay, nullptr, 0, 4),
              tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(mem.read64(kRam + 0x10, v), MemStatus::Ok);
    EXPECT_EQ(v, 0x1122334455667788ull);
    EXPECT_EQ(delay, sc_core::SC_ZERO_TIME);  // rejected before reaching the memory
  }

  void checkDebug() {
    const uint64_t reads = mem.reads(), writes = mem.writes();
    uint64_t v = 0;
    EXPECT_EQ(raw.debug(tlm::TLM_READ_COMMAND, kRam + 0x10, &v, 8), 8u);
    EXPECT_EQ(v, 0x1122334455667788ull);
    uint32_t w = 0x0badcafe;
    EXPECT_EQ(raw.debug(tlm::TLM_WRITE_COMMAND, kRam + 0x20, &w, 4), 4u);
    EXPECT_EQ(mem.read32(kRam + 0x20, w), MemStatus::Ok);
    EXPECT_EQ(w, 0x0badcafeu);
    EXPECT_EQ(raw.debug(tlm::TLM_READ_COMMAND, 0x10, &v, 8), 0u);  // outside RAM
    EXPECT_EQ(mem.reads(), reads + 1);                             // only the read32 above
    EXPECT_EQ(mem.writes(), writes);
  }

  void checkDmi() {
    // Inside RAM: one page, allocated on request, with the memory latency.
    const size_t pages = mem.pagesAllocated();
    tlm::tlm_dmi d;
    ASSERT_TRUE(raw.dmi(kRam + 0x5234, d));
    EXPECT_EQ(mem.pagesAllocated(), pages + 1);
    EXPECT_EQ(d.get_start_address(), kRam + 0x5000);
    EXPECT_EQ(d.get_end_address(), kRam + 0x5fff);
    EXPECT_TRUE(d.is_read_write_allowed());
    EXPECT_EQ(d.get_read_latency(), sc_time(35, SC_NS));
    EXPECT_EQ(d.get_write_latency(), sc_time(35, SC_NS));
    ASSERT_NE(d.get_dmi_ptr(), nullptr);
    EXPECT_EQ(d.get_dmi_ptr(), mem.pagePtr(kRam + 0x5000, false));
    const uint32_t w = 0x13572468;
    std::memcpy(d.get_dmi_ptr() + 0x234, &w, 4);
    uint32_t r = 0;
    EXPECT_EQ(portA.read32(kRam + 0x5234, r), MemStatus::Ok);
    EXPECT_EQ(r, 0x13572468u);

    // A RAM region of half a page: the grant is clipped to it.
    ASSERT_TRUE(raw.dmi(kSmallRam + 0x100, d));
    EXPECT_EQ(d.get_start_address(), kSmallRam);
    EXPECT_EQ(d.get_end_address(), kSmallRam + 0x7ff);

    // Outside RAM: denied, for the whole hole between the regions.
    EXPECT_FALSE(raw.dmi(0x88000000ull, d));
    EXPECT_EQ(d.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_NONE);
    EXPECT_EQ(d.get_start_address(), kRam + kRamSize);
    EXPECT_EQ(d.get_end_address(), kSmallRam - 1);
    EXPECT_FALSE(raw.dmi(kSmallRam + 0x800, d));
    EXPECT_EQ(d.get_start_address(), kSmallRam + 0x800);
    EXPECT_EQ(d.get_end_address(), ~uint64_t{0});
    EXPECT_FALSE(raw.dmi(0x0, d));
    EXPECT_EQ(d.get_start_address(), 0u);
    EXPECT_EQ(d.get_end_address(), kRam - 1);
    EXPECT_EQ(target.dmiGrants(), 2u);
  }

  void checkPortDmi() {
    portB.setUseDmi(true);
    const uint64_t txns = portB.transactions(), reads = mem.reads();
    uint64_t v = 0;
    Tick lat = 0;
    // First access goes through b_transport and picks up a DMI grant for the page ...
    EXPECT_EQ(portB.read64(kRam + 0x8000, v, &lat), MemStatus::Ok);
    EXPECT_EQ(portB.transactions(), txns + 1);
    EXPECT_EQ(mem.reads(), reads + 1);
    // ... later accesses in that page bypass the transport but cost the same latency.
    lat = 0;
    EXPECT_EQ(portB.write64(kRam + 0x8ff8, 0xfeedfacecafebeefull, &lat), MemStatus::Ok);
    EXPECT_EQ(lat, kLatency);
    EXPECT_EQ(portB.read64(kRam + 0x8ff8, v, &lat), MemStatus::Ok);
    EXPECT_EQ(v, 0xfeedfacecafebeefull);
    EXPECT_EQ(lat, 2 * kLatency);
    EXPECT_EQ(portB.dmiAccesses(), 2u);
    EXPECT_EQ(portB.transactions(), txns + 1);
    uint64_t m = 0;
    EXPECT_EQ(mem.peek(kRam + 0x8ff8, &m, 8), MemStatus::Ok);  // the same memory
    EXPECT_EQ(m, 0xfeedfacecafebeefull);
    // An access leaving the granted page goes through the transport again.
    EXPECT_EQ(portB.read64(kRam + 0x8ffc, v), MemStatus::Ok);
    EXPECT_EQ(portB.transactions(), txns + 2);
    // Outside RAM the port still reports the abort.
    EXPECT_EQ(portB.read64(0x0, v), MemStatus::ExternalAbort);
  }

  void checkAtomics() {
    // Through the port: one transaction, the memory latency plus the atomic extra, never DMI
    // (portB has DMI on and a grant for this page from checkPortDmi).
    mem.setAtomicExtra(15000);
    const uint64_t txns = portB.transactions(), dmi = portB.dmiAccesses();
    ASSERT_EQ(mem.poke(kRam + 0x8000, "\x01\0\0\0\0\0\0\0", 8), MemStatus::Ok);
    uint64_t old = 0;
    Tick lat = 0;
    EXPECT_EQ(portB.compareAndSwap64(kRam + 0x8000, 1, 0x401, old, &lat), MemStatus::Ok);
    EXPECT_EQ(old, 1u);
    EXPECT_EQ(lat, kLatency + 15000);
    EXPECT_EQ(portB.transactions(), txns + 1);
    EXPECT_EQ(portB.dmiAccesses(), dmi);
    uint64_t v = 0;
    EXPECT_EQ(portB.read64(kRam + 0x8000, v), MemStatus::Ok);  // by DMI: the same memory
    EXPECT_EQ(v, 0x401u);
    EXPECT_EQ(portA.fetchAndNot64(kRam + 0x8000, 0x400, old), MemStatus::Ok);
    EXPECT_EQ(old, 0x401u);
    EXPECT_EQ(mem.peek(kRam + 0x8000, &v, 8), MemStatus::Ok);
    EXPECT_EQ(v, 1u);
    // Outside RAM and misaligned: error responses, reported as aborts.
    EXPECT_EQ(portA.fetchOr64(0x0, 1, old), MemStatus::ExternalAbort);
    EXPECT_EQ(portA.fetchOr64(kRam + 0x8004, 1, old), MemStatus::ExternalAbort);

    // The extension on a write or on a length other than 8: the target refuses it.
    AtomicExtension ext;
    ext.rmw = AtomicRmw{AtomicOp::FetchOr, 0x2};
    uint64_t data = 0;
    for (auto [cmd, len] : {std::pair{tlm::TLM_WRITE_COMMAND, 8u}, {tlm::TLM_READ_COMMAND, 4u}}) {
      tlm::tlm_generic_payload gp;
      gp.set_command(cmd);
      gp.set_address(kRam + 0x8000);
      gp.set_data_ptr(reinterpret_cast<unsigned char*>(&data));
      gp.set_data_length(len);
      gp.set_streaming_width(len);
      gp.set_extension(&ext);
      sc_time delay = sc_core::SC_ZERO_TIME;
      raw.socket->b_transport(gp, delay);
      gp.clear_extension(&ext);
      EXPECT_EQ(gp.get_response_status(), tlm::TLM_GENERIC_ERROR_RESPONSE);
      EXPECT_FALSE(ext.performed);
    }
    EXPECT_EQ(mem.peek(kRam + 0x8000, &v, 8), MemStatus::Ok);
    EXPECT_EQ(v, 1u);

    // A target that does not know the extension answers OK without performing it: the port
    // reports an error rather than taking the plain read for a completed update.
    EXPECT_EQ(portPlain.fetchOr64(0x1000, 1, old), MemStatus::ExternalAbort);
    EXPECT_EQ(portPlain.errors(), 1u);
  }
};

TEST(MemoryTlm, TargetAndPortThroughSystemC) {
  auto top = std::make_unique<Top>("top");
  sc_core::sc_start();
  EXPECT_TRUE(top->finished);
  EXPECT_EQ(top->target.socket.size(), 3u);
}

}  // namespace
}  // namespace smmu
