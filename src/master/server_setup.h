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
    // The open file for `path`, opening it if this cache has none. Its faults (full disk...)
    // are reported to the error log (report_access_log_fault).
    std::shared_ptr<LogFile> get(const std::string& path, std::string* error);
    // Reopens every file (after logrotate renamed them); errors are collected, and a file
    // that cannot be reopened keeps its old descriptor.
    void reopen_all(std::vector<std::string>* errors);
    // Drops files no runtime uses any more.
    void prune();
    // Gives every file, open now or later, a fault word from words[0, count) and its count
    // of lost lines from lost_totals[0, count) (shared memory that outlives every child: the
    // scoreboard's), so a fault is reported once for the whole server and its lost lines are
    // seen by the status page. A path keeps its words for the life of the cache; paths past
    // `count` keep their fault state and count per process.
    void share_fault_words(uint64_t* words, uint64_t* lost_totals, size_t count);
    // Every open file (for the master's watch on removed files).
    std::vector<std::shared_ptr<LogFile>> files() const;

private:
    void share_fault_word(const std::string& path, LogFile& file);

    std::map<std::string, std::shared_ptr<LogFile>> files_;
    std::map<std::string, size_t> fault_words_;   // path -> index into words_
    uint64_t* words_ = nullptr;
    uint64_t* lost_totals_ = nullptr;
    size_t word_count_ = 0;
};

// Builds the runtime for `config`; nullptr with errors ("file:line: ...") when it cannot.
std::shared_ptr<ServerRuntime> build_runtime(const LoadedConfig& config, const Mpm& mpm, LogFileCache& logs,
                                             std::vector<std::string>* errors);

std::vector<ListenSpec> listen_specs(const ServerConfig& server);

} // namespace mpmd

#endif
