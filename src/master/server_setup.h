// Turning a valid configuration into what a generation serves with: the ServerRuntime
// (MIME table, compiled access-log formats on open files, banner, child identity) and the
// list of addresses to listen on. Log files are kept in a cache across restarts so a file
// named in both configs is reopened in place (logrotate) rather than opened twice.
// Runs in: master (at start and at every restart).
#ifndef MPMD_MASTER_SERVER_SETUP_H
#define MPMD_MASTER_SERVER_SETUP_H

#include "mpm/mpm.h"
#include "mpm/mpm_config.h"
#include "shared/listeners.h"
#include "shared/server_runtime.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mpmd {

class LogFileCache {
public:
    // The open file for `path`, opening it if this cache has none.
    std::shared_ptr<LogFile> get(const std::string& path, std::string* error);
    // Reopens every file (after logrotate renamed them); errors are collected, and a file
    // that cannot be reopened keeps its old descriptor.
    void reopen_all(std::vector<std::string>* errors);
    // Drops files no runtime uses any more.
    void prune();

private:
    std::map<std::string, std::shared_ptr<LogFile>> files_;
};

// Builds the runtime for `config`; nullptr with errors ("file:line: ...") when it cannot.
std::shared_ptr<ServerRuntime> build_runtime(const LoadedConfig& config, const Mpm& mpm, LogFileCache& logs,
                                             std::vector<std::string>* errors);

std::vector<ListenSpec> listen_specs(const ServerConfig& server);

} // namespace mpmd

#endif
