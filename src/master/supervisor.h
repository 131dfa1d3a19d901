// The master's supervision loop, shared by every MPM: a libevent loop with one event per
// signal (signals only note themselves; the work runs in the loop, outside any handler), a
// SIGCHLD event that reaps children, and a once-a-second maintenance timer that asks the
// MPM what to start or stop and looks for log files removed under the server (LogWatch: a
// new file is opened and a graceful restart of the master's own hands it to the children).
// The class is one, its parts are in files named for them:
//   supervisor.cc          the loop, signals, spawn, reap, maintenance;
//   supervisor_leave.cc    children leaving: the registry's transitions (child_registry.h)
//                          carried out, the escalation timer, stops and their drain;
//   supervisor_restart.cc  restarts: the next generation (generation.h) built beside the
//                          old and switched to only when valid, graceful or not;
//   supervisor_faults.cc   an unexpected death is replaced at once, failed starts back off,
//                          the RequestTimeout watchdog ends a child stuck in a request;
//   supervisor_upgrade.cc  both sides of a binary upgrade (binary_upgrade.h).
// Runs in: master. Never parses a request.
// Leans on: libevent evsignal/evtimer, fork(2), waitpid(2), kill(2).
#ifndef MPMD_MASTER_SUPERVISOR_H
#define MPMD_MASTER_SUPERVISOR_H

#include "master/binary_upgrade.h"
#include "master/child_registry.h"
#include "master/log_watch.h"
#include "master/request_watchdog.h"
#include "master/respawn_backoff.h"
#include "master/service_manager.h"
#include "master/server_setup.h"
#include "mpm/mpm.h"
#include "mpm/mpm_config.h"
#include "shared/listeners.h"
#include "shared/scoreboard.h"

#include <sys/time.h>

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
    static void on_takeover_event(int fd, short what, void* self);
    static int64_t now_ms();   // CLOCK_MONOTONIC
    static struct timeval as_timeval(int64_t ms);

    void handle_signal(int signal);
    void reap_children();
    void maintain(bool tick);
    void spawn(uint32_t slot);
    std::string serving_status() const;
    void start_generation(uint32_t wanted);
    std::vector<SlotView> slot_views();
    uint32_t worker_records_in_use();   // per child: ThreadsPerChild within ThreadLimit
    uint32_t worker_records_written();  // ... and the event loop's and accepting thread's (MpmLimits::loop_records)

    // Children leaving (supervisor_leave.cc): every signal to a child goes through these.
    static void on_escalate_event(int fd, short what, void* self);
    static void on_graceful_stop_limit_event(int fd, short what, void* self);
    LeavePlan retire_plan() const;   // USR1, bounded by GracefulRestartTimeout
    void ask_to_leave(ChildRecord& child, const LeavePlan& plan);
    void ask_all_to_leave(const LeavePlan& plan);
    void terminate_all();
    void kill_child(ChildRecord& child);
    void carry_out(ChildRecord& child, ChildState before, int signal);
    void signal_child(pid_t pid, int signal);
    void escalate();
    void arm_escalation();
    void begin_stop(bool graceful);
    void graceful_stop_overdue();
    void drain_check();

    // Restarts (supervisor_restart.cc).
    void reopen_logs();
    void watch_logs();
    void replace_generation_gracefully();
    bool load_next_generation(const char* what);
    void begin_restart(bool graceful);

    // Binary upgrade (supervisor_upgrade.cc).
    void begin_upgrade();
    void new_master_exited(int status);
    bool first_children_up();
    void takeover_check();

    // Faults (supervisor_faults.cc).
    struct WatchdogCase {
        pid_t pid = 0;
        std::vector<uint32_t> threads;    // its workers stuck past RequestTimeout
    };
    static void on_respawn_event(int fd, short what, void* self);
    static void on_watchdog_event(int fd, short what, void* self);
    static std::string describe_exit(int status);   // "exited with status N", "killed by signal N (...)"
    void setup_fault_events();
    void free_fault_events();
    void forget_faults();
    bool reached_ready(const ChildRecord& child);
    void child_exited(const ChildRecord& child, int status, bool expected, bool ready);
    bool spawn_allowed();
    void spawn_owed();
    void faults_tick();
    void watchdog_scan();
    void watchdog_act(const StuckRequest& stuck, int limit_seconds);
    void watchdog_escalate(const std::vector<WorkerSample>& samples);

    RespawnBackoff backoff_;
    std::vector<uint32_t> owed_;          // slots of children to replace as soon as allowed
    std::vector<WatchdogCase> watchdog_cases_;
    event* respawn_ = nullptr;
    event* watchdog_ = nullptr;

    SupervisorSetup s_;
    // The configuration the server started with: directives that need a full stop and start
    // keep these values through every restart, and a restart is compared with them.
    const Config started_with_;
    ChildRegistry children_;
    LogWatch log_watch_;
    event_base* base_ = nullptr;
    std::vector<event*> events_;
    event* tick_ = nullptr;
    event* graceful_stop_limit_ = nullptr;   // GracefulShutdownTimeout of a graceful stop
    event* escalate_ = nullptr;              // the next child deadline (ChildRegistry::next_deadline)
    event* takeover_ = nullptr;   // new master: polls its first children until they are up
    Mode mode_ = Mode::Running;
    uint32_t generation_ = 0;
    int exit_status_ = 0;
    int watch_read_ = -1;   // children inherit it; EOF there means the master is gone
    int watch_write_ = -1;  // only the master holds it
    BinaryUpgrade upgrade_;      // as the old master
    UpgradeTakeover takeover_state_;   // as the new master
    ServiceManager service_;     // what systemd is told (Type=notify)
};

} // namespace mpmd

#endif
