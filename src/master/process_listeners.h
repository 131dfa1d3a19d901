// Which addresses a running master listens on, read from /proc, so `mpmd -k graceful` can
// tell "this port is in use by the server being restarted" (fine: it keeps the socket) from
// "in use by someone else" (the restart would be refused).
// Runs in: the mpmd command that sends -k (never in the master or a child).
// Leans on: proc(5): /proc/PID/fd (socket:[inode] links); sock_diag(7) for the listening
// sockets and their inodes, else /proc/PID/net/tcp and tcp6 (state 0A is LISTEN; addresses
// are the kernel's words in host byte order).
#ifndef MPMD_MASTER_PROCESS_LISTENERS_H
#define MPMD_MASTER_PROCESS_LISTENERS_H

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

// Keys in ListenSocket's shape ("127.0.0.1:8080", "[::]:80") of the listening TCP sockets
// `pid` holds; nullopt when its descriptors cannot be read (another user, no /proc).
std::optional<std::vector<std::string>> listening_keys_of(pid_t pid);

// One line of /proc/net/tcp or tcp6: its local address as a key and its inode, when the
// socket is listening. Exposed for the unit tests.
struct ProcSocketLine {
    std::string key;
    unsigned long inode = 0;
};
std::optional<ProcSocketLine> parse_listening_line(std::string_view line, bool ipv6);

} // namespace mpmd

#endif
