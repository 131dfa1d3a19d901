// See supervisor.h.
#include "master/supervisor.h"

#include "child/child_isolation.h"
#include "child/child_main.h"
#include "master/daemon.h"
#include "master/signal_table.h"
#include "shared/error_log.h"
#include "shared/version.h"

#include <event2/event.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace mpmd {

namespace {

// How often a new master started by a binary upgrade looks at its first children.
constexpr int kTakeoverCheckMs = 50;

int64_t monotonic_ms()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

} // namespace

int64_t Supervisor::now_ms() { return monotonic_ms(); }

struct timeval Supervisor::as_timeval(int64_t ms)
{
    return {time_t(ms / 1000), suseconds_t(ms % 1000 * 1000)};
}

std::string Supervisor::describe_exit(int status)
{
    if (WIFEXITED(status))
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        std::string text = "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                           strsignal(WTERMSIG(status)) + ")";
        if (WCOREDUMP(status))
            text += " (core dumped)";
        return text;
    }
    return "ended with wait status " + std::to_string(status);
}

Supervisor::Supervisor(SupervisorSetup setup)
    : s_(std::move(setup)), started_with_(s_.config->raw), children_(s_.scoreboard->server_limit()),
      upgrade_(s_.self)
{
    generation_ = s_.scoreboard->global().running_generation;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) == 0) {
        watch_read_ = fds[0];
        watch_write_ = fds[1];
        fcntl(watch_read_, F_SETFL, O_NONBLOCK);
    }
}

Supervisor::~Supervisor()
{
    for (event* e : events_)
        event_free(e);
    if (tick_)
        event_free(tick_);
    if (graceful_stop_limit_)
        event_free(graceful_stop_limit_);
    if (escalate_)
        event_free(escalate_);
    free_fault_events();
    if (takeover_)
        event_free(takeover_);
    if (base_)
        event_base_free(base_);
    if (watch_read_ >= 0)
        close(watch_read_);
    if (watch_write_ >= 0)
        close(watch_write_);
}

void Supervisor::on_signal_event(int fd, short, void* self) { static_cast<Supervisor*>(self)->handle_signal(fd); }

void Supervisor::on_tick_event(int, short, void* self)
{
    auto* supervisor = static_cast<Supervisor*>(self);
    supervisor->watch_logs();
    supervisor->takeover_state_.carry(*supervisor->s_.scoreboard);
    supervisor->maintain(true);
}

void Supervisor::on_takeover_event(int, short, void* self) { static_cast<Supervisor*>(self)->takeover_check(); }

int Supervisor::run()
{
    base_ = event_base_new();
    if (base_ == nullptr || watch_write_ < 0) {
        log_error(LogLevel::Emerg, "core", "cannot set up the master's event loop");
        return 1;
    }
    std::vector<int> handled = master_signals();   // the signal table's and INT
    handled.push_back(SIGCHLD);
    for (int signal : handled) {
        event* e = evsignal_new(base_, signal, on_signal_event, this);
        event_add(e, nullptr);
        events_.push_back(e);
    }
    unblock_master_signals();   // blocked since before PidFile was written (main.cc)
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, nullptr);
    // A log past RLIMIT_FSIZE fails with EFBIG and is reported like a full disk; the default
    // action would kill the process instead. Children inherit this until they set their own.
    sigaction(SIGXFSZ, &ignore, nullptr);

    tick_ = event_new(base_, -1, EV_PERSIST, on_tick_event, this);
    const struct timeval second = {1, 0};
    event_add(tick_, &second);
    graceful_stop_limit_ = evtimer_new(base_, on_graceful_stop_limit_event, this);
    escalate_ = evtimer_new(base_, on_escalate_event, this);
    setup_fault_events();

    const unsigned long files = raise_file_limit();
    log_error(LogLevel::Notice, "core", "%s (MPM %s; libevent %s with %s) configured -- resuming normal operations",
              server_banner(ServerTokens::Full).c_str(), s_.mpm->name(), event_get_version(),
              event_base_get_method(base_));
    log_error(LogLevel::Info, "core", "open files limit: %lu per process", files);
    start_generation(s_.mpm->start_servers(*s_.config));
    faults_tick();
    if (s_.upgraded_from == 0)
        service_.ready(serving_status());
    if (s_.upgraded_from != 0) {
        std::string note;
        takeover_state_.begin(s_.upgraded_from,
                              s_.scoreboard->name().empty() ? std::string() : oldbin_name(s_.scoreboard->name()),
                              *s_.scoreboard, monotonic_ms(), &note);
        if (!note.empty())
            log_error(LogLevel::Warn, "core", "binary upgrade: %s", note.c_str());
        takeover_ = event_new(base_, -1, EV_PERSIST, on_takeover_event, this);
        const struct timeval step = {0, kTakeoverCheckMs * 1000};
        event_add(takeover_, &step);
    }
    event_base_dispatch(base_);
    return exit_status_;
}

// What `systemctl status` shows while the server runs.
std::string Supervisor::serving_status() const
{
    return "serving: generation " + std::to_string(generation_) + ", MPM " + s_.mpm->name();
}

void Supervisor::start_generation(uint32_t wanted)
{
    s_.mpm->reset();
    forget_faults();
    GlobalScore& global = s_.scoreboard->global();
    global.running_generation = generation_;
    global.restart_time = now_microseconds();
    for (uint32_t slot = 0; slot < children_.slots() && wanted > 0; ++slot) {
        if (children_.in_slot(slot) == nullptr) {
            spawn(slot);
            --wanted;
        }
    }
}

void Supervisor::spawn(uint32_t slot)
{
    sigset_t all, previous;
    sigfillset(&all);
    // No signal may run a master handler in the child between fork and its own set-up.
    sigprocmask(SIG_BLOCK, &all, &previous);
    const pid_t pid = fork();
    if (pid == 0) {
        ChildContext context;
        context.slot = slot;
        context.generation = generation_;
        context.config = s_.config.get();
        context.runtime = s_.runtime.get();
        context.scoreboard = s_.scoreboard;
        context.listeners = &s_.listeners->sockets();
        context.master_watch_fd = watch_read_;
        // Before anything else: the master's handlers and descriptors go (the watch pipe's
        // write end, the event loop's epoll and signal pipe...), only what the child needs
        // stays (child_isolation.h).
        if (!isolate_from_master(context))
            _exit(kChildFatalExit);
        // USR2 is the master's alone (binary upgrade): a child ignores it.
        signal(SIGUSR2, SIG_IGN);
        if (!prepare_child_process(context, s_.mpm->threaded()))
            _exit(kChildFatalExit);
        _exit(s_.mpm->run_child(context));
    }
    const int fork_errno = errno;
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    if (pid < 0) {
        log_errno(LogLevel::Alert, "core", fork_errno, "fork: unable to start a child in slot %u", slot);
        return;
    }
    s_.scoreboard->process_started(slot, pid, generation_);
    children_.add(ChildRecord(pid, slot, generation_, monotonic_ms()));
    backoff_.spawned(pid);
    log_error(LogLevel::Debug, "core", "started child pid %d in slot %u (generation %u)", int(pid), slot,
              generation_);
}

uint32_t Supervisor::worker_records_in_use()
{
    return std::min(s_.mpm->limits(*s_.config).threads_per_child, s_.scoreboard->thread_limit());
}

uint32_t Supervisor::worker_records_written()
{
    const MpmLimits limits = s_.mpm->limits(*s_.config);
    return std::min(limits.threads_per_child + limits.loop_records, s_.scoreboard->thread_limit());
}

std::vector<SlotView> Supervisor::slot_views()
{
    std::vector<SlotView> views(children_.slots());
    const uint32_t threads = worker_records_in_use();
    for (uint32_t slot = 0; slot < views.size(); ++slot) {
        const ChildRecord* child = children_.in_slot(slot);
        if (child == nullptr)
            continue;
        SlotView& view = views[slot];
        view.pid = child->pid;
        view.current_generation = child->generation == generation_;
        view.quiescing = child_leaving(child->state);
        for (uint32_t t = 0; t < threads; ++t) {
            const WorkerScore worker = s_.scoreboard->snapshot(slot, t);
            const auto status = WorkerStatus(worker.status);
            // A child that has not yet taken its record is starting: idle capacity soon.
            if (worker.pid != child->pid || status == WorkerStatus::Starting || status == WorkerStatus::Ready)
                ++view.idle_workers;
            else if (status != WorkerStatus::Dead && status != WorkerStatus::Graceful)
                ++view.busy_workers;
        }
    }
    return views;
}

void Supervisor::maintain(bool tick)
{
    if (mode_ != Mode::Running)
        return;
    if (tick)
        faults_tick();
    spawn_owed();
    if (!spawn_allowed())
        return;   // children fail at start: the policy waits with the rest (supervisor_faults.cc)
    const MaintenanceDecision decision = s_.mpm->maintain(slot_views(), *s_.config, tick);
    for (const MpmMessage& message : decision.messages)
        log_error(message.level, "mpm", "%s", message.text.c_str());
    for (uint32_t slot : decision.stop_gracefully) {
        if (ChildRecord* child = children_.in_slot(slot))
            ask_to_leave(*child, retire_plan());
    }
    for (uint32_t slot : decision.spawn) {
        if (!spawn_allowed())
            break;
        spawn(slot);
    }
}

void Supervisor::reap_children()
{
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == upgrade_.new_master()) {
            new_master_exited(status);
            continue;
        }
        const std::optional<ChildRecord> child = children_.remove(pid);
        if (!child)
            continue;   // not one of ours (a helper a library forked)
        const bool ready = reached_ready(*child);   // read before process_gone clears its records
        s_.scoreboard->process_gone(child->slot);
        const bool expected = child_leaving(child->state) || (WIFEXITED(status) && WEXITSTATUS(status) == 0);
        // A signal the master did not send is an error even when the child was leaving: a
        // crash during a graceful restart, or a kill the restart's HUP found unreaped.
        const bool foreign_signal = WIFSIGNALED(status) && !signal_from_master(child->state, WTERMSIG(status));
        // "running" or "stopping": whether it was told to leave (the log's readers match on
        // these two words; the transition lines at debug level name every state).
        log_error(expected && !foreign_signal ? LogLevel::Info : LogLevel::Error, "core",
                  "child pid %d (slot %u, generation %u, %s) %s",
                  int(pid), child->slot, child->generation, child_leaving(child->state) ? "stopping" : "running",
                  describe_exit(status).c_str());
        child_exited(*child, status, expected, ready);
        if (WIFEXITED(status) && WEXITSTATUS(status) == kChildFatalExit && mode_ == Mode::Running) {
            log_error(LogLevel::Emerg, "core",
                      "child pid %d could not start and a new one would fail the same way; stopping the server "
                      "(see the messages above)", int(pid));
            exit_status_ = 1;
            begin_stop(false);
        }
    }
    if (mode_ == Mode::Running)
        maintain(false);
    else
        drain_check();
}

void Supervisor::handle_signal(int signal)
{
    if (signal == SIGCHLD) {
        reap_children();
        return;
    }
    if (signal == SIGINT) {
        begin_stop(false);
        return;
    }
    const MasterSignal* entry = signal_for_number(signal);
    if (entry == nullptr)
        return;
    log_error(LogLevel::Notice, "core", "caught SIG%s: %s", std::string(entry->name).c_str(),
              std::string(entry->effect).c_str());
    switch (entry->action) {
    case MasterAction::Stop: begin_stop(false); break;
    case MasterAction::GracefulStop:
        if (upgrade_.state() == BinaryUpgrade::State::Starting) {
            upgrade_.took_over();
            service_.handed_over(upgrade_.new_master());
            log_error(LogLevel::Notice, "core",
                      "binary upgrade: new master pid %d took over; generation %u of pid %d stops gracefully",
                      int(upgrade_.new_master()), generation_, int(getpid()));
        }
        begin_stop(true);
        break;
    case MasterAction::Upgrade: begin_upgrade(); break;
    case MasterAction::Restart: begin_restart(false); break;
    case MasterAction::GracefulRestart: begin_restart(true); break;
    }
}

} // namespace mpmd
