#include "arch/Types.h"

#include <array>
#include <utility>

namespace smmu {
namespace {
constexpr std::array<std::pair<EventId, std::string_view>, 20> kEventNames{{
    {EventId::None, "NONE"},
    {EventId::F_UUT, "F_UUT"},
    {EventId::C_BAD_STREAMID, "C_BAD_STREAMID"},
    {EventId::F_STE_FETCH, "F_STE_FETCH"},
    {EventId::C_BAD_STE, "C_BAD_STE"},
    {EventId::F_BAD_ATS_TREQ, "F_BAD_ATS_TREQ"},
    {EventId::F_STREAM_DISABLED, "F_STREAM_DISABLED"},
    {EventId::F_TRANSL_FORBIDDEN, "F_TRANSL_FORBIDDEN"},
    {EventId::C_BAD_SUBSTREAMID, "C_BAD_SUBSTREAMID"},
    {EventId::F_CD_FETCH, "F_CD_FETCH"},
    {EventId::C_BAD_CD, "C_BAD_CD"},
    {EventId::F_WALK_EABT, "F_WALK_EABT"},
    {EventId::F_TRANSLATION, "F_TRANSLATION"},
    {EventId::F_ADDR_SIZE, "F_ADDR_SIZE"},
    {EventId::F_ACCESS, "F_ACCESS"},
    {EventId::F_PERMISSION, "F_PERMISSION"},
    {EventId::F_TLB_CONFLICT, "F_TLB_CONFLICT"},
    {EventId::F_CFG_CONFLICT, "F_CFG_CONFLICT"},
    {EventId::E_PAGE_REQUEST, "E_PAGE_REQUEST"},
    {EventId::F_VMS_FETCH, "F_VMS_FETCH"},
}};
}  // namespace

std::string_view eventName(EventId id) {
  for (const auto& [e, n] : kEventNames)
    if (e == id) return n;
  return "UNKNOWN";
}

bool eventFromName(std::string_view name, EventId& out) {
  for (const auto& [e, n] : kEventNames)
    if (n == name) {
      out = e;
      return true;
    }
  return false;
}

std::string_view outcomeName(Outcome o) {
  switch (o) {
    case Outcome::Ok: return "ok";
    case Outcome::Abort: return "abort";
    case Outcome::Fault: return "fault";
  }
  return "?";
}

}  // namespace smmu
