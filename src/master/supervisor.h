// The master's supervision loop, shared by every MPM: a libevent loop with one event per
// signal (signals only note themselves; the work runs in the loop, outside any handler), a
// SIGCHLD event that reaps children, and a once-a-second maintenance timer that asks the
// MPM what to start or stop. It also carries out restarts (building the new generation
// beside the old and switching only when the new configuration is valid) and stops (with
// escalation: graceful, then TERM, then KILL) and both sides of a binary upgrade
// (binary_upgrade.h).
// Runs in: master. Never parses a request.
// Leans on: libevent evsignal/evtimer, fork(2), waitpid(2), kill(2).
#ifndef MPMD_MASTER_SUPERVISOR_H
#define MPMD_MASTER_SUPERVISOR_H

#include "master/binary_upgrade.h"
#include "master/child_registry.h"
#include "master/server_setup.h"
#include "mpm/mpm.h"
#include "mpm/mpm_config.h"
#include "shared/listeners.h"
#include "shared/scoreboard.h"

#include <memory>
#include <string>

struct event_base;
struct event;

namespace mpmd {

struct SupervisorSetup {
    Mpm* mpm = nullptr;
    Scoreboard* scoreboard = nullptr;
    ListenerSet* listeners = nullptr;
    LogFileCache* logs = nullptr;
    LoadOptions load_options;                 // to read the configuration again at a restart
    std::unique_ptr<LoadedConfig> config;
    std::shared_ptr<ServerRuntime> runtime;
    SelfExec self;                            // what USR2 executes
    pid_t upgraded_from = 0;                  // the old master when started by its USR2
};

class Supervisor {
public:
    explicit Supervisor(SupervisorSetup setup);
    ~Supervisor();
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    // Starts the first generation and runs until the server stops. Returns the master's
    // exit status.
    int run();

private:
    enum class Mode { Running, Restarting, GracefulStopping, Stopping };

    static void on_signal_event(int fd, short what, void* self);
    static void on_tick_event(int fd, short what, void* self);
    static void on_drain_event(int fd, short what, void* self);
    static void on_takeover_event(int fd, short what, void* self);

    void handle_signal(int signal);
    void reap_children();
    void maintain(bool tick);
    void spawn(uint32_t slot);
    void tell_child(ChildRecord& child, int signal);
    void start_generation();
    bool load_next_generation(const char* what);
    void begin_restart(bool graceful);
    void begin_stop(bool graceful);
    void drain_check();
    void all_children(int signal);
    std::vector<SlotView> slot_views();
    void reopen_logs();
    void begin_upgrade();
    void new_master_exited(int status);
    bool first_children_up();
    void takeover_check();

    SupervisorSetup s_;
    ChildRegistry children_;
    event_base* base_ = nullptr;
    std::vector<event*> events_;
    event* tick_ = nullptr;
    event* drain_ = nullptr;
    event* takeover_ = nullptr;   // new master: polls its first children until they are up
    Mode mode_ = Mode::Running;
    uint32_t generation_ = 0;
    int64_t drain_started_ms_ = 0;
    bool killed_ = false;
    int exit_status_ = 0;
    int watch_read_ = -1;   // children inherit it; EOF there means the master is gone
    int watch_write_ = -1;  // only the master holds it
    BinaryUpgrade upgrade_;      // as the old master
    UpgradeTakeover takeover_state_;   // as the new master
};

} // namespace mpmd

#endif
