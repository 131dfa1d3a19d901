// Both sides of a binary upgrade (the part of Supervisor declared under "Binary upgrade" in
// supervisor.h; the mechanics are in binary_upgrade.h): the old master starts the new binary
// on USR2 and undoes the renames if it dies before taking over; the new master waits until
// its first children are up, then tells the old one to stop gracefully (WINCH).
// Runs in: master.
// Leans on: fork(2)/execv(2) through BinaryUpgrade, kill(2), libevent evtimer.
#include "master/supervisor.h"

#include "shared/error_log.h"

#include <event2/event.h>

#include <sys/wait.h>

#include <algorithm>
#include <string>

namespace mpmd {

// USR2: start the new binary beside this master (see binary_upgrade.h).
void Supervisor::begin_upgrade()
{
    std::string why;
    if (mode_ != Mode::Running)
        why = mode_ == Mode::Restarting ? "the server is restarting" : "the server is stopping";
    else if (upgrade_.state() != BinaryUpgrade::State::Idle)
        why = "an upgrade is already running (new master pid " + std::to_string(upgrade_.new_master()) + ")";
    else if (takeover_state_.old_master_running())
        why = "the previous master (pid " + std::to_string(takeover_state_.old_master()) + ") has not finished yet";
    if (!why.empty()) {
        log_error(LogLevel::Warn, "core", "binary upgrade refused: %s", why.c_str());
        return;
    }
    // The PidFile mpmd started with: a restart does not move it (needs_full_restart).
    const std::string& pid_file = started_with_.string("server", "PidFile");
    if (!upgrade_.start(pid_file, *s_.scoreboard, s_.listeners->sockets(), &why)) {
        log_error(LogLevel::Error, "core", "binary upgrade failed: %s; still serving", why.c_str());
        return;
    }
    log_error(LogLevel::Notice, "core",
              "binary upgrade: started new master pid %d (%s); this master (generation %u) serves until it takes "
              "over; PidFile moved to %s", int(upgrade_.new_master()), upgrade_.path().c_str(), generation_,
              oldbin_name(pid_file).c_str());
}

void Supervisor::new_master_exited(int status)
{
    const pid_t pid = upgrade_.new_master();
    if (upgrade_.state() == BinaryUpgrade::State::TookOver) {
        log_error(WIFEXITED(status) && WEXITSTATUS(status) == 0 ? LogLevel::Info : LogLevel::Error, "core",
                  "new master pid %d %s", int(pid), describe_exit(status).c_str());
        return;
    }
    log_error(LogLevel::Error, "core", "binary upgrade failed: new master pid %d %s (see above); still serving",
              int(pid), describe_exit(status).c_str());
    for (const std::string& e : upgrade_.undo(*s_.scoreboard))
        log_error(LogLevel::Error, "core", "%s", e.c_str());
}

// New master: every child of the first generation has a worker past Starting.
bool Supervisor::first_children_up()
{
    const std::vector<ChildRecord*> all = children_.all();
    if (all.empty())
        return false;
    const uint32_t threads = std::min(s_.mpm->limits(*s_.config).threads_per_child, s_.scoreboard->thread_limit());
    for (const ChildRecord* child : all) {
        bool up = false;
        for (uint32_t t = 0; t < threads && !up; ++t) {
            const WorkerScore worker = s_.scoreboard->snapshot(child->slot, t);
            up = worker.pid == child->pid && WorkerStatus(worker.status) != WorkerStatus::Starting &&
                 WorkerStatus(worker.status) != WorkerStatus::Dead;
        }
        if (!up)
            return false;
    }
    return true;
}

void Supervisor::takeover_check()
{
    if (!takeover_state_.pending() || mode_ != Mode::Running) {
        event_del(takeover_);
        return;
    }
    if (first_children_up()) {
        event_del(takeover_);
        const pid_t old = takeover_state_.old_master();
        std::string error;
        if (takeover_state_.take_over(&error)) {
            log_error(LogLevel::Notice, "core", "binary upgrade: took over from pid %d (generation %u serving)",
                      int(old), generation_);
            service_.ready(serving_status());
        } else {
            log_error(LogLevel::Warn, "core", "binary upgrade: %s (pid %d); serving alone", error.c_str(), int(old));
        }
        return;
    }
    if (takeover_state_.timed_out(now_ms())) {
        event_del(takeover_);
        log_error(LogLevel::Error, "core",
                  "binary upgrade abandoned: the children did not come up within %lld s; this new master stops "
                  "and pid %d keeps serving", static_cast<long long>(UpgradeTakeover::kReadyTimeoutMs / 1000),
                  int(takeover_state_.old_master()));
        exit_status_ = 1;
        begin_stop(true);
    }
}

} // namespace mpmd
