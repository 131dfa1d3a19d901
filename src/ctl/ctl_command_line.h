// CtlCommandLine: what `mpmctl COMMAND [-f CONFIG] [-d DIR]` asks for, and the mpmd command
// line that the server-control commands hand over to (apachectl's pass-through).
// Runs in: mpmctl.
// Leans on: apachectl(8) (start, stop, restart, graceful, graceful-stop, configtest, status);
// mpmd(8) (-k VERB, -t, -f, -d).
#ifndef MPMD_CTL_CTL_COMMAND_LINE_H
#define MPMD_CTL_CTL_COMMAND_LINE_H

#include <string>
#include <vector>

namespace mpmd {

enum class CtlCommand { Help, Control, ConfigTest, Status, Top };

struct CtlCommandLine {
    CtlCommand command = CtlCommand::Help;
    std::string verb;          // as typed: "start", "graceful", "status", ...
    std::string config_file;   // -f ("" = mpmd's default)
    std::string server_root;   // -d ("" = ServerRoot from the file)
};

// Parses argv[1..]; false with *error set for an unknown command or option, a missing
// argument or a second command.
bool parse_ctl_command_line(const std::vector<std::string>& args, CtlCommandLine* out, std::string* error);

// The argument vector (after the program) that runs `line` through mpmd: -k VERB or -t,
// then -f and -d when given. Only for Control and ConfigTest.
std::vector<std::string> mpmd_arguments(const CtlCommandLine& line);

std::string ctl_usage(const std::string& program);

} // namespace mpmd

#endif
