// See server_start.h.
#include "master/server_start.h"

#include <config.h>   // HAVE_OPENSSL

#include "master/binary_upgrade.h"
#include "master/daemon.h"
#include "master/generation.h"
#include "master/one_process.h"
#include "master/pid_file.h"
#include "master/service_manager.h"
#include "master/signal_table.h"
#include "master/supervisor.h"
#include "master/vhost_map.h"
#include "shared/error_log.h"
#include "shared/scoreboard.h"
#if HAVE_OPENSSL
#include "shared/tls_context.h"
#endif

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>

namespace mpmd {

namespace {

// Steps 1 and 2 of the first generation (`site` has no logs nor listeners yet), with every
// message on the terminal.
bool load_first_generation(const GenerationSite& site, Generation& first)
{
    build_generation(first, site);
    print_messages(first.config->warnings);
    if (first.config_ok())
        return true;
    print_messages(first.config->errors);
    std::fprintf(stderr, "mpmd: %zu error(s) in the configuration; nothing started\n", first.config->errors.size());
    return false;
}

bool already_running(const LoadedConfig& config)
{
    std::string ignored;
    const pid_t running = read_pid_file(config.server.pid_file, &ignored);
    if (running == 0 || !process_exists(running))
        return false;
    std::printf("mpmd (pid %d) already running\n", int(running));
    return true;
}

// Sized at first start for the life of the server (ServerLimit, ThreadLimit). -X serves as
// User in this very process, which could then not remove a named segment: its scoreboard
// stays private. Log faults (a full disk...) are counted there once for the whole server.
std::unique_ptr<Scoreboard> create_scoreboard(const CommandLine& line, const Generation& first, LogFileCache& logs)
{
    const MpmLimits limits = first.mpm->limits(*first.config);
    std::unique_ptr<Scoreboard> board;
    std::vector<std::string> notes;
    try {
        board = Scoreboard::create(limits.server_limit, limits.thread_limit,
                                   line.one_process ? std::string()
                                                    : first.config->status.scoreboard_name(first.config->server.pid_file),
                                   &notes);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mpmd: %s\n", e.what());
        return nullptr;
    }
    for (const std::string& note : notes)
        log_error(LogLevel::Warn, "core", "ScoreBoardFile: %s", note.c_str());
    board->global().mpm_threaded = first.mpm->threaded();
    uint64_t* const fault_words = board->global().log_faults;
    uint64_t* const lost_totals = board->global().log_lines_lost;
    error_log().share_fault_state(&fault_words[kErrorLogFaultWord], &lost_totals[kErrorLogFaultWord]);
    logs.share_fault_words(fault_words + kErrorLogFaultWord + 1, lost_totals + kErrorLogFaultWord + 1,
                           kLogFaultWords - 1);
    return board;
}

// Into the background, unless in the foreground or started by an old master (its child
// until it exits: detaching again would lose that link).
bool detach(const CommandLine& line, const std::optional<UpgradeHandoff>& handoff, size_t listening)
{
    std::string error;
    if (handoff) {
        // stderr is already the error log (the old master pointed it there); keep it so
        // across reopen().
        error_log().redirect_stderr(&error);
        // Started in the first master's start-up directory; a daemon lives in / (daemonize).
        if (!line.foreground() && chdir("/") != 0)
            log_errno(LogLevel::Warn, "core", errno, "chdir /");
        log_error(LogLevel::Notice, "core",
                  "binary upgrade: started by master pid %d; %zu listening socket(s) inherited, %zu in use",
                  int(handoff->old_master), handoff->listeners.size(), listening);
    } else if (!line.foreground()) {
        if (!daemonize(&error)) {
            std::fprintf(stderr, "mpmd: cannot become a daemon: %s\n", error.c_str());
            return false;
        }
        error_log().redirect_stderr(&error);
    }
    return true;
}

// -t and -S: the configuration loaded and checked as a start would (errors printed), then
// `report` prints what the command shows of it.
template <typename Report>
int check_configuration(const CommandLine& line, Report report)
{
    GenerationSite site;
    site.options = load_options(line);
    Generation first;
    if (!load_first_generation(site, first))
        return kExitFailure;
#if HAVE_OPENSSL
    // The certificates and keys, read as the start would read them (Apache's -t does too).
    if (first.config->server.any_https) {
        std::vector<std::string> errors, warnings;
        TlsContexts::build(first.config->server, &errors, &warnings);
        for (const std::string& w : warnings)
            std::fprintf(stderr, "%s\n", w.c_str());
        for (const std::string& e : errors)
            std::fprintf(stderr, "%s\n", e.c_str());
        if (!errors.empty()) {
            std::fprintf(stderr, "mpmd: %zu error(s) in the configuration; nothing started\n", errors.size());
            return kExitFailure;
        }
    }
#endif
    report(first.config->server);
    return 0;
}

} // namespace

int test_configuration(const CommandLine& line)
{
    return check_configuration(line, [](const ServerConfig&) { std::printf("Syntax OK\n"); });
}

int show_vhost_map(const CommandLine& line)
{
    return check_configuration(line, [](const ServerConfig& server) {
        std::fputs(vhost_map_text(server).c_str(), stdout);
    });
}

int start_server(const CommandLine& line, SelfExec self, const std::optional<UpgradeHandoff>& handoff)
{
    GenerationSite site;
    site.options = load_options(line);
    Generation first;
    if (!load_first_generation(site, first))
        return kExitFailure;
    block_master_signals();   // until the supervisor's loop or -X handles them
    if (line.verb == "start" && !handoff && already_running(*first.config))
        return 0;
    error_log().set_level(first.config->server.log_level);

    // Steps 3 and 4; the listeners start empty, or with the old master's.
    LogFileCache logs;
    ListenerSet listeners;
    std::vector<std::string> adopt_notes, activation_notes;
    // Sockets systemd passed (a .socket unit) serve the Listen addresses they are bound to.
    const std::vector<ListenSocket> activated = handoff ? std::vector<ListenSocket>() : ServiceManager::activated_sockets();
    if (handoff)
        listeners.adopt(handoff->listeners, &adopt_notes);
    else
        listeners.adopt(activated, &activation_notes);
    site.logs = &logs;
    site.listeners = &listeners;
    build_generation(first, site);
    for (const ListenSocket& passed : activated) {
        const auto& kept = listeners.sockets();
        if (std::none_of(kept.begin(), kept.end(), [&](const ListenSocket& s) { return s.key == passed.key; }))
            activation_notes.push_back("the socket systemd passed for " + passed.key +
                                       " matches no Listen and is not used (add Listen = " + passed.key + ")");
    }
    std::vector<std::string> errors = first.errors;
    const ServerConfig& server = first.config->server;
    std::string error;
    if (errors.empty() && !error_log().open(server.error_log, &error))
        errors.push_back(error);
    // Written after daemonizing; a refusal (trusted_path.h) must reach the terminal first.
    if (errors.empty() && !check_pid_file(server.pid_file, &error))
        errors.push_back(error);
    if (!errors.empty()) {
        for (const std::string& e : errors)
            std::fprintf(stderr, "%s\n", e.c_str());
        std::fprintf(stderr, "mpmd: unable to start (%zu error(s))\n", errors.size());
        return kExitFailure;
    }
    if (!first.runtime->switch_user && geteuid() != 0)
        log_error(LogLevel::Warn, "core", "not started as root: User and Group are ignored; children run as uid %d",
                  int(geteuid()));

    const std::unique_ptr<Scoreboard> board = create_scoreboard(line, first, logs);
    if (!board)
        return kExitFailure;
    for (const std::string& note : adopt_notes)
        log_error(LogLevel::Warn, "core", "binary upgrade: %s", note.c_str());
    for (const std::string& note : activation_notes)
        log_error(LogLevel::Warn, "core", "socket activation: %s", note.c_str());
    if (!activated.empty())
        log_error(LogLevel::Info, "core", "socket activation: %zu socket(s) from systemd", activated.size());
    if (!detach(line, handoff, listeners.sockets().size())) {
        board->remove_name();
        return kExitFailure;
    }
    // After daemonize: the pid recorded here owns a named segment and removes it at exit.
    const StatusServerInfo& info = first.runtime->status_info;
    board->describe(info.mpm_name, info.server_version, info.max_processes, info.threads_per_child);
    const std::string pid_file = server.pid_file;
    if (!write_pid_file(pid_file, getpid(), &error)) {
        log_error(LogLevel::Emerg, "core", "%s", error.c_str());
        board->remove_name();
        return kExitFailure;
    }
    if (line.one_process) {
        const int status = serve_one_process(*first.mpm, *first.config, *board, listeners, first.runtime);
        remove_pid_file(pid_file, getpid());
        board->remove_name();
        return status;
    }

    SupervisorSetup setup;
    setup.mpm = first.mpm;
    setup.scoreboard = board.get();
    setup.listeners = &listeners;
    setup.logs = &logs;
    setup.load_options = site.options;
    setup.config = std::move(first.config);
    setup.runtime = std::move(first.runtime);
    setup.self = std::move(self);
    setup.upgraded_from = handoff ? handoff->old_master : 0;
    Supervisor supervisor(std::move(setup));
    const int status = supervisor.run();
    remove_pid_file(pid_file, getpid());
    remove_pid_file(oldbin_name(pid_file), getpid());   // this master was upgraded away
    board->remove_name();
    return status;
}

} // namespace mpmd
