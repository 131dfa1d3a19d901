// See ctl_command_line.h.
// Runs in: mpmctl.
#include "ctl/ctl_command_line.h"

#include <string_view>

namespace mpmd {

namespace {

struct CtlVerb {
    std::string_view name;
    CtlCommand command;
    std::string_view doc;
};

constexpr CtlVerb kVerbs[] = {
    {"start", CtlCommand::Control, "start the server (mpmd -k start)"},
    {"stop", CtlCommand::Control, "stop it now (mpmd -k stop: SIGTERM)"},
    {"restart", CtlCommand::Control, "restart it, rereading the config (SIGHUP)"},
    {"graceful", CtlCommand::Control, "restart gracefully (SIGUSR1)"},
    {"graceful-stop", CtlCommand::Control, "stop gracefully (SIGWINCH)"},
    {"upgrade", CtlCommand::Control, "binary upgrade: start the installed binary in its place (SIGUSR2)"},
    {"configtest", CtlCommand::ConfigTest, "check the configuration (mpmd -t)"},
    {"status", CtlCommand::Status, "print a summary of the scoreboard"},
    {"top", CtlCommand::Top, "live view of the scoreboard (q quits)"},
};

} // namespace

bool parse_ctl_command_line(const std::vector<std::string>& args, CtlCommandLine* out, std::string* error)
{
    bool have_command = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "-f" || arg == "-d") {
            if (i + 1 == args.size()) {
                *error = "option " + arg + " needs an argument";
                return false;
            }
            (arg == "-f" ? out->config_file : out->server_root) = args[++i];
            continue;
        }
        if (arg == "-h" || arg == "--help" || arg == "help") {
            out->command = CtlCommand::Help;
            return true;
        }
        if (!arg.empty() && arg[0] == '-') {
            *error = "unknown option " + arg;
            return false;
        }
        if (have_command) {
            *error = "one command at a time (got \"" + out->verb + "\" and \"" + arg + "\")";
            return false;
        }
        const CtlVerb* found = nullptr;
        for (const CtlVerb& verb : kVerbs)
            if (verb.name == arg)
                found = &verb;
        if (!found) {
            *error = "unknown command \"" + arg + "\"";
            return false;
        }
        out->command = found->command;
        out->verb = arg;
        have_command = true;
    }
    if (!have_command) {
        *error = "no command given";
        return false;
    }
    return true;
}

std::vector<std::string> mpmd_arguments(const CtlCommandLine& line)
{
    std::vector<std::string> args;
    if (line.command == CtlCommand::ConfigTest)
        args.push_back("-t");
    else
        args.insert(args.end(), {"-k", line.verb});
    if (!line.config_file.empty())
        args.insert(args.end(), {"-f", line.config_file});
    if (!line.server_root.empty())
        args.insert(args.end(), {"-d", line.server_root});
    return args;
}

std::string ctl_usage(const std::string& program)
{
    std::string out = "Usage: " + program + " COMMAND [-f CONFIG] [-d DIR]\nCommands:\n";
    for (const CtlVerb& verb : kVerbs)
        out += "  " + std::string(verb.name) + std::string(15 - verb.name.size(), ' ') + std::string(verb.doc) + "\n";
    out += "The server commands run mpmd (the one named by $MPMD, if set) and exit with its status.\n";
    return out;
}

} // namespace mpmd
