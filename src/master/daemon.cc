// See daemon.h.
#include "master/daemon.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mpmd {

bool daemonize(std::string* error)
{
    const pid_t pid = fork();
    if (pid < 0) {
        *error = std::string("fork: ") + std::strerror(errno);
        return false;
    }
    if (pid > 0)
        _exit(0);
    if (setsid() < 0) {
        *error = std::string("setsid: ") + std::strerror(errno);
        return false;
    }
    if (chdir("/") != 0) {
        *error = std::string("chdir /: ") + std::strerror(errno);
        return false;
    }
    const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        if (null > STDERR_FILENO)
            close(null);
    }
    return true;
}

unsigned long raise_file_limit()
{
    struct rlimit files {};
    if (getrlimit(RLIMIT_NOFILE, &files) != 0)
        return 0;
    if (files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
        getrlimit(RLIMIT_NOFILE, &files);
    }
    return static_cast<unsigned long>(files.rlim_cur);
}

} // namespace mpmd
