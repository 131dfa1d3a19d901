// Becoming a daemon and the pid file. The pid file is how `mpmd -k` and init scripts find
// the master; it is written after daemonizing (so it holds the daemon's pid) and removed
// when the master stops.
// Runs in: master, and the `mpmd -k` command (reading).
// Leans on: fork(2), setsid(2), open(2) O_EXCL-free rewrite via rename(2), kill(2) with 0.
#ifndef MPMD_MASTER_DAEMON_H
#define MPMD_MASTER_DAEMON_H

#include <sys/types.h>

#include <string>

namespace mpmd {

// Detaches from the terminal: fork (the parent exits 0), setsid, chdir /, stdin and stdout
// to /dev/null. stderr is left for the error log to take over.
bool daemonize(std::string* error);

// Writes "PID\n" atomically (temporary file + rename), mode 0644.
bool write_pid_file(const std::string& path, pid_t pid, std::string* error);
// The pid in the file, or 0 with *error set (missing, unreadable, not a number).
pid_t read_pid_file(const std::string& path, std::string* error);
// Removes the file only if it still names `pid` (a new master may have replaced it).
void remove_pid_file(const std::string& path, pid_t pid);
bool process_exists(pid_t pid);
// Raises the soft limit on open files to the hard limit (children inherit it): the event
// MPM holds one descriptor per idle connection, thousands per child. Returns the new limit.
unsigned long raise_file_limit();

} // namespace mpmd

#endif
