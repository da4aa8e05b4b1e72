#include "arch/Event.h"

#include "arch/Bits.h"

namespace smmu {
namespace {
using bits::get;
using bits::put;

constexpr uint64_t kFetchAddr = bits::mask(55, 3);  // FetchAddr[55:3]
constexpr uint64_t kIpa = bits::mask(55, 12);       // IPA[55:12]

// What d3 holds for an event (IHI 0070 7.3): a mask, or all ones for "raw doubleword".
uint64_t d3Mask(EventId id) {
  switch (id) {
    case EventId::F_STE_FETCH:
    case EventId::F_CD_FETCH:
    case EventId::F_WALK_EABT:
    case EventId::F_VMS_FETCH:
      return kFetchAddr;
    case EventId::F_TRANSLATION:
    case EventId::F_ADDR_SIZE:
    case EventId::F_ACCESS:
    case EventId::F_PERMISSION:
      return kIpa;
    default:
      return ~0ull;
  }
}
}  // namespace

EventRecord EventRecord::decode(const Words& d) {
  EventRecord e;
  e.id = static_cast<EventId>(get(d[0], 7, 0));
  e.ssv = get(d[0], 11, 11);
  e.ssid = static_cast<uint32_t>(get(d[0], 31, 12));
  e.sid = static_cast<uint32_t>(get(d[0], 63, 32));
  e.stag = static_cast<uint16_t>(get(d[1], 15, 0));
  e.stall = get(d[1], 31, 31);
  e.pnu = get(d[1], 33, 33);
  e.ind = get(d[1], 34, 34);
  e.rnw = get(d[1], 35, 35);
  e.s2 = get(d[1], 39, 39);
  e.cls = static_cast<uint8_t>(get(d[1], 41, 40));
  e.ttrnw = get(d[1], 44, 44);
  e.inputAddr = d[2];
  e.addr2 = d[3] & d3Mask(e.id);
  return e;
}

EventRecord::Words EventRecord::encode() const {
  Words d{};
  put(d[0], 7, 0, static_cast<uint8_t>(id));
  put(d[0], 11, 11, ssv);
  put(d[0], 31, 12, ssid);
  put(d[0], 63, 32, sid);
  put(d[1], 15, 0, stag);
  put(d[1], 31, 31, stall);
  put(d[1], 33, 33, pnu);
  put(d[1], 34, 34, ind);
  put(d[1], 35, 35, rnw);
  put(d[1], 39, 39, s2);
  put(d[1], 41, 40, cls);
  put(d[1], 44, 44, ttrnw);
  d[2] = inputAddr;
  d[3] = addr2 & d3Mask(id);
  return d;
}

}  // namespace smmu
