// See command_line.h.
#include "master/command_line.h"

#include "master/signal_table.h"
#include "shared/core_directives.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace mpmd {

bool parse_command_line(int argc, char** argv, CommandLine* out, std::string* error)
{
    for (int i = 1; i < argc; ++i) {
        const char* arg = argv[i];
        if (std::strcmp(arg, "--roff-directives") == 0) {
            out->command = Command::RoffDirectives;
            continue;
        }
        if (std::strcmp(arg, "--roff-signals") == 0) {
            out->command = Command::RoffSignals;
            continue;
        }
        if (arg[0] != '-' || arg[1] == '\0' || arg[2] != '\0') {
            *error = std::string("unknown argument '") + arg + "'";
            return false;
        }
        const char option = arg[1];
        const bool takes_value = std::strchr("fdDk", option) != nullptr;
        const char* value = nullptr;
        if (takes_value) {
            if (i + 1 >= argc) {
                *error = std::string("option -") + option + " needs a value";
                return false;
            }
            value = argv[++i];
        }
        switch (option) {
        case 'f': out->config_file = value; break;
        case 'd': out->server_root = value; break;
        case 'D': out->defines.insert(value); break;
        case 'k':
            out->verb = value;
            if (out->verb == "start") {
                out->command = Command::Serve;
            } else if (signal_for_verb(out->verb) != nullptr) {
                out->command = Command::Signal;
            } else {
                *error = "unknown -k action '" + out->verb + "' (allowed: start";
                for (const MasterSignal& entry : kMasterSignals)
                    *error += ", " + std::string(entry.verb);
                *error += ")";
                return false;
            }
            break;
        case 't': out->command = Command::ConfigTest; break;
        case 'v': out->command = Command::Version; break;
        case 'V': out->command = Command::BuildSettings; break;
        case 'l': out->command = Command::Modules; break;
        case 'M': out->command = Command::LoadedModules; break;
        case 'L': out->command = Command::Directives; break;
        case 'S': out->command = Command::VhostMap; break;
        case 'X': out->one_process = true; break;
        case 'h': out->command = Command::Help; break;
        default:
            *error = std::string("unknown option -") + option;
            return false;
        }
    }
    return true;
}

std::string usage_text(const char* program)
{
    std::string verbs = "start";
    std::string actions;
    for (const MasterSignal& entry : kMasterSignals) {
        verbs += "|" + std::string(entry.verb);
        std::string option = "-k " + std::string(entry.verb);
        option.resize(std::max<size_t>(option.size(), 19), ' ');
        actions += "  " + option + ": " + std::string(entry.effect) + " (SIG" + std::string(entry.name) +
                   " to the running server)\n";
    }
    return std::string("Usage: ") + program +
           " [-D name] [-d directory] [-f file]\n"
           "            [-k " + verbs + "]\n"
           "            [-v] [-V] [-h] [-l] [-L] [-M] [-t] [-S] [-X]\n"
           "Options:\n"
           "  -D name            : define a name (FOREGROUND: do not detach)\n"
           "  -d directory       : alternate initial ServerRoot\n"
           "  -f file            : alternate configuration file\n"
           "  -k start           : start the server (detached unless -D FOREGROUND)\n" +
           actions +
           "  -v                 : show version number\n"
           "  -V                 : show compile settings\n"
           "  -h                 : list available command line options (this page)\n"
           "  -l                 : list compiled in modules\n"
           "  -L                 : list available configuration directives\n"
           "  -M                 : list the modules the configuration loads (static and shared)\n"
           "  -t                 : run syntax check for config files\n"
           "  -S                 : show the parsed virtual host and run settings\n"
           "  -X                 : debug mode (only one process, do not detach)\n";
}

LoadOptions load_options(const CommandLine& line)
{
    LoadOptions options;
    options.path = line.config_file.empty() ? default_config_file() : line.config_file;
    options.server_root_override = line.server_root;
    options.defines = line.defines;
    return options;
}

void print_messages(const std::vector<ConfigMessage>& messages)
{
    for (const ConfigMessage& m : messages)
        std::fprintf(stderr, "%s\n", m.str().c_str());
}

} // namespace mpmd
