// See pid_file.h.
#include "master/pid_file.h"

#include "shared/trusted_path.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>

namespace mpmd {

namespace {

constexpr int kTemporaryTries = 16;

std::string errno_text(int err) { return std::strerror(err); }

// The directory of the pid file by the rule, with rule 3 applied to an entry already there
// (the rename would replace it; a planted one is refused all the same, to be noticed).
std::optional<TrustedDirectory> reach(const std::string& path, std::string* error)
{
    std::optional<TrustedDirectory> directory = reach_trusted_directory(path, FinalLink::Keep, error);
    if (!directory || !directory->shared())
        return directory;
    const int fd = openat(directory->fd(), directory->name().c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return directory;   // nothing there yet
    *error = shared_directory_file_problem(*directory, fd);
    close(fd);
    if (!error->empty())
        return std::nullopt;
    return directory;
}

// A name for the new file beside the pid file that nobody can have guessed in advance.
std::string temporary_name(const std::string& name)
{
    unsigned long long random = 0;
    if (getrandom(&random, sizeof random, GRND_NONBLOCK) != sizeof random)
        random = (unsigned long long)(getpid()) << 32 ^ (unsigned long long)(time(nullptr));
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, ".%016llx", random);
    return name + suffix;
}

} // namespace

bool check_pid_file(const std::string& path, std::string* error)
{
    std::string why;
    if (reach(path, &why))
        return true;
    *error = "pid file " + path + ": " + why;
    return false;
}

bool write_pid_file(const std::string& path, pid_t pid, std::string* error)
{
    std::string why;
    const std::optional<TrustedDirectory> directory = reach(path, &why);
    if (!directory) {
        *error = "cannot write pid file " + path + ": " + why;
        return false;
    }
    const int dir = directory->fd();
    std::string temporary;
    int fd = -1;
    for (int attempt = 0; attempt < kTemporaryTries && fd < 0; ++attempt) {
        temporary = temporary_name(directory->name());
        fd = openat(dir, temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        *error = "cannot create pid file " + path + " (as " + directory->path() + "/" + temporary +
                 "): " + errno_text(errno);
        return false;
    }
    const std::string text = std::to_string(pid) + "\n";
    const bool written = fchmod(fd, 0644) == 0 && write(fd, text.data(), text.size()) == ssize_t(text.size());
    const int write_errno = errno;
    close(fd);
    if (!written || renameat(dir, temporary.c_str(), dir, directory->name().c_str()) != 0) {
        *error = "cannot write pid file " + path + ": " + errno_text(written ? errno : write_errno);
        unlinkat(dir, temporary.c_str(), 0);
        return false;
    }
    return true;
}

pid_t read_pid_file(const std::string& path, std::string* error)
{
    std::string why;
    const std::optional<TrustedDirectory> directory = reach_trusted_directory(path, FinalLink::Keep, &why);
    const int fd = directory ? openat(directory->fd(), directory->name().c_str(),
                                      O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
                             : -1;
    if (fd < 0) {
        if (directory)
            why = errno == ELOOP ? "it is a symbolic link, and mpmd writes a regular file there" : errno_text(errno);
        *error = "cannot open pid file " + path + ": " + why;
        return 0;
    }
    struct stat st {};
    if (fstat(fd, &st) != 0)
        why = errno_text(errno);
    else if (!S_ISREG(st.st_mode))
        why = "it is not a regular file";
    else if (!trusted_owner(st.st_uid))
        why = "it is owned by " + describe_user(st.st_uid) + ", and mpmd -k signals the pid a pid file names only "
              "when root (or the user it runs as) owns the file (remove it)";
    if (!why.empty()) {
        close(fd);
        *error = "pid file " + path + " is not trusted: " + why;
        return 0;
    }
    char text[32] = "";
    const ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    text[got > 0 ? got : 0] = '\0';
    char* end = nullptr;
    const long value = got > 0 ? std::strtol(text, &end, 10) : 0;
    if (got <= 0 || end == text || (*end != '\n' && *end != '\0') || value <= 1 || value > 0x3fffffff) {
        *error = "pid file " + path + " does not hold a process id";
        return 0;
    }
    return pid_t(value);
}

void remove_pid_file(const std::string& path, pid_t pid)
{
    std::string ignored;
    if (read_pid_file(path, &ignored) != pid)
        return;
    if (const std::optional<TrustedDirectory> directory = reach_trusted_directory(path, FinalLink::Keep, &ignored))
        unlinkat(directory->fd(), directory->name().c_str(), 0);
}

bool process_exists(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

} // namespace mpmd
