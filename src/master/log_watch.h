// LogWatch: notices a log file removed (or renamed away) while the server runs, and opens a
// new one under the configured name, so logging resumes without the administrator.
// Runs in: master, from its once-a-second tick (as root: children run as User and could not
// create a file in the log directory).
// Leans on: stat(2) of each path against fstat(2) of its descriptor (LogFile::path_state),
// open_trusted and dup3(2) (LogFile::reopen keeps the descriptor number; the new file is
// opened by the rule of trusted_path.h, so a link planted in place of the removed log is
// refused, reported and tried again, never written through).
//
// How the new file reaches the children: the master starts a graceful restart of its own
// (a new generation forks with the new descriptor; old children finish the request in hand,
// which is still logged to the old file, and leave), and logs why. Chosen over passing the
// descriptor to every child (SCM_RIGHTS on a per-child socketpair, then dup2(2) onto the old
// number) because every MPM's serving loop would have to watch one more descriptor, a
// restart is the path that restarts, upgrades and MaxConnectionsPerChild already prove
// loses no request, and a log removed under a running server is rare enough that a new
// generation costs nothing that matters.
//
// logrotate renames a log and then signals the master, which reopens it: to leave that
// window alone a path must look wrong on two ticks in a row before anything is done.
#ifndef MPMD_MASTER_LOG_WATCH_H
#define MPMD_MASTER_LOG_WATCH_H

#include "master/server_setup.h"
#include "shared/error_log.h"
#include "shared/log_file.h"

#include <map>
#include <string>

namespace mpmd {

class LogWatch {
public:
    // Checks the error log (when it is a file) and every file of `logs`. A file whose path
    // has named no file or another one on two checks in a row is reopened under its name
    // and reported once ("removed or renamed away; reopened"); a reopen that fails is
    // reported once and tried again at every later check. Returns how many files were
    // reopened: children still write to the old ones until the caller starts a new
    // generation.
    size_t check(LogFileCache& logs, ErrorLog& error_log);

private:
    struct Suspect {
        int checks = 0;               // checks in a row that found the path wrong
        bool reported_failure = false; // a failed reopen was reported in this episode
    };
    bool check_one(const LogFile& file, const char* what, LogFile* reopen_target, ErrorLog* error_log);

    std::map<std::string, Suspect> suspects_;   // by path, only while something looks wrong
};

} // namespace mpmd

#endif
