// Event queue records (32 bytes, 4 doublewords). IHI 0070 chapter 7.
#pragma once
#include <array>
#include <cstdint>

#include "arch/Types.h"

namespace smmu {

namespace evt {
// CLASS field of translation-related faults: which access faulted (CD fetch, TT fetch, input).
constexpr uint8_t CLASS_CD = 0, CLASS_TT = 1, CLASS_IN = 2;
}

struct EventRecord {
  EventId id = EventId::None;  // d0[7:0]
  bool ssv = false;            // d0[11]
  uint32_t ssid = 0;           // d0[31:12]
  uint32_t sid = 0;            // d0[63:32]
  // d1 for translation faults (F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION,
  // F_WALK_EABT ...): STAG [15:0], Stall [31], PnU [33], InD [34], RnW [35], S2 [39],
  // CLASS [41:40], TTRnW [44] (IHI 0070 7.3; Linux EVTQ_1_*). NSIPA [38] (Secure only) is not
  // modelled.
  uint16_t stag = 0;
  bool stall = false;
  bool pnu = false;            // privileged
  bool ind = false;            // instruction
  bool rnw = false;            // read (1) / write (0)
  bool s2 = false;
  uint8_t cls = 0;
  bool ttrnw = false;          // CLASS == TT: 1 descriptor read, 0 descriptor write (HTTU update)
  // d2: input address (F_* translation faults, F_BAD_ATS_TREQ, F_TRANSL_FORBIDDEN ...)
  uint64_t inputAddr = 0;
  // d3, which depends on the event:
  //  - F_STE_FETCH, F_CD_FETCH, F_WALK_EABT, F_VMS_FETCH: FetchAddr [55:3], the PA of the
  //    STE / CD / descriptor / VMS whose fetch (or HTTU update) aborted; encode()/decode() keep
  //    bits [55:3] only.
  //  - F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION: IPA [55:12] (stage-2 faults, or the
  //    stage-1 descriptor IPA when CLASS == TT); encode()/decode() keep bits [55:12] only.
  //  - any other event: written and read as a raw doubleword.
  uint64_t addr2 = 0;
  // C_BAD_STE etc. carry nothing beyond sid/ssid; F_STREAM_DISABLED likewise.

  using Words = std::array<uint64_t, 4>;
  static EventRecord decode(const Words& d);
  Words encode() const;
};

}  // namespace smmu
