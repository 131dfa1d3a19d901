// Restarts (the part of Supervisor declared under "Restarts" in supervisor.h): HUP and USR1
// read the configuration again and build the next generation beside the one serving
// (generation.h), which goes on untouched unless the new one is valid; a log file removed
// under the server is a graceful restart of the master's own, without reading the
// configuration. A graceful restart starts the new generation at once beside the old one's
// leavers; a restart waits until the old children are gone (supervisor_leave.cc).
// Runs in: master.
#include "master/supervisor.h"

#include "master/generation.h"
#include "master/restart_plan.h"
#include "shared/error_log.h"

#include <signal.h>

namespace mpmd {

void Supervisor::reopen_logs()
{
    std::vector<std::string> errors;
    std::string error;
    if (!error_log().reopen(&error))
        errors.push_back(error);
    s_.logs->reopen_all(&errors);
    for (const std::string& e : errors)
        log_error(LogLevel::Error, "core", "%s", e.c_str());
}

// Old children finish what they hold and leave; the new generation starts beside them, as
// large as the load the old one was carrying.
void Supervisor::replace_generation_gracefully()
{
    const RestartSizes sizes{s_.mpm->start_servers(*s_.config), s_.mpm->limits(*s_.config).threads_per_child,
                             s_.runtime->status_info.max_processes};
    const uint32_t wanted = children_for_new_generation(slot_views(), sizes);
    ask_all_to_leave(retire_plan());
    ++generation_;
    start_generation(wanted);
}

// A log file removed under the server is reopened by the master; children hold the old
// descriptor, so a new generation (forked with the new one) replaces them gracefully. The
// configuration is not read again: this restart is the master's, not the administrator's.
void Supervisor::watch_logs()
{
    if (mode_ == Mode::Stopping || mode_ == Mode::GracefulStopping)
        return;
    const size_t reopened = log_watch_.check(*s_.logs, error_log());
    if (reopened == 0 || mode_ != Mode::Running)
        return;   // a restart under way forks its generation with the new descriptors
    ++s_.scoreboard->global().restart_count;
    replace_generation_gracefully();
    log_error(LogLevel::Notice, "core", "graceful restart: generation %u started, writing to the new log file(s)",
              generation_);
}

// Reads the configuration again and prepares the next generation. The running one stays
// untouched unless everything (config, runtime, listeners) is valid; the listeners the
// running generation holds are kept (ListenerSet::update), and the MPM never changes.
bool Supervisor::load_next_generation(const char* what)
{
    Generation next;
    GenerationSite site;
    site.options = s_.load_options;
    site.running = s_.mpm;
    site.running_modules = &s_.runtime->modules;
    site.logs = s_.logs;
    site.listeners = s_.listeners;
    if (!build_generation(next, site)) {
        const std::vector<std::string> errors = next.all_errors();
        for (const std::string& e : errors)
            log_error(LogLevel::Error, "core", "%s", e.c_str());
        log_error(LogLevel::Error, "core", "%s refused: the configuration has %zu error(s); still serving with the previous one",
                  what, errors.size());
        return false;
    }
    for (const ConfigMessage& m : next.config->warnings)
        log_error(LogLevel::Warn, "core", "%s", m.str().c_str());
    // The directive table says which values a restart cannot apply (ServerLimit sizes the
    // scoreboard, LoadModule chose the MPM...): compared with the start, each is named.
    const std::string mpm_section = std::string("mpm_") + s_.mpm->name();
    for (const Config::Unapplied& u : started_with_.full_restart_changes(next.config->raw, mpm_section))
        log_error(LogLevel::Warn, "core", "[%.*s] %.*s changed: that takes effect only after a full stop and start; "
                  "keeping %s", int(u.directive->section.size()), u.directive->section.data(),
                  int(u.directive->name.size()), u.directive->name.data(), u.kept.c_str());
    error_log().set_level(next.config->server.log_level);
    s_.config = std::move(next.config);
    s_.runtime = std::move(next.runtime);
    const StatusServerInfo& info = s_.runtime->status_info;
    s_.scoreboard->describe(info.mpm_name, info.server_version, info.max_processes, info.threads_per_child);
    s_.logs->prune();
    return true;
}

void Supervisor::begin_restart(bool graceful)
{
    if (mode_ != Mode::Running) {
        log_error(LogLevel::Warn, "core", "%s ignored: the server is already %s", graceful ? "graceful restart" : "restart",
                  mode_ == Mode::Restarting ? "restarting" : "stopping");
        return;
    }
    reopen_logs();
    const char* what = graceful ? "graceful restart" : "restart";
    service_.reloading(std::string(what) + ": reading the configuration");
    if (!load_next_generation(what)) {
        service_.ready(serving_status() + " (" + what + " refused: configuration errors, see the error log)");
        return;
    }
    ++s_.scoreboard->global().restart_count;
    if (graceful) {
        replace_generation_gracefully();
        log_error(LogLevel::Notice, "core", "graceful restart: generation %u started", generation_);
        service_.ready(serving_status());
        return;
    }
    mode_ = Mode::Restarting;
    // Finish the request in hand, then go (see child_signals.h); killed after kTermGraceMs.
    ask_all_to_leave(LeavePlan{SIGHUP, LeaveReason::Restart, kTermGraceMs, ChildState::Killed});
    drain_check();
}

} // namespace mpmd
