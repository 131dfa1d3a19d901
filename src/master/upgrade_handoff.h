// What an old master hands a new one at a binary upgrade, through the environment of the
// exec(2): MPMD_UPGRADE_FROM=<old master pid> and MPMD_INHERITED_LISTENERS="fd:addr,fd:addr"
// (addr as ListenSocket::key: "127.0.0.1:8080", "[::]:80"). Only listening sockets cross the
// exec (FD_CLOEXEC cleared on them alone); the new master adopts those its config still
// listens on and closes the others (ListenerSet::adopt, then update).
// Runs in: master (the old one formats, the new one parses and clears the variables).
// Leans on: environ(7), getppid(2).
#ifndef MPMD_MASTER_UPGRADE_HANDOFF_H
#define MPMD_MASTER_UPGRADE_HANDOFF_H

#include "shared/listeners.h"

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace mpmd {

constexpr const char* kUpgradeFromVariable = "MPMD_UPGRADE_FROM";
constexpr const char* kInheritedListenersVariable = "MPMD_INHERITED_LISTENERS";

struct UpgradeHandoff {
    pid_t old_master = 0;
    std::vector<ListenSocket> listeners;   // fd and key as the old master announced them
};

std::string format_inherited_listeners(const std::vector<ListenSocket>& sockets);
// Parses "fd:addr,fd:addr" ("" = none); false with *error naming the bad item.
bool parse_inherited_listeners(const std::string& text, std::vector<ListenSocket>* out, std::string* error);

// The handoff in this process's environment, removing both variables so neither the
// children nor a later upgrade see them. nullopt when this is no upgrade: no variable, or
// MPMD_UPGRADE_FROM is not the parent (a stale environment). Malformed values are an error.
std::optional<UpgradeHandoff> take_upgrade_handoff(std::string* error);

} // namespace mpmd

#endif
