// Basic types shared by every part of the model. Pure C++: no SystemC here.
#pragma once
#include <cstdint>
#include <string_view>

namespace smmu {

using PhysAddr = uint64_t;  // output (physical) address
using Tick = uint64_t;      // simulated time in picoseconds, used by the pure logic

constexpr Tick kPsPerNs = 1000;

// Something that becomes ready at `readyAt` (a fill, a fetch, a descriptor read in flight), met
// at base + lat: if it is not ready yet, lat grows to reach it. Returns whether it waited.
inline bool waitUntil(Tick readyAt, Tick base, Tick& lat) {
  if (readyAt <= base + lat) return false;
  lat = readyAt - base;
  return true;
}

// Translation granule. Values are not the TG0 encoding (see ContextDescriptor.h for that).
enum class Granule : uint8_t { k4K = 0, k16K = 1, k64K = 2 };

constexpr unsigned granuleShift(Granule g) {
  return g == Granule::k4K ? 12 : g == Granule::k16K ? 14 : 16;
}

// Architectural event IDs (IHI 0070, event queue records). None means "no fault".
enum class EventId : uint8_t {
  None = 0x00,
  F_UUT = 0x01,
  C_BAD_STREAMID = 0x02,
  F_STE_FETCH = 0x03,
  C_BAD_STE = 0x04,
  F_BAD_ATS_TREQ = 0x05,
  F_STREAM_DISABLED = 0x06,
  F_TRANSL_FORBIDDEN = 0x07,
  C_BAD_SUBSTREAMID = 0x08,
  F_CD_FETCH = 0x09,
  C_BAD_CD = 0x0a,
  F_WALK_EABT = 0x0b,
  F_TRANSLATION = 0x10,
  F_ADDR_SIZE = 0x11,
  F_ACCESS = 0x12,
  F_PERMISSION = 0x13,
  F_TLB_CONFLICT = 0x20,
  F_CFG_CONFLICT = 0x21,
  E_PAGE_REQUEST = 0x24,
  F_VMS_FETCH = 0x25,
};

std::string_view eventName(EventId id);           // "F_TRANSLATION", ... ; "NONE" for None
bool eventFromName(std::string_view name, EventId& out);

// What a transaction asks for (the attributes that permission checks use).
struct AccessAttrs {
  bool write = false;
  bool priv = false;   // privileged (PnU = 1)
  bool instr = false;  // instruction fetch (InD = 1)
};

// How a transaction ended, as seen by the requester.
enum class Outcome : uint8_t {
  Ok,     // translated (or bypassed) and performed
  Abort,  // terminated without an event record (STE.Config abort, GBPA.ABORT, ...)
  Fault,  // terminated and an event was recorded (or would have been, had recording been on)
};
std::string_view outcomeName(Outcome o);  // "ok", "abort", "fault"

}  // namespace smmu
