// See signal_command.h.
#include "master/signal_command.h"

#include "master/pid_file.h"
#include "master/process_listeners.h"
#include "master/server_setup.h"
#include "master/signal_table.h"
#include "mpm/mpm_config.h"

#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace mpmd {

namespace {

int refuse(const CommandLine& line)
{
    std::fprintf(stderr, "mpmd: -k %s refused: the configuration has errors; the running server is unchanged\n",
                 line.verb.c_str());
    return kExitFailure;
}

} // namespace

int signal_master(const CommandLine& line)
{
    const LoadedConfig config = load_config(load_options(line));
    const MasterSignal* entry = signal_for_verb(line.verb);
    const bool rereads = entry->action == MasterAction::Restart || entry->action == MasterAction::GracefulRestart ||
                         entry->action == MasterAction::Upgrade;
    if (rereads && !config.ok()) {
        print_messages(config.errors);
        return refuse(line);
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
            if (!unbindable.empty())
                return refuse(line);
        }
    }
    if (kill(pid, entry->signal) != 0) {
        std::fprintf(stderr, "mpmd: -k %s: cannot send SIG%s to %d: %s\n", line.verb.c_str(),
                     std::string(entry->name).c_str(), int(pid), std::strerror(errno));
        return kExitFailure;
    }
    return 0;
}

} // namespace mpmd
