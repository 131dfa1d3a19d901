// Starting a CGI script: a process of its own (its own session, so its whole process group
// can be killed), with the request body on its stdin and its stdout and stderr read by the
// serving thread through pipes; nothing else of the serving process: only descriptors 0-2,
// the environment cgi_environment() built, signals at their defaults, the script's
// directory as its working directory (RFC 3875 9.3 leaves this open; Apache does the same).
//
// Who forks it (CgiLauncher):
//   - prefork's child forks the script itself (mod_cgi): it has one thread;
//   - a worker or event child never forks with its threads running. At its start, while it
//     still has one thread, it forks a small helper (mod_cgid's daemon, one per child) and
//     keeps a socket to it. For each script a serving thread makes a socketpair and sends
//     one end to the helper; the helper forks at once, and that new process reads the
//     command from the socket, makes the pipes, sends their far ends back with its pid,
//     and becomes the script. The helper keeps its copy of the socket: when the serving
//     thread closes its end (the request is over, or its child died), a script still
//     running is killed, its group with it, and reaped. The helper ends when its child
//     does (its socket closes; PR_SET_PDEATHSIG besides).
// Either way a script dies with what started it (PR_SET_PDEATHSIG), so a child the
// RequestTimeout watchdog kills takes its stuck script along.
// Runs in: children (serving threads), the helper, the script's process before execve.
// Leans on: fork(2), execve(2), setsid(2), pipe2(2), socketpair(2), unix(7) SCM_RIGHTS,
// prctl(2) PR_SET_PDEATHSIG, signalfd(2), waitpid(2), kill(2).
#ifndef MPMD_CHILD_CGI_LAUNCH_H
#define MPMD_CHILD_CGI_LAUNCH_H

#include "shared/unique_fd.h"

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace mpmd {

struct CgiCommand {
    std::string program;              // the script's file, absolute
    std::string directory;            // its working directory
    std::vector<std::string> env;     // "NAME=value"
};

// A running script: the serving side's ends of its pipes (non-blocking, close-on-exec).
struct CgiProcess {
    pid_t pid = -1;
    UniqueFd stdin_fd;    // write the request body here; close it at the body's end
    UniqueFd stdout_fd;
    UniqueFd stderr_fd;
    UniqueFd channel;     // helper mode: closing it ends the script (see above)
};

class CgiLauncher {
public:
    virtual ~CgiLauncher() = default;
    // Starts the script; false with *problem set (fork or pipe failed, the helper is gone).
    virtual bool launch(const CgiCommand& command, CgiProcess* process, std::string* problem) = 0;
    // The request is over: a script still running is killed (SIGKILL to its group) and
    // reaped; returns its wait status when this side reaped it, else -1.
    virtual int finish(CgiProcess& process) = 0;
};

// prefork: forks here.
std::unique_ptr<CgiLauncher> make_forking_launcher();
// worker, event: forks the helper now (call while the process has one thread); nullptr with
// *problem set when it cannot.
std::unique_ptr<CgiLauncher> make_helper_launcher(std::string* problem);

} // namespace mpmd

#endif
