// See socket_wait.h.
#include "child/socket_wait.h"

#include "child/child_signals.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

namespace mpmd {

Wait wait_until_ready(int fd, short events, int64_t deadline_ms, int master_watch_fd, bool idle,
                      const Clock& clock)
{
    for (;;) {
        if (idle && child_hurrying())
            return Wait::Hurried;
        const int64_t left = deadline_ms - clock.monotonic_ms();
        if (left <= 0)
            return Wait::Timeout;
        struct pollfd fds[3] = {{fd, events, 0}, {master_watch_fd, POLLIN, 0}, {idle ? child_hurry_fd() : -1, POLLIN, 0}};
        // At most a minute at a time, so a deadline moved by a clock change is seen again.
        const int n = poll(fds, 3, int(std::min<int64_t>(left, 60000)));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return Wait::Error;
        }
        if (n == 0)
            continue;   // re-check the deadline
        if (fds[1].revents)
            return Wait::MasterGone;
        if (fds[2].revents)
            return Wait::Hurried;
        if (fds[0].revents & (events | POLLHUP | POLLERR))
            return Wait::Ready;
    }
}

} // namespace mpmd
