// See accept_set.h.
#include "mpm/accept_set.h"

#include "child/child_signals.h"
#include "shared/error_log.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace mpmd {

// How long a child that steps back leaves a connection to the child the kernel woke for it
// (see next): a woken thread on a loaded machine runs within a few hundred
// microseconds as a rule, and the pause costs that child only.
constexpr long kStepBackUs = 2000;

AcceptSet::AcceptSet(const ChildContext& context, const char* module) : context_(context), module_(module)
{
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) {
        log_errno(LogLevel::Emerg, module_, errno, "epoll_create1 failed");
        return;
    }
    const auto& listeners = *context.listeners;
    for (size_t i = 0; i < listeners.size(); ++i)
        watch_listener(i);
    // Tags past the listeners' indexes: the master watch, the leave eventfd, and the stop
    // eventfd once stop() makes it.
    const int controls[2] = {context.master_watch_fd, child_leave_fd()};
    for (uint64_t k = 0; k < 2; ++k) {
        struct epoll_event ev {};
        ev.events = EPOLLIN;
        ev.data.u64 = listeners.size() + k;
        if (controls[k] >= 0)
            epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, controls[k], &ev);
    }
}

void AcceptSet::watch_listener(size_t index)
{
    struct epoll_event ev {};
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.u64 = index;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, (*context_.listeners)[index].fd, &ev);
}

void AcceptSet::go_last()
{
    if (epoll_fd_ < 0)
        return;
    const auto& listeners = *context_.listeners;
    for (size_t i = 0; i < listeners.size(); ++i) {
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listeners[i].fd, nullptr);
        watch_listener(i);
    }
}

AcceptSet::~AcceptSet()
{
    if (epoll_fd_ >= 0)
        close(epoll_fd_);
    if (stop_fd_ >= 0)
        close(stop_fd_);
}

// Made only here, since few children ever stop this way: an eventfd that is readable from
// the start, so adding it wakes every thread in epoll_wait and every later wait returns.
void AcceptSet::stop()
{
    if (stop_fd_ >= 0 || epoll_fd_ < 0)
        return;
    stop_fd_ = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);
    if (stop_fd_ < 0) {
        log_errno(LogLevel::Error, module_, errno, "eventfd failed; the threads stop at their next wake-up");
        return;
    }
    struct epoll_event ev {};
    ev.events = EPOLLIN;
    ev.data.u64 = context_.listeners->size() + 2;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, stop_fd_, &ev);
}

AcceptSet::Outcome AcceptSet::next(AcceptedSocket* out, bool step_back)
{
    if (step_back)
        go_last();
    const auto& listeners = *context_.listeners;
    struct epoll_event events[8];
    const int n = epoll_wait(epoll_fd_, events, 8, -1);
    if (n < 0) {
        if (errno == EINTR)
            return Outcome::Nothing;
        log_errno(LogLevel::Emerg, module_, errno, "epoll_wait failed");
        return Outcome::Failed;
    }
    bool leave = false;
    bool listener_ready = false;
    for (int i = 0; i < n; ++i) {
        const uint64_t which = events[i].data.u64;
        if (which == listeners.size())
            return Outcome::MasterGone;
        if (which == listeners.size() + 1 || which == listeners.size() + 2)
            leave = true;
        listener_ready = listener_ready || which < listeners.size();
    }
    if (listener_ready && step_back) {
        const struct timespec pause = {0, kStepBackUs * 1000};
        nanosleep(&pause, nullptr);
    }
    for (int i = 0; i < n; ++i) {
        if (events[i].data.u64 >= listeners.size())
            continue;
        const ListenSocket& listener = listeners[events[i].data.u64];
        socklen_t length = sizeof out->peer;
        out->fd = accept4(listener.fd, reinterpret_cast<sockaddr*>(&out->peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (out->fd >= 0) {
            out->local_port = listener.port;
            out->proxy = listener.proxy;
            out->https = listener.https;
            return Outcome::Accepted;   // one at a time: the rest wake another waiter
        }
        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
            log_errno(LogLevel::Error, module_, errno, "accept4 failed");
    }
    return leave ? Outcome::Leave : Outcome::Nothing;
}

bool AcceptSet::master_gone() const
{
    if (context_.master_watch_fd < 0)
        return false;
    struct pollfd watch = {context_.master_watch_fd, POLLIN, 0};
    return poll(&watch, 1, 0) > 0;
}

} // namespace mpmd
