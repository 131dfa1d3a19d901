// See child_isolation.h.
#include "child/child_isolation.h"

#include "shared/error_log.h"

#include <dirent.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

namespace mpmd {

namespace {

// close_range(2) over [first, last]; false when the kernel has no such call (before 5.9).
bool close_range_of(unsigned first, unsigned last)
{
#ifdef SYS_close_range
    return syscall(SYS_close_range, first, last, 0) == 0;
#else
    (void)first;
    (void)last;
    errno = ENOSYS;
    return false;
#endif
}

// The descriptors open now, from /proc/self/fd; false when /proc cannot be read.
bool open_descriptors(std::vector<int>* out)
{
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr)
        return false;
    const int own = dirfd(dir);
    while (const dirent* entry = readdir(dir)) {
        char* end = nullptr;
        const long fd = std::strtol(entry->d_name, &end, 10);
        if (end != entry->d_name && *end == '\0' && fd != own)
            out->push_back(int(fd));
    }
    closedir(dir);
    return true;
}

bool kept(const std::vector<int>& keep, int fd) { return std::binary_search(keep.begin(), keep.end(), fd); }

} // namespace

std::vector<int> inherited_descriptors_needed(const ChildContext& context)
{
    std::vector<int> keep = {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO};
    if (context.listeners != nullptr)
        for (const ListenSocket& socket : *context.listeners)
            keep.push_back(socket.fd);
    if (error_log().is_file())
        keep.push_back(error_log().fd());
    if (context.runtime != nullptr) {
        const auto keep_logs = [&](const std::vector<AccessLogTarget>& logs) {
            for (const AccessLogTarget& log : logs)
                if (log.file && log.file->is_open())
                    keep.push_back(log.file->fd());
        };
        keep_logs(context.runtime->access_logs);
        for (const auto& logs : context.runtime->vhost_access_logs)
            keep_logs(logs);
        for (const auto& log : context.runtime->vhost_error_logs)
            if (log && log->is_file())
                keep.push_back(log->fd());
    }
    if (context.master_watch_fd >= 0)
        keep.push_back(context.master_watch_fd);
    std::sort(keep.begin(), keep.end());
    keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
    keep.erase(keep.begin(), std::lower_bound(keep.begin(), keep.end(), 0));
    return keep;
}

bool close_descriptors_except(const std::vector<int>& keep)
{
    // The gaps between the kept numbers, then everything above the last one.
    unsigned next = 0;
    bool ranges = true;
    for (size_t i = 0; i <= keep.size() && ranges; ++i) {
        const unsigned stop = i < keep.size() ? unsigned(keep[i]) : UINT_MAX;
        if (stop > next)
            ranges = close_range_of(next, i < keep.size() ? stop - 1 : UINT_MAX);
        if (i < keep.size())
            next = stop + 1;
    }
    if (ranges)
        return true;
    std::vector<int> open;
    if (open_descriptors(&open)) {
        for (int fd : open)
            if (!kept(keep, fd))
                close(fd);
        return true;
    }
    // No close_range and no /proc (an old kernel in a bare chroot): every possible number.
    const long limit = sysconf(_SC_OPEN_MAX);
    if (limit <= 0)
        return false;
    for (long fd = 0; fd < limit; ++fd)
        if (!kept(keep, int(fd)))
            close(int(fd));
    return true;
}

bool isolate_from_master(const ChildContext& context)
{
    // Handlers first: libevent's write to its signal pipe, whose number is about to be closed
    // and then reused by the child's own descriptors.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    for (int signal = 1; signal < NSIG; ++signal) {
        struct sigaction current {};
        if (sigaction(signal, nullptr, &current) != 0)
            continue;   // SIGKILL, SIGSTOP and the C library's own real-time signals
        const bool function = (current.sa_flags & SA_SIGINFO) != 0
                                  ? current.sa_sigaction != nullptr
                                  : current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN;
        if (function)
            sigaction(signal, &default_action, nullptr);
    }
    if (close_descriptors_except(inherited_descriptors_needed(context)))
        return true;
    log_errno(LogLevel::Emerg, "core", errno,
              "a new child cannot close the descriptors it inherited from the master (no close_range(2), "
              "no /proc/self/fd, no descriptor limit); it does not serve");
    return false;
}

} // namespace mpmd
