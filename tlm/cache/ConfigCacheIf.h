// The TCU's configuration cache (STE + CD of a stream context) behind a small interface.
#pragma once
#include <cstdint>

#include "arch/ContextDescriptor.h"
#include "arch/Ste.h"

namespace smmu {

struct ConfigEntry {
  uint32_t sid = 0;
  uint32_t ssid = 0;
  bool ssv = false;
  Ste ste;
  bool hasCd = false;
  ContextDescriptor cd;
  // The fetch completes at this time: a walk that finds the entry earlier waits for it.
  Tick readyAt = 0;
};

class ConfigCacheIf {
 public:
  virtual ~ConfigCacheIf() = default;
  virtual const ConfigEntry* lookup(uint32_t sid, uint32_t ssid, bool ssv) = 0;
  virtual void insert(const ConfigEntry& e) = 0;
  virtual unsigned invalidateAll() = 0;
  virtual unsigned invalidateSidRange(uint32_t first, uint32_t last) = 0;  // CFGI_STE(_RANGE)
  virtual unsigned invalidateCd(uint32_t sid, uint32_t ssid) = 0;          // CFGI_CD
  virtual unsigned invalidateCdAll(uint32_t sid) = 0;                      // CFGI_CD_ALL
  virtual unsigned capacity() const = 0;
  virtual unsigned occupancy() const = 0;
};

}  // namespace smmu
