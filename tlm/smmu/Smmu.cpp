#include "smmu/Smmu.h"

#include <cstring>

#include "arch/Registers.h"

namespace smmu {

using sc_core::sc_time;
using sc_core::SC_PS;

Smmu::Smmu(sc_core::sc_module_name name, const SmmuConfig& cfg)
    : sc_module(name), regs("regs"), dmaIn("dmaIn"), dmaOut("dmaOut"), walk("walk") {
  core_ = std::make_unique<SmmuCore>(cfg, walk);
  regs.register_b_transport(this, &Smmu::regTransport);
  regs.register_transport_dbg(this, &Smmu::regDebug);
  dmaIn.register_b_transport(this, &Smmu::dmaTransport);
  SC_THREAD(commandThread);
}

void Smmu::regTransport(tlm::tlm_generic_payload& p, sc_time& delay) {
  regDebug(p);
  delay += regAccessLatency;
  if (p.is_write() && p.is_response_ok()) {
    const uint32_t off = uint32_t(p.get_address() - config().regBase);
    if (off == reg::CMDQ_PROD || off == reg::CR0 || off == reg::GERRORN) cmdqKick_.notify(delay);
  }
}

unsigned Smmu::regDebug(tlm::tlm_generic_payload& p) {
  // The frame decodes physical addresses [reg_base, reg_base + 128 KiB).
  const unsigned len = p.get_data_length();
  const uint64_t base = config().regBase;
  const uint64_t addr = p.get_address();
  const uint64_t off = addr - base;
  if (addr < base || (len != 4 && len != 8) || (off & (len - 1)) || off >= reg::FRAME_SIZE ||
      p.get_byte_enable_ptr()) {
    p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return 0;
  }
  if (p.is_read()) {
    const uint64_t v = core_->readReg(uint32_t(off), len);
    std::memcpy(p.get_data_ptr(), &v, len);
  } else if (p.is_write()) {
    uint64_t v = 0;
    std::memcpy(&v, p.get_data_ptr(), len);
    core_->writeReg(uint32_t(off), v, len);
  }
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  return len;
}

void Smmu::dmaTransport(int port, tlm::tlm_generic_payload& p, sc_time& delay) {
  TxnExtension* ext = nullptr;
  p.get_extension(ext);
  TranslationRequest req;
  if (ext) {
    req = ext->req;
  } else {
    ++dmaWithoutExtension;  // no StreamID: treated as StreamID 0 without substream
  }
  req.port = uint32_t(port);  // the binding index: one micro TLB per bound device
  req.iova = p.get_address();
  req.acc.write = p.is_write();
  if (!unitsPerPs_) unitsPerPs_ = sc_time(1, SC_PS).value();  // fixed while simulating
  const Tick now = Tick((sc_core::sc_time_stamp().value() + delay.value()) / unitsPerPs_);
  const TranslationResult r = core_->translate(req, now);
  if (ext) ext->result = r;
  delay += sc_time::from_value(r.latency * unitsPerPs_);
  if (r.outcome != Outcome::Ok) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const uint64_t iova = p.get_address();
  p.set_address(r.pa);
  dmaOut->b_transport(p, delay);
  p.set_address(iova);
}

void Smmu::commandThread() {
  for (;;) {
    while (core_->commandsPending()) {
      const Tick t = core_->processCommands(1);
      wait(sc_time(double(t), SC_PS));
    }
    wait(cmdqKick_);
  }
}

}  // namespace smmu
