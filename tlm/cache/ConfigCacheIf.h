// The TCU's configuration cache (STE + CD of a stream context) behind its interface
// (cache/CacheIf.h: split-phase, answers by value).
#pragma once
#include <cstdint>

#include "arch/ContextDescriptor.h"
#include "arch/Ste.h"
#include "cache/CacheIf.h"

namespace smmu {

// The stream context an entry belongs to. Without ssv the ssid plays no part, and the entry
// counts as substream 0 for CFGI_CD.
struct ConfigTag {
  uint32_t sid = 0;
  uint32_t ssid = 0;
  bool ssv = false;
};
// The configuration a hit gives: the STE and, when the stream has stage 1 (and not S1DSS
// bypass), the CD.
struct ConfigOutput {
  Ste ste;
  bool hasCd = false;
  ContextDescriptor cd;
};
struct ConfigEntry {
  ConfigTag tag;
  ConfigOutput out;
  // The fetch completes at this time: a walk that finds the entry earlier waits for it.
  Tick readyAt = 0;
};
using ConfigKey = ConfigTag;

// Every scope the CFGI commands invalidate the config cache by.
struct ConfigInvalidation {
  enum class Scope : uint8_t {
    All,      // CFGI_ALL (CFGI_STE_RANGE with Range 31)
    Streams,  // CFGI_STE, CFGI_STE_RANGE: entries of sid in [sid, sidLast]
    Cd,       // CFGI_CD: the entry of (sid, ssid)
    CdAll,    // CFGI_CD_ALL: every entry of sid
  };
  Scope scope = Scope::All;
  uint32_t sid = 0, sidLast = 0, ssid = 0;
};

class ConfigCacheIf : public CacheIf<ConfigKey, ConfigEntry, ConfigInvalidation> {};

}  // namespace smmu
