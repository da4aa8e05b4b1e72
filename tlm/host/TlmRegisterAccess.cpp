#include "host/TlmRegisterAccess.h"

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace smmu {

TlmRegisterAccess::TlmRegisterAccess(sc_core::sc_module_name name, uint64_t base)
    : sc_module(name), socket("socket"), base_(base) {}

void TlmRegisterAccess::access(tlm::tlm_command cmd, uint32_t off, void* data, unsigned len) {
  if (memory) memory->sync();
  payload_.set_command(cmd);
  payload_.set_address(base_ + off);
  payload_.set_data_ptr(static_cast<unsigned char*>(data));
  payload_.set_data_length(len);
  payload_.set_streaming_width(len);
  payload_.set_byte_enable_ptr(nullptr);
  payload_.set_dmi_allowed(false);
  payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(payload_, delay);
  ++accesses_;
  if (payload_.is_response_error())
    throw std::runtime_error(fmt::format("{}: register access at {:#x} (offset {:#x}) failed: {}",
                                         name(), base_ + off, off,
                                         payload_.get_response_string()));
  wait(delay);
}

uint32_t TlmRegisterAccess::read32(uint32_t off) {
  uint32_t v = 0;
  access(tlm::TLM_READ_COMMAND, off, &v, 4);
  return v;
}
void TlmRegisterAccess::write32(uint32_t off, uint32_t v) {
  access(tlm::TLM_WRITE_COMMAND, off, &v, 4);
}
uint64_t TlmRegisterAccess::read64(uint32_t off) {
  uint64_t v = 0;
  access(tlm::TLM_READ_COMMAND, off, &v, 8);
  return v;
}
void TlmRegisterAccess::write64(uint32_t off, uint64_t v) {
  access(tlm::TLM_WRITE_COMMAND, off, &v, 8);
}

}  // namespace smmu
