// ServiceManager: the master's side of running as a systemd service (etc/mpmd.service,
// Type=notify), as Apache's mod_systemd and nginx do it:
//   - readiness: READY=1 once the first generation's children are forked (the listeners are
//     bound before that, so a client connecting then waits in the backlog);
//   - reload: `systemctl reload` sends USR1 (a graceful restart): RELOADING=1 when it begins,
//     READY=1 when the new generation runs or the new config was refused (the old one serves);
//   - stop: STOPPING=1 when a stop or graceful stop begins;
//   - binary upgrade (USR2): once the new master took over, the old one names it as the
//     service's main process (MAINPID=) and says nothing more;
//   - STATUS= one line on what the master is doing, shown by `systemctl status`;
//   - socket activation: the sockets systemd passes (LISTEN_FDS, a .socket unit) serve the
//     Listen addresses they are bound to, instead of sockets of the master's own.
// Without NOTIFY_SOCKET (not started by systemd) or without libsystemd at build time
// (./configure --without-systemd), notifications do nothing and no socket is taken.
// Runs in: master only.
// Leans on: sd_notify(3), sd_listen_fds(3) (libsystemd).
#ifndef MPMD_MASTER_SERVICE_MANAGER_H
#define MPMD_MASTER_SERVICE_MANAGER_H

#include "shared/listeners.h"

#include <sys/types.h>

#include <string>
#include <vector>

namespace mpmd {

class ServiceManager {
public:
    // Whether this build talks to systemd (libsystemd found at configure).
    static bool built_in();

    void ready(const std::string& status);
    void reloading(const std::string& status);
    void stopping(const std::string& status);
    // USR2 done: `new_master` is the service's main process from now on; this master, which
    // finishes its last generation, notifies nothing more.
    void handed_over(pid_t new_master);

    // The listening sockets systemd passed (LISTEN_FDS for this pid), each keyed by the
    // address it is bound to, for ListenerSet::adopt. The environment variables are unset,
    // so no later exec takes them again. Empty when none were passed.
    static std::vector<ListenSocket> activated_sockets();

private:
    void send(const std::string& state);

    bool handed_over_ = false;
};

} // namespace mpmd

#endif
