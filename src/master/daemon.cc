// See daemon.h.
#include "master/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
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

bool write_pid_file(const std::string& path, pid_t pid, std::string* error)
{
    const std::string temporary = path + ".tmp";
    const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        *error = "cannot create pid file " + temporary + ": " + std::strerror(errno);
        return false;
    }
    const std::string text = std::to_string(pid) + "\n";
    const bool written = write(fd, text.data(), text.size()) == ssize_t(text.size());
    const int write_errno = errno;
    close(fd);
    if (!written || rename(temporary.c_str(), path.c_str()) != 0) {
        *error = "cannot write pid file " + path + ": " + std::strerror(written ? errno : write_errno);
        unlink(temporary.c_str());
        return false;
    }
    return true;
}

pid_t read_pid_file(const std::string& path, std::string* error)
{
    FILE* file = std::fopen(path.c_str(), "re");
    if (file == nullptr) {
        *error = "cannot open pid file " + path + ": " + std::strerror(errno);
        return 0;
    }
    char text[32] = "";
    const bool got = std::fgets(text, sizeof text, file) != nullptr;
    std::fclose(file);
    char* end = nullptr;
    const long value = got ? std::strtol(text, &end, 10) : 0;
    if (!got || end == text || (*end != '\n' && *end != '\0') || value <= 1 || value > 0x3fffffff) {
        *error = "pid file " + path + " does not hold a process id";
        return 0;
    }
    return pid_t(value);
}

void remove_pid_file(const std::string& path, pid_t pid)
{
    std::string ignored;
    if (read_pid_file(path, &ignored) == pid)
        unlink(path.c_str());
}

bool process_exists(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

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
