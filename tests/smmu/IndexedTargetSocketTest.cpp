// IndexedTargetSocket (the SMMU's DMA port): each bound initiator reaches the module with its
// binding index, in bind order, as with tlm_utils::multi_passthrough_target_socket; the calls
// it does not forward answer as the passthrough socket does without a callback.
#include <gtest/gtest.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

#include "smmu/IndexedTargetSocket.h"

using namespace smmu;

namespace {

struct Target : sc_core::sc_module {
  void transport(int port, tlm::tlm_generic_payload& p, sc_core::sc_time& t) {
    ports.push_back(port);
    addresses.push_back(p.get_address());
    t += sc_core::sc_time(double(port + 1), sc_core::SC_NS);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  IndexedTargetSocket<Target, &Target::transport> socket{"socket", this};
  std::vector<int> ports;
  std::vector<uint64_t> addresses;
  explicit Target(sc_core::sc_module_name n) : sc_module(n) {}
};

struct Initiators : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiators> a{"a"}, b{"b"}, c{"c"};
  std::vector<sc_core::sc_time> delays;
  bool dmi = true;
  unsigned dbg = 1;
  tlm::tlm_dmi dmiData;
  SC_HAS_PROCESS(Initiators);
  explicit Initiators(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
  void run() {
    tlm::tlm_generic_payload p;
    // c, a, b, c: not in bind order, so that the index must come from the binding.
    for (auto* s : {&c, &a, &b, &c}) {
      p.set_address(s == &a ? 0xa : s == &b ? 0xb : 0xc);
      p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sc_core::sc_time t = sc_core::SC_ZERO_TIME;
      (*s)->b_transport(p, t);
      EXPECT_TRUE(p.is_response_ok());
      delays.push_back(t);
    }
    dmi = b->get_direct_mem_ptr(p, dmiData);
    dbg = a->transport_dbg(p);
  }
};

}  // namespace

TEST(IndexedTargetSocket, EachInitiatorArrivesWithItsBindingIndex) {
  Target t("target");
  Initiators i("initiators");
  i.a.bind(t.socket);
  i.b.bind(t.socket);
  i.c.bind(t.socket);
  sc_core::sc_start();
  EXPECT_EQ(t.ports, (std::vector<int>{2, 0, 1, 2}));
  EXPECT_EQ(t.addresses, (std::vector<uint64_t>{0xc, 0xa, 0xb, 0xc}));
  ASSERT_EQ(i.delays.size(), 4u);
  EXPECT_EQ(i.delays[0], sc_core::sc_time(3, sc_core::SC_NS));
  EXPECT_EQ(i.delays[1], sc_core::sc_time(1, sc_core::SC_NS));
  // The backward path: one binding per initiator, in the same order.
  EXPECT_EQ(t.socket.size(), 3);
  EXPECT_EQ(t.socket[0], &static_cast<tlm::tlm_bw_transport_if<>&>(i.a.get_base_interface()));
  EXPECT_EQ(t.socket[2], &static_cast<tlm::tlm_bw_transport_if<>&>(i.c.get_base_interface()));
  // Not forwarded: no DMI (and a range that says so for every address), no debug transport.
  EXPECT_FALSE(i.dmi);
  EXPECT_FALSE(i.dmiData.is_read_allowed());
  EXPECT_FALSE(i.dmiData.is_write_allowed());
  EXPECT_EQ(i.dmiData.get_start_address(), 0u);
  EXPECT_EQ(i.dmiData.get_end_address(), ~sc_dt::uint64(0));
  EXPECT_EQ(i.dbg, 0u);
}
