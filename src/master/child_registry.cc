// See child_registry.h. Slots are few (ServerLimit), so linear scans are fine.
#include "master/child_registry.h"

namespace mpmd {

void ChildRegistry::add(const ChildRecord& child) { by_slot_[child.slot] = child; }

std::optional<ChildRecord> ChildRegistry::remove(pid_t pid)
{
    for (auto& entry : by_slot_) {
        if (entry && entry->pid == pid) {
            std::optional<ChildRecord> found = entry;
            entry.reset();
            return found;
        }
    }
    return std::nullopt;
}

ChildRecord* ChildRegistry::in_slot(uint32_t slot)
{
    return slot < by_slot_.size() && by_slot_[slot] ? &*by_slot_[slot] : nullptr;
}

size_t ChildRegistry::count() const
{
    size_t n = 0;
    for (const auto& entry : by_slot_)
        n += entry.has_value();
    return n;
}

std::vector<ChildRecord*> ChildRegistry::all()
{
    std::vector<ChildRecord*> children;
    for (auto& entry : by_slot_)
        if (entry)
            children.push_back(&*entry);
    return children;
}

} // namespace mpmd
