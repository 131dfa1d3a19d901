// mpmd's entry point: parses the command line and hands it to what it asks for: a one-shot
// command (-v -V -l: build_info.h; -L: the directive table; -t: server_start.h; -k:
// signal_command.h) or the server itself (server_start.h).
// Runs in: master.
#include "master/build_info.h"
#include "master/command_line.h"
#include "master/self_exec.h"
#include "master/server_start.h"
#include "master/signal_table.h"
#include "master/signal_command.h"
#include "master/upgrade_handoff.h"
#include "mpm/mpm_config.h"

#include <cstdio>
#include <optional>
#include <string>

namespace mpmd {
namespace {

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
    case Command::Version: return print_version();
    case Command::BuildSettings: return print_build_settings(line);
    case Command::Modules: return print_modules();
    case Command::LoadedModules: return print_loaded_modules(line);
    case Command::Directives: std::fputs(directives_listing(all_directive_tables()).c_str(), stdout); return 0;
    case Command::RoffDirectives: std::fputs(directives_roff(all_directive_tables()).c_str(), stdout); return 0;
    case Command::RoffSignals: std::fputs(signals_roff().c_str(), stdout); return 0;
    case Command::Signal: return signal_master(line);
    case Command::ConfigTest: return test_configuration(line);
    case Command::VhostMap: return show_vhost_map(line);
    case Command::Serve: return start_server(line, std::move(self), handoff);
    }
    return kExitFailure;
}

} // namespace
} // namespace mpmd

int main(int argc, char** argv) { return mpmd::main_with_args(argc, argv); }
