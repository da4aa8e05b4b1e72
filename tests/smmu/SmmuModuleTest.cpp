// The SMMU as a SystemC module, programmed by the host agent through its register frame and
// command queue in simulated time, translating DMA from an initiator: exact unloaded
// latencies (translation + data access), data landing at the translated address, faults as
// TLM errors plus event records that the host drains.
#include <gtest/gtest.h>

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
using sc_core::SC_PS;

namespace {

constexpr Tick kMemNs = 50;

SmmuConfig testConfig() {
  SmmuConfig c;
  c.timing.clockPeriodPs = 1000;
  c.timing.tlbLookupCycles = 2;
  c.timing.walkerIssueCycles = 4;
  c.timing.configLookupCycles = 2;
  return c;
}

// A test bench whose only process runs `body` (host programming + DMA) in an SC_THREAD.
struct Bench : sc_core::sc_module {
  SparseMemory mem{kMemNs * kPsPerNs};
  MemoryTarget memT{"mem", mem};
  Smmu smmu{"smmu", testConfig()};
  TlmRegisterAccess host{"host", testConfig().regBase};
  tlm_utils::simple_initiator_socket<Bench> dev{"dev"};
  PageAllocator tables{mem, 0x80000000, 1 << 26};
  std::unique_ptr<ArmSmmuV3Driver> drv;
  std::function<void(Bench&)> body;

  SC_HAS_PROCESS(Bench);
  explicit Bench(std::function<void(Bench&)> b) : sc_module("bench"), body(std::move(b)) {
    smmu.walk.socket.bind(memT.socket);
    smmu.dmaOut.bind(memT.socket);
    host.socket.bind(smmu.regs);
    dev.bind(smmu.dmaIn);
    drv = std::make_unique<ArmSmmuV3Driver>(host, mem, tables);
    SC_THREAD(run);
  }
  void run() { body(*this); }

  struct Dma {
    tlm::tlm_response_status status;
    sc_time latency;
    TranslationResult result;
  };
  // One DMA of `len` bytes; waits for its latency, like a device with one outstanding access.
  Dma dma(uint32_t sid, uint64_t iova, bool write, uint8_t* data, unsigned len) {
    tlm::tlm_generic_payload p;
    auto* ext = new TxnExtension;
    ext->req.sid = sid;
    p.set_extension(ext);
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(iova);
    p.set_data_ptr(data);
    p.set_data_length(len);
    p.set_streaming_width(len);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time d = sc_core::SC_ZERO_TIME;
    dev->b_transport(p, d);
    wait(d);
    return {p.get_response_status(), d, ext->result};
  }
};

void runBench(std::function<void(Bench&)> body) {
  Bench b(std::move(body));
  sc_core::sc_start();
}

}  // namespace

TEST(SmmuModule, HostProgramsThenDmaHasExactUnloadedLatency) {
  bool ran = false;
  runBench([&](Bench& b) {
    b.drv->probe();
    Domain& d = b.drv->createDomain();
    b.drv->attach(d, 3);
    ASSERT_TRUE(b.drv->map(d, 0x10000000, 0x90000000, 0x2000));
    uint8_t buf[64];
    for (unsigned i = 0; i < 64; ++i) buf[i] = uint8_t(i * 3);

    // Miss: (2 + 4 + 2) cycles of 1 ns, 6 reads of 50 ns (STE, CD, 4 table levels), then the
    // 50 ns data write.
    auto w = b.dma(3, 0x10000040, true, buf, 64);
    EXPECT_EQ(w.status, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(w.result.servedBy, ServedBy::Walk);
    EXPECT_EQ(w.result.walkReads, 6u);
    EXPECT_EQ(w.latency, sc_time(8 + 6 * 50 + 50, SC_NS));
    uint8_t got[64] = {};
    b.mem.read(0x90000040, got, 64);
    EXPECT_EQ(0, std::memcmp(got, buf, 64));  // the data is at the translated address

    // Hit: 2 ns lookup + 50 ns data.
    uint8_t rd[64] = {};
    auto r = b.dma(3, 0x10000040, false, rd, 64);
    EXPECT_EQ(r.result.servedBy, ServedBy::Tlb);
    EXPECT_EQ(r.latency, sc_time(2 + 50, SC_NS));
    EXPECT_EQ(0, std::memcmp(rd, buf, 64));

    // The second page of the mapping: config cached, 4 table reads.
    auto s = b.dma(3, 0x10001000, false, rd, 64);
    EXPECT_EQ(s.latency, sc_time(8 + 4 * 50 + 50, SC_NS));
    ran = true;
  });
  EXPECT_TRUE(ran);
}

TEST(SmmuModule, FaultIsATlmErrorAndAnEventTheHostDrains) {
  bool ran = false;
  runBench([&](Bench& b) {
    b.drv->probe();
    Domain& d = b.drv->createDomain();
    b.drv->attach(d, 5);
    ASSERT_TRUE(b.drv->map(d, 0x10000000, 0x90000000, 0x1000));
    uint8_t buf[8] = {};
    auto f = b.dma(5, 0x20000000, false, buf, 8);
    EXPECT_EQ(f.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(f.result.event, EventId::F_TRANSLATION);
    auto drained = b.drv->drainEvents();
    ASSERT_EQ(drained.events.size(), 1u);
    EXPECT_EQ(drained.events[0].id, EventId::F_TRANSLATION);
    EXPECT_EQ(drained.events[0].sid, 5u);
    EXPECT_EQ(drained.events[0].inputAddr, 0x20000000u);
    EXPECT_TRUE(drained.events[0].rnw);
    // An unattached stream is aborted by Linux's default STE (Config=abort): no event.
    auto a = b.dma(6, 0x10000000, false, buf, 8);
    EXPECT_EQ(a.result.outcome, Outcome::Abort);
    EXPECT_EQ(b.drv->drainEvents().events.size(), 0u);
    ran = true;
  });
  EXPECT_TRUE(ran);
}

TEST(SmmuModule, UnmapInvalidatesThroughTheCommandQueueInSimulatedTime) {
  bool ran = false;
  runBench([&](Bench& b) {
    b.drv->probe();
    Domain& d = b.drv->createDomain();
    b.drv->attach(d, 1);
    ASSERT_TRUE(b.drv->map(d, 0x10000000, 0x90000000, 0x1000));
    uint8_t buf[8] = {};
    EXPECT_EQ(b.dma(1, 0x10000000, false, buf, 8).status, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b.dma(1, 0x10000000, false, buf, 8).result.servedBy, ServedBy::Tlb);
    const sc_time before = sc_core::sc_time_stamp();
    const uint64_t cmdsBefore = b.smmu.core().stats().commands;
    EXPECT_EQ(b.drv->unmap(d, 0x10000000, 0x1000), 0x1000u);
    // The unmap returned only after its TLBI + CMD_SYNC were consumed, which took time.
    EXPECT_GE(b.smmu.core().stats().commands, cmdsBefore + 2);
    EXPECT_GT(sc_core::sc_time_stamp(), before);
    auto f = b.dma(1, 0x10000000, false, buf, 8);
    EXPECT_EQ(f.result.event, EventId::F_TRANSLATION);  // not served from a stale TLB entry
    ran = true;
  });
  EXPECT_TRUE(ran);
}

TEST(SmmuModule, RegisterFrameDecodesItsConfiguredBase) {
  bool ran = false;
  runBench([&](Bench& b) {
    // The frame sits at reg_base: offset 0 of the address space is not the SMMU's.
    TlmRegisterAccess& host = b.host;
    EXPECT_EQ(host.read32(0x00), b.smmu.core().readReg(0x00, 4));  // IDR0 through the base
    tlm::tlm_generic_payload p;
    uint32_t v = 0;
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(0x0);  // below reg_base
    p.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
    p.set_data_length(4);
    p.set_streaming_width(4);
    EXPECT_EQ(b.smmu.regs.get_base_export()->transport_dbg(p), 0u);
    EXPECT_TRUE(p.is_response_error());
    p.set_address(testConfig().regBase + 0x20000);  // past the two 64 KiB pages
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    b.smmu.regs.get_base_export()->transport_dbg(p);
    EXPECT_TRUE(p.is_response_error());
    ran = true;
  });
  EXPECT_TRUE(ran);
}
