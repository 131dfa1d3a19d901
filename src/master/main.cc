// mpmd's entry point: the command line, then one of the one-shot commands (-t -v -V -l -L -k)
// or the server: load and check the configuration, bind the listeners, create the
// scoreboard, detach, write the pid file, and hand over to the supervisor (or, with -X,
// serve in this one process). Started by an old master's USR2 (upgrade_handoff.h), it
// adopts the inherited listeners and stays in the foreground as that master's child.
// Runs in: master.
#include "child/child_main.h"
#include "child/child_signals.h"
#include "master/command_line.h"
#include "master/binary_upgrade.h"
#include "master/daemon.h"
#include "master/mpm_loader.h"
#include "master/pid_file.h"
#include "master/process_listeners.h"
#include "master/self_exec.h"
#include "master/server_setup.h"
#include "master/signal_table.h"
#include "master/supervisor.h"
#include "master/upgrade_handoff.h"
#include "mpm/mpm_config.h"
#include "mpm/mpm_registry.h"
#include "shared/error_log.h"
#include "shared/scoreboard.h"
#include "shared/version.h"

#include <config.h>

#include <event2/event.h>

#include <signal.h>
#include <unistd.h>

#include <boost/version.hpp>

#include <cstdio>
#include <cstring>
#include <string>

namespace mpmd {
namespace {

constexpr int kExitFailure = 1;

void print_messages(const std::vector<ConfigMessage>& messages, const char* prefix)
{
    for (const ConfigMessage& m : messages)
        std::fprintf(stderr, "%s%s\n", prefix, m.str().c_str());
}

LoadOptions load_options(const CommandLine& line)
{
    LoadOptions options;
    options.path = line.config_file.empty() ? default_config_file() : line.config_file;
    options.server_root_override = line.server_root;
    options.defines = line.defines;
    return options;
}

// The MPM of `config` (linked in or by LoadModule); its problems join the config's errors.
Mpm* choose_config_mpm(LoadedConfig& config, const LoadOptions& options)
{
    MpmChoice choice = choose_mpm(linked_in_mpm(), config.server, options.path, MPMD_LIBEXECDIR);
    config.errors.insert(config.errors.end(), choice.errors.begin(), choice.errors.end());
    sort_messages(&config.errors);
    return choice.mpm;
}

// -V: the build, and the MPM in use. That is the linked one unless -f names a config (or
// none is linked in): then the config's LoadModule lines decide, as they would at start.
int print_build_settings(const CommandLine& line)
{
    Mpm* mpm = linked_in_mpm();
    std::string how = "linked in";
    if (!line.config_file.empty() || !mpm) {
        const LoadOptions options = load_options(line);
        LoadedConfig config = load_config(options);
        MpmChoice choice = choose_mpm(mpm, config.server, options.path, MPMD_LIBEXECDIR);
        if (!choice.mpm) {
            print_messages(choice.errors, "");
            std::fprintf(stderr, "mpmd: -V: no MPM to describe\n");
            return kExitFailure;
        }
        mpm = choice.mpm;
        if (choice.loaded_by)
            how = "LoadModule " + choice.loaded_by->path + " at " + choice.loaded_by->file + ":" +
                  std::to_string(choice.loaded_by->line);
    }
    std::printf("Server version: %s\n", server_banner(ServerTokens::Full).c_str());
    std::printf("Server built:   %s %s\n", __DATE__, __TIME__);
    std::printf("Architecture:   %zu-bit\n", sizeof(void*) * 8);
    std::printf("Server MPM:     %s\n", mpm->name());
    std::printf("  threaded:     %s\n", mpm->threaded() ? "yes (fixed thread count)" : "no");
    std::printf("    forked:     yes (variable process count)\n");
    std::printf("Server compiled with....\n");
    std::printf(" -D MPMD_MPM=\"%s\" (%s)\n", mpm->name(), how.c_str());
    std::printf(" -D MPMD_MODULE_DIR=\"%s\"\n", MPMD_LIBEXECDIR);
    std::printf(" -D MPMD_PREFIX=\"%s\"\n", MPMD_PREFIX);
    std::printf(" -D SERVER_CONFIG_FILE=\"%s\"\n", default_config_file().c_str());
    std::printf(" -D DEFAULT_PIDLOG=\"%s\"\n", MPMD_RUNDIR "/mpmd.pid");
    std::printf(" -D DEFAULT_ERRORLOG=\"%s\"\n", MPMD_LOGDIR "/error_log");
    std::printf(" -D MPMD_DATADIR=\"%s\"\n", MPMD_DATADIR);
    std::printf(" libevent %s, Boost %d.%d, inih, C++ %ld\n", event_get_version(), BOOST_VERSION / 100000,
                BOOST_VERSION / 100 % 1000, long(__cplusplus));
    return 0;
}

// -l: what is compiled in, Apache's way: the MPM as prefork.c, worker.c or event.c when it
// is linked in (a loaded one is not compiled in); mod_so.c is what LoadModule needs.
void print_modules()
{
    std::printf("Compiled in modules:\n");
    for (const char* module :
         {"core.c", "http_core.c", "mod_mime.c", "mod_dir.c", "mod_log_config.c", "mod_static.c", "mod_so.c"})
        std::printf("  %s\n", module);
    if (const Mpm* mpm = linked_in_mpm())
        std::printf("  %s.c\n", mpm->name());
}

// -k VERB (a verb of the signal table): signal the master named in PidFile. A
// restart or upgrade is refused when the configuration on disk has errors, so a typo never
// reaches a live server.
int send_signal(const CommandLine& line, const LoadedConfig& config)
{
    const MasterSignal* entry = signal_for_verb(line.verb);
    const bool rereads = entry->action == MasterAction::Restart || entry->action == MasterAction::GracefulRestart ||
                         entry->action == MasterAction::Upgrade;
    if (rereads && !config.ok()) {
        print_messages(config.errors, "");
        std::fprintf(stderr, "mpmd: -k %s refused: the configuration has errors; the running server is unchanged\n",
                     line.verb.c_str());
        return kExitFailure;
    }
    std::string error;
    const pid_t pid = read_pid_file(config.server.pid_file, &error);
    if (pid == 0 || !process_exists(pid)) {
        std::fprintf(stderr, "mpmd: -k %s: %s\n", line.verb.c_str(),
                     pid == 0 ? error.c_str() : ("no server running with pid " + std::to_string(pid)).c_str());
        return kExitFailure;
    }
    // A Listen the master could not bind would be refused there too; say so here. Ports the
    // master already listens on are fine (it keeps them); when its sockets cannot be read
    // (another user), the master alone decides.
    if (rereads) {
        if (const auto held = listening_keys_of(pid)) {
            const std::vector<std::string> unbindable = unbindable_listen_addresses(listen_specs(config.server), *held);
            for (const std::string& e : unbindable)
                std::fprintf(stderr, "%s\n", e.c_str());
            if (!unbindable.empty()) {
                std::fprintf(stderr, "mpmd: -k %s refused: the configuration has errors; the running server is unchanged\n",
                             line.verb.c_str());
                return kExitFailure;
            }
        }
    }
    if (kill(pid, entry->signal) != 0) {
        std::fprintf(stderr, "mpmd: -k %s: cannot send SIG%s to %d: %s\n", line.verb.c_str(),
                     std::string(entry->name).c_str(), int(pid), std::strerror(errno));
        return kExitFailure;
    }
    return 0;
}

// -X: serve in this one process (debugging); no children, no supervision. TERM and INT
// end it after the connection in hand, so the pid file is removed on the way out.
int serve_one_process(Mpm& mpm, const LoadedConfig& config, Scoreboard& board, ListenerSet& listeners,
                      std::shared_ptr<ServerRuntime> runtime)
{
    board.process_started(0, getpid(), 0);
    signal(SIGUSR2, SIG_IGN);   // no binary upgrade without a master
    ChildContext context;
    context.config = &config;
    context.runtime = runtime.get();
    context.scoreboard = &board;
    context.listeners = &listeners.sockets();
    leave_on_stop_signals();
    if (!prepare_child_process(context))
        return kChildFatalExit;
    return mpm.run_child(context);
}

int serve(const CommandLine& line, Mpm& mpm, std::unique_ptr<LoadedConfig> config, const LoadOptions& options,
          SelfExec self, const std::optional<UpgradeHandoff>& handoff)
{
    block_master_signals();   // until the supervisor's loop or -X handles them
    if (line.verb == "start" && !handoff) {
        std::string ignored;
        const pid_t running = read_pid_file(config->server.pid_file, &ignored);
        if (running != 0 && process_exists(running)) {
            std::printf("mpmd (pid %d) already running\n", int(running));
            return 0;
        }
    }
    error_log().set_level(config->server.log_level);
    LogFileCache logs;
    std::vector<std::string> errors;
    auto runtime = build_runtime(*config, mpm, logs, &errors);
    ListenerSet listeners;
    std::vector<std::string> adopt_notes;
    if (handoff)
        listeners.adopt(handoff->listeners, &adopt_notes);
    if (errors.empty())
        listeners.update(listen_specs(config->server), config->server.listen_backlog, &errors);
    std::string error;
    if (errors.empty() && !error_log().open(config->server.error_log, &error))
        errors.push_back(error);
    // Written after daemonizing; a refusal (trusted_path.h) must reach the terminal first.
    if (errors.empty() && !check_pid_file(config->server.pid_file, &error))
        errors.push_back(error);
    if (!errors.empty()) {
        for (const std::string& e : errors)
            std::fprintf(stderr, "%s\n", e.c_str());
        std::fprintf(stderr, "mpmd: unable to start (%zu error(s))\n", errors.size());
        return kExitFailure;
    }
    if (!runtime->switch_user && geteuid() != 0)
        log_error(LogLevel::Warn, "core", "not started as root: User and Group are ignored; children run as uid %d",
                  int(geteuid()));

    const MpmLimits limits = mpm.limits(*config);
    std::unique_ptr<Scoreboard> board;
    std::vector<std::string> board_notes;
    try {
        // -X serves as User in this very process, which could then not remove a named
        // segment: its scoreboard stays private.
        board = Scoreboard::create(limits.server_limit, limits.thread_limit,
                                   line.one_process ? std::string()
                                                    : config->status.scoreboard_name(config->server.pid_file),
                                   &board_notes);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mpmd: %s\n", e.what());
        return kExitFailure;
    }
    for (const std::string& note : board_notes)
        log_error(LogLevel::Warn, "core", "ScoreBoardFile: %s", note.c_str());
    board->global().mpm_threaded = mpm.threaded();
    // Log faults (a full disk...) are counted and reported once for the whole server.
    uint64_t* const fault_words = board->global().log_faults;
    error_log().share_fault_state(&fault_words[kErrorLogFaultWord]);
    logs.share_fault_words(fault_words + kErrorLogFaultWord + 1, kLogFaultWords - 1);

    for (const std::string& note : adopt_notes)
        log_error(LogLevel::Warn, "core", "binary upgrade: %s", note.c_str());
    if (handoff) {
        // The old master's child until it exits: detaching again would lose that link.
        // stderr is already the error log (the old master pointed it there); keep it so
        // across reopen().
        error_log().redirect_stderr(&error);
        // Started in the first master's start-up directory; a daemon lives in / (daemonize).
        if (!line.foreground() && chdir("/") != 0)
            log_errno(LogLevel::Warn, "core", errno, "chdir /");
        log_error(LogLevel::Notice, "core",
                  "binary upgrade: started by master pid %d; %zu listening socket(s) inherited, %zu in use",
                  int(handoff->old_master), handoff->listeners.size(), listeners.sockets().size());
    } else if (!line.foreground()) {
        if (!daemonize(&error)) {
            std::fprintf(stderr, "mpmd: cannot become a daemon: %s\n", error.c_str());
            board->remove_name();
            return kExitFailure;
        }
        error_log().redirect_stderr(&error);
    }
    // After daemonize: the pid recorded here owns a named segment and removes it at exit.
    const StatusServerInfo& info = runtime->status_info;
    board->describe(info.mpm_name, info.server_version, info.max_processes, info.threads_per_child);
    const std::string pid_file = config->server.pid_file;
    if (!write_pid_file(pid_file, getpid(), &error)) {
        log_error(LogLevel::Emerg, "core", "%s", error.c_str());
        board->remove_name();
        return kExitFailure;
    }
    if (line.one_process) {
        const int status = serve_one_process(mpm, *config, *board, listeners, runtime);
        remove_pid_file(pid_file, getpid());
        board->remove_name();
        return status;
    }

    SupervisorSetup setup;
    setup.mpm = &mpm;
    setup.scoreboard = board.get();
    setup.listeners = &listeners;
    setup.logs = &logs;
    setup.load_options = options;
    setup.config = std::move(config);
    setup.runtime = std::move(runtime);
    setup.self = std::move(self);
    setup.upgraded_from = handoff ? handoff->old_master : 0;
    Supervisor supervisor(std::move(setup));
    const int status = supervisor.run();
    remove_pid_file(pid_file, getpid());
    remove_pid_file(oldbin_name(pid_file), getpid());   // this master was upgraded away
    board->remove_name();
    return status;
}

int main_with_args(int argc, char** argv)
{
    // Before anything can change the directory (daemonize goes to /).
    SelfExec self = record_self_exec(argc, argv);
    std::string error;
    const std::optional<UpgradeHandoff> handoff = take_upgrade_handoff(&error);
    if (!error.empty()) {
        std::fprintf(stderr, "mpmd: binary upgrade: %s\n", error.c_str());
        return kExitFailure;
    }
    CommandLine line;
    if (!parse_command_line(argc, argv, &line, &error)) {
        std::fprintf(stderr, "mpmd: %s\n%s", error.c_str(), usage_text(argv[0]).c_str());
        return kExitFailure;
    }
    switch (line.command) {
    case Command::Help: std::fputs(usage_text(argv[0]).c_str(), stdout); return 0;
    case Command::Version:
        std::printf("Server version: %s\nServer built:   %s %s\n", server_banner(ServerTokens::Full).c_str(), __DATE__,
                    __TIME__);
        return 0;
    case Command::BuildSettings: return print_build_settings(line);
    case Command::Modules: print_modules(); return 0;
    case Command::Directives: std::fputs(directives_listing(all_directive_tables()).c_str(), stdout); return 0;
    case Command::RoffDirectives: std::fputs(directives_roff(all_directive_tables()).c_str(), stdout); return 0;
    case Command::RoffSignals: std::fputs(signals_roff().c_str(), stdout); return 0;
    default: break;
    }

    const LoadOptions options = load_options(line);
    auto config = std::make_unique<LoadedConfig>(load_config(options));

    if (line.command == Command::Signal)
        return send_signal(line, *config);

    Mpm* mpm = choose_config_mpm(*config, options);
    print_messages(config->warnings, "");
    if (!config->ok()) {
        print_messages(config->errors, "");
        std::fprintf(stderr, "mpmd: %zu error(s) in the configuration; nothing started\n", config->errors.size());
        return kExitFailure;
    }
    if (line.command == Command::ConfigTest) {
        std::printf("Syntax OK\n");
        return 0;
    }
    return serve(line, *mpm, std::move(config), options, std::move(self), handoff);
}

} // namespace
} // namespace mpmd

int main(int argc, char** argv) { return mpmd::main_with_args(argc, argv); }
