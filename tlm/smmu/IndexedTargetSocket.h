// A target socket for any number of initiators that tells its module which binding a
// b_transport came through (the binding index, in bind order from 0), as
// tlm_utils::multi_passthrough_target_socket does, with the callback fixed at compile time:
// each binding is an object of a final class whose b_transport calls the module's function
// directly. The passthrough socket goes through a functor object, a function pointer and a
// member-function pointer on every call (a third of a TLB hit's transport overhead).
//
// Only b_transport is forwarded (the SMMU's DMA port has nothing else); the other calls answer
// as the passthrough socket does without a registered callback: nb_transport_fw is an error,
// get_direct_mem_ptr grants nothing, transport_dbg transfers nothing. Initiator sockets bind
// to it directly (no hierarchical binding).
#pragma once
#include <memory>
#include <systemc>
#include <tlm>
#include <vector>

namespace smmu {

template <class MODULE,
          void (MODULE::*BTransport)(int, tlm::tlm_generic_payload&, sc_core::sc_time&)>
class IndexedTargetSocket : public tlm::tlm_target_socket<32, tlm::tlm_base_protocol_types, 0> {
 public:
  using base_type = tlm::tlm_target_socket<32, tlm::tlm_base_protocol_types, 0>;
  using fw_if = tlm::tlm_fw_transport_if<tlm::tlm_base_protocol_types>;

  IndexedTargetSocket(const char* name, MODULE* owner) : base_type(name), owner_(owner) {
    // The export needs an interface of its own: the first binding's, created here and handed
    // out on the first bind (as the passthrough socket does).
    ports_.push_back(std::make_unique<Port>(owner_, 0));
    sc_core::sc_export<fw_if>::bind(*ports_.front());
  }

  // Called once per initiator bound (tlm_base_initiator_socket::bind): a new binding.
  fw_if& get_base_interface() override {
    if (firstUnclaimed_) {
      firstUnclaimed_ = false;
      return *ports_.front();
    }
    ports_.push_back(std::make_unique<Port>(owner_, int(ports_.size())));
    return *ports_.back();
  }
  const fw_if& get_base_interface() const override { return *ports_.front(); }

  const char* kind() const override { return "IndexedTargetSocket"; }

 private:
  class Port final : public fw_if {
   public:
    Port(MODULE* owner, int index) : owner_(owner), index_(index) {}
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& t) override {
      (owner_->*BTransport)(index_, p, t);
    }
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload&, tlm::tlm_phase&,
                                       sc_core::sc_time&) override {
      SC_REPORT_ERROR("IndexedTargetSocket", "nb_transport_fw is not supported");
      return tlm::TLM_COMPLETED;
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& d) override {
      d.allow_none();
      d.set_start_address(0x0);
      d.set_end_address(~sc_dt::uint64(0));
      return false;
    }
    unsigned int transport_dbg(tlm::tlm_generic_payload&) override { return 0; }

   private:
    MODULE* owner_;
    int index_;
  };

  MODULE* owner_;
  std::vector<std::unique_ptr<Port>> ports_;
  bool firstUnclaimed_ = true;
};

}  // namespace smmu
