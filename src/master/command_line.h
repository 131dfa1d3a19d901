// The command line of mpmd, Apache's options: -f FILE, -d DIR, -D NAME, -k VERB, -t, -v, -V,
// -l, -L, -S, -X, -h (and --roff-directives and --roff-signals, which the build uses to generate
// mpmd.conf(5) and mpmd(8); see man/local.am). The -k verbs come from the signal table.
// Runs in: master (before anything else).
#ifndef MPMD_MASTER_COMMAND_LINE_H
#define MPMD_MASTER_COMMAND_LINE_H

#include "shared/config.h"

#include <set>
#include <string>
#include <vector>

namespace mpmd {

enum class Command {
    Serve,            // start the server (no -k, or -k start)
    Signal,           // -k VERB of kMasterSignals (signal_table.h)
    ConfigTest,       // -t
    Version,          // -v
    BuildSettings,    // -V
    Modules,          // -l
    LoadedModules,    // -M: the modules the configuration loads, as httpd -M
    Directives,       // -L
    VhostMap,         // -S: -t, then the virtual host map
    RoffDirectives,   // --roff-directives
    RoffSignals,      // --roff-signals
    Help,             // -h
};

struct CommandLine {
    Command command = Command::Serve;
    std::string config_file;         // "" = the compiled-in default
    std::string server_root;         // -d
    std::set<std::string> defines;   // -D
    std::string verb;                // -k
    bool one_process = false;        // -X
    bool foreground() const { return one_process || defines.count("FOREGROUND") > 0; }
};

// Parses argv; on a usage error returns false with *error set.
bool parse_command_line(int argc, char** argv, CommandLine* out, std::string* error);

std::string usage_text(const char* program);

// The exit status of a command that failed (a one-shot command, or a start).
constexpr int kExitFailure = 1;

// Where the configuration comes from: -f (or the compiled-in default), -d, -D.
LoadOptions load_options(const CommandLine& line);

// Configuration messages on stderr, one a line, for the commands run from a terminal.
void print_messages(const std::vector<ConfigMessage>& messages);

} // namespace mpmd

#endif
