// Becoming a daemon, and the limit on open files (the pid file is pid_file.h).
// Runs in: master.
// Leans on: fork(2), setsid(2), setrlimit(2).
#ifndef MPMD_MASTER_DAEMON_H
#define MPMD_MASTER_DAEMON_H

#include <string>

namespace mpmd {

// Detaches from the terminal: fork (the parent exits 0), setsid, chdir /, stdin and stdout
// to /dev/null. stderr is left for the error log to take over.
bool daemonize(std::string* error);

// Raises the soft limit on open files to the hard limit (children inherit it): the event
// MPM holds one descriptor per idle connection, thousands per child. Returns the new limit.
unsigned long raise_file_limit();

} // namespace mpmd

#endif
