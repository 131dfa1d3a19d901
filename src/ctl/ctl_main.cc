// mpmctl: apachectl for mpmd. start, stop, restart, graceful, graceful-stop and configtest run
// mpmd (-k VERB or -t) and exit with its status; status and top read the scoreboard's shared
// memory directly (ScoreBoardFile), so they answer even when every worker is busy.
// Runs in: mpmctl (an administrator's shell; root, or the user who started mpmd).
// Leans on: execv(3); apachectl(8); ctl_command_line.h, ctl_snapshot.h, status_summary.h,
// top_view.h, raw_terminal.h; mpm_config.h (load_config, for ScoreBoardFile and PidFile).
#include "ctl/ctl_command_line.h"
#include "ctl/ctl_snapshot.h"
#include "ctl/raw_terminal.h"
#include "ctl/status_summary.h"
#include "ctl/top_view.h"
#include "mpm/mpm_config.h"
#include "shared/scoreboard.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace mpmd {
namespace {

constexpr int kExitFailure = 1;
constexpr int kRefreshMs = 1000;

// $MPMD, else the mpmd that configure installs beside mpmctl.
std::string mpmd_binary()
{
    const char* env = std::getenv("MPMD");
    return env && *env ? env : MPMD_BINARY;
}

int run_mpmd(const CtlCommandLine& line)
{
    const std::string binary = mpmd_binary();
    std::vector<std::string> args = mpmd_arguments(line);
    args.insert(args.begin(), binary);
    std::vector<char*> argv;
    for (std::string& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    std::fprintf(stderr, "mpmctl: cannot run %s: %s\n", binary.c_str(), std::strerror(errno));
    return kExitFailure;
}

// The scoreboard the config names, attached read-only; nullptr after saying why.
std::unique_ptr<const Scoreboard> open_scoreboard(const CtlCommandLine& line)
{
    LoadOptions options;
    if (!line.config_file.empty())
        options.path = line.config_file;
    options.server_root_override = line.server_root;
    if (access(options.path.c_str(), R_OK) != 0) {
        std::fprintf(stderr, "mpmctl: cannot read %s: %s\n", options.path.c_str(), std::strerror(errno));
        return nullptr;
    }
    const LoadedConfig config = load_config(options);
    // Errors elsewhere in the file do not matter here; a bad ScoreBoardFile does.
    for (const ConfigMessage& m : config.errors)
        if (m.str().find("ScoreBoardFile") != std::string::npos) {
            std::fprintf(stderr, "%s\n", m.str().c_str());
            return nullptr;
        }
    const std::string name = config.status.scoreboard_name(config.server.pid_file);
    if (name.empty()) {
        std::fprintf(stderr, "mpmctl: %s: ScoreBoardFile is none: the scoreboard is anonymous and only the "
                     "status page shows it\n", options.path.c_str());
        return nullptr;
    }
    std::string error;
    auto board = Scoreboard::attach(name, &error);
    if (!board) {
        std::fprintf(stderr, "mpmctl: %s\n", error.c_str());
        return nullptr;
    }
    const int32_t master = board->global().master_pid;
    if (master <= 0 || (kill(master, 0) != 0 && errno != EPERM)) {
        std::fprintf(stderr, "mpmctl: scoreboard %s is stale: its mpmd (pid %d) is gone\n", name.c_str(), int(master));
        return nullptr;
    }
    return board;
}

int print_status(const CtlCommandLine& line)
{
    const auto board = open_scoreboard(line);
    if (!board)
        return kExitFailure;
    std::fputs(render_status_summary(take_ctl_snapshot(*board)).c_str(), stdout);
    return 0;
}

int run_top(const CtlCommandLine& line)
{
    const auto board = open_scoreboard(line);
    if (!board)
        return kExitFailure;
    const pid_t master = board->global().master_pid;
    RawTerminal terminal;
    std::string error;
    if (!terminal.enter(STDIN_FILENO, STDOUT_FILENO, &error)) {
        std::fprintf(stderr, "mpmctl: %s\n", error.c_str());
        return kExitFailure;
    }
    TopView view;
    for (;;) {
        if (kill(master, 0) != 0 && errno != EPERM) {
            terminal.restore();
            std::fprintf(stderr, "mpmctl: mpmd (pid %d) has exited\n", int(master));
            return kExitFailure;
        }
        terminal.write(view.frame(take_ctl_snapshot(*board), TopSize{terminal.columns(), terminal.rows()}));
        const int64_t next = now_microseconds() + kRefreshMs * 1000;
        for (int64_t left = kRefreshMs; left > 0; left = (next - now_microseconds()) / 1000) {
            const int key = terminal.read_key(int(left));
            if (key == 'q' || key == 'Q' || key == RawTerminal::kClosed || RawTerminal::stop_requested())
                return 0;
            if (RawTerminal::take_resized() || key == ' ')
                break;
        }
    }
}

int main_with_args(int argc, char** argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    CtlCommandLine line;
    std::string error;
    if (!parse_ctl_command_line(args, &line, &error)) {
        std::fprintf(stderr, "mpmctl: %s\n%s", error.c_str(), ctl_usage("mpmctl").c_str());
        return kExitFailure;
    }
    switch (line.command) {
    case CtlCommand::Help: std::fputs(ctl_usage("mpmctl").c_str(), stdout); return 0;
    case CtlCommand::Control:
    case CtlCommand::ConfigTest: return run_mpmd(line);
    case CtlCommand::Status: return print_status(line);
    case CtlCommand::Top: return run_top(line);
    }
    return kExitFailure;
}

} // namespace
} // namespace mpmd

int main(int argc, char** argv) { return mpmd::main_with_args(argc, argv); }
