// Smmu::dmaDmi: translated data through DMI where memory grants it. The accesses must be the
// ones b_transport makes (same bytes at the translated address, same latency); a grant is asked
// for only after a write went through (so it never allocates memory the transport would not
// have), and memory with limited channels grants none (DMI would escape the contention).
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "host/ArmSmmuV3Driver.h"
#include "host/PageAllocator.h"
#include "host/TlmRegisterAccess.h"
#include "mem/MemoryTarget.h"
#include "mem/SparseMemory.h"
#include "smmu/Smmu.h"

using namespace smmu;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

constexpr Tick kMemNs = 50;

struct DmiBench : sc_core::sc_module {
  SparseMemory mem{kMemNs * kPsPerNs};
  MemoryTarget memT{"mem", mem};
  Smmu smmu{"smmu", SmmuConfig{}};
  TlmRegisterAccess host{"host", SmmuConfig{}.regBase};
  tlm_utils::simple_initiator_socket<DmiBench> dev{"dev"};
  PageAllocator tables{mem, 0x80000000, 1 << 26};
  std::unique_ptr<ArmSmmuV3Driver> drv;
  std::function<void(DmiBench&)> body;
  tlm::tlm_generic_payload p;
  TxnExtension* ext = new TxnExtension;  // owned by p

  SC_HAS_PROCESS(DmiBench);
  DmiBench(sc_core::sc_module_name n, std::function<void(DmiBench&)> b)
      : sc_module(n), body(std::move(b)) {
    smmu.walk.socket.bind(memT.socket);
    smmu.dmaOut.bind(memT.socket);
    host.socket.bind(smmu.regs);
    dev.bind(smmu.dmaIn);
    drv = std::make_unique<ArmSmmuV3Driver>(host, mem, tables);
    p.set_extension(ext);
    SC_THREAD(run);
  }
  void run() { body(*this); }
  // Maps 2 pages of StreamID 3 at IOVA 0x10000000 -> PA 0x90000000.
  void setUp() {
    drv->probe();
    Domain& d = drv->createDomain();
    drv->attach(d, 3);
    ASSERT_TRUE(drv->map(d, 0x10000000, 0x90000000, 0x2000));
  }
  // One DMA; returns its latency (the annotated delay), waits for it.
  sc_time dma(uint64_t iova, bool write, uint8_t* data, unsigned len) {
    ext->req = TranslationRequest{};
    ext->req.sid = 3;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(iova);
    p.set_data_ptr(data);
    p.set_data_length(len);
    p.set_streaming_width(len);
    p.set_byte_enable_ptr(nullptr);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time d = sc_core::SC_ZERO_TIME;
    dev->b_transport(p, d);
    EXPECT_EQ(p.get_response_status(), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(p.get_address(), iova);  // the initiator's address is left as it was
    wait(d);
    return d;
  }
};

void runBench(std::function<void(DmiBench&)> body) {
  DmiBench b("bench", std::move(body));
  sc_core::sc_start();
}

}  // namespace

TEST(SmmuDmi, DataThroughDmiAfterAWriteSameBytesSameLatency) {
  bool ran = false;
  runBench([&](DmiBench& b) {
    b.smmu.dmaDmi = true;
    b.setUp();
    uint8_t buf[64], rd[64];
    for (unsigned i = 0; i < 64; ++i) buf[i] = uint8_t(0x40 + i);

    // A read of a page nobody wrote: through the transport, no grant asked for, nothing
    // allocated.
    (void)b.dma(0x10001000, false, rd, 64);  // walk
    const size_t pages = b.mem.pagesAllocated();
    EXPECT_EQ(b.dma(0x10001000, false, rd, 64), sc_time(2 + kMemNs, SC_NS));  // TLB hit
    EXPECT_EQ(b.memT.dmiGrants(), 0u);
    EXPECT_EQ(b.mem.pagesAllocated(), pages);

    // The first write goes through the transport and picks up a grant for its page ...
    (void)b.dma(0x10000040, true, buf, 64);  // walk + write
    EXPECT_EQ(b.smmu.dmaDmiAccesses, 0u);
    EXPECT_EQ(b.memT.dmiGrants(), 1u);
    const uint64_t reads = b.mem.reads(), writes = b.mem.writes();

    // ... then hits in that page use it: the TLB-hit latency plus the memory latency, as
    // through the transport, and the bytes are those at the translated address.
    std::memset(rd, 0, sizeof rd);
    EXPECT_EQ(b.dma(0x10000040, false, rd, 64), sc_time(2 + kMemNs, SC_NS));
    EXPECT_EQ(0, std::memcmp(rd, buf, 64));
    buf[5] = 0xee;
    EXPECT_EQ(b.dma(0x10000f80, true, buf, 64), sc_time(2 + kMemNs, SC_NS));
    EXPECT_EQ(b.smmu.dmaDmiAccesses, 2u);
    EXPECT_EQ(b.mem.reads(), reads);  // neither went through SparseMemory::read/write
    EXPECT_EQ(b.mem.writes(), writes);
    uint8_t back[64] = {};
    ASSERT_EQ(b.mem.peek(0x90000f80, back, 64), MemStatus::Ok);
    EXPECT_EQ(0, std::memcmp(back, buf, 64));

    // An access that leaves the granted page goes through the transport.
    EXPECT_EQ(b.dma(0x10000fe0, false, rd, 64), sc_time(2 + kMemNs, SC_NS));
    EXPECT_EQ(b.smmu.dmaDmiAccesses, 2u);
    EXPECT_EQ(b.mem.reads(), reads + 1);
    ran = true;
  });
  EXPECT_TRUE(ran);
}

TEST(SmmuDmi, OffByDefaultAndNoneWhileChannelsAreLimited) {
  bool ran = false;
  runBench([&](DmiBench& b) {
    b.setUp();
    uint8_t buf[64] = {1, 2, 3};
    (void)b.dma(0x10000000, true, buf, 64);
    (void)b.dma(0x10000000, true, buf, 64);
    EXPECT_EQ(b.memT.dmiGrants(), 0u);  // dmaDmi is off by default
    EXPECT_EQ(b.smmu.dmaDmiAccesses, 0u);

    // Contention modelled: the memory neither hints nor grants DMI.
    b.smmu.dmaDmi = true;
    b.mem.setChannels(1, 10 * kPsPerNs);
    (void)b.dma(0x10000000, true, buf, 64);
    (void)b.dma(0x10000000, false, buf, 64);
    EXPECT_EQ(b.memT.dmiGrants(), 0u);
    EXPECT_EQ(b.smmu.dmaDmiAccesses, 0u);
    EXPECT_FALSE(b.p.is_dmi_allowed());
    tlm::tlm_generic_payload q;
    q.set_address(0x90000000);
    q.set_command(tlm::TLM_READ_COMMAND);
    tlm::tlm_dmi d;
    EXPECT_FALSE(b.smmu.dmaOut->get_direct_mem_ptr(q, d));
    EXPECT_EQ(d.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_NONE);
    ran = true;
  });
  EXPECT_TRUE(ran);
}
