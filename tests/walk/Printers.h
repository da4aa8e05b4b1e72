// GoogleTest printers for the walk tests (readable failure messages).
#pragma once
#include <ostream>

#include "arch/Types.h"

namespace smmu {
inline void PrintTo(EventId id, std::ostream* os) { *os << eventName(id); }
}  // namespace smmu
