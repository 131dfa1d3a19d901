// See restart_plan.h.
#include "master/restart_plan.h"

#include <algorithm>

namespace mpmd {

uint32_t children_for_new_generation(const std::vector<SlotView>& old, const RestartSizes& sizes)
{
    uint64_t busy = 0;
    for (const SlotView& slot : old)
        if (slot.pid != 0 && !slot.quiescing)
            busy += slot.busy_workers;
    const uint32_t per_child = std::max<uint32_t>(sizes.threads_per_child, 1);
    const uint64_t for_busy = (busy + per_child - 1) / per_child;
    const uint64_t wanted = std::max<uint64_t>(sizes.start_servers, for_busy);
    return uint32_t(std::min<uint64_t>(wanted, std::max<uint32_t>(sizes.max_processes, 1)));
}

} // namespace mpmd
