// PidFile: how `mpmd -k` and init scripts find the master. Written after daemonizing (so it
// holds the daemon's pid) as a new file renamed into place (never half written, and never
// written through a link), and removed when the master stops. Read by `mpmd -k`, which
// then signals the pid it names as root: so a pid file is only ever trusted when it is
// reached by the rule of trusted_path.h and is a regular file root (or the user mpmd runs
// as) owns; one another user could have written is refused, never read.
// Runs in: master (check, write, remove), and the `mpmd -k` command (read).
// Leans on: reach_trusted_directory (trusted_path.h), openat(2) O_EXCL|O_NOFOLLOW,
// renameat(2), unlinkat(2), getrandom(2) for the temporary name, kill(2) with 0.
#ifndef MPMD_MASTER_PID_FILE_H
#define MPMD_MASTER_PID_FILE_H

#include <sys/types.h>

#include <string>

namespace mpmd {

// Whether write_pid_file could write `path`, checked before daemonizing so that a refusal
// reaches the terminal; false with *error set ("pid file PATH: why").
bool check_pid_file(const std::string& path, std::string* error);
// Writes "PID\n" atomically (a temporary file in the same directory, then rename), mode 0644.
// A link at `path` is replaced, not followed (and one another user made is refused).
bool write_pid_file(const std::string& path, pid_t pid, std::string* error);
// The pid in the file, or 0 with *error set (missing, untrusted, unreadable, not a number).
pid_t read_pid_file(const std::string& path, std::string* error);
// Removes the file only if it still names `pid` (a new master may have replaced it).
void remove_pid_file(const std::string& path, pid_t pid);
bool process_exists(pid_t pid);

} // namespace mpmd

#endif
