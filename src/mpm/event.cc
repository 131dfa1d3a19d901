// The event MPM: like worker, but the child's main thread runs a libevent loop that
//   - accepts connections, and reads each once at its accept (read_first_request: a client
//     usually sends its request with the connection, which then goes to a worker at once),
//   - holds each Connection (child/connection.h) while it waits for the client, without a
//     thread: while its request head arrives (a client that sends its headers slowly holds
//     no worker: slowloris costs a descriptor, not a thread; apache2's event MPM gives a
//     thread at the first byte), between requests when kept alive, and while it lingers
//     after its last reply. The loop only turns readiness and deadlines into the
//     connection's on_readable() and on_deadline(); the connection itself decides (its
//     parser says when a head is whole or hopeless, it answers 408, it lingers),
// and hands a connection to a worker thread only when there is a request to serve
// (serve_ready, child/connection_drivers.h); the worker gives it back when it would wait.
// A child accepts only while a worker thread is idle, and stops while too many requests
// wait for a worker (ThreadsPerChild x AsyncRequestWorkerFactor) or it holds as many
// connections as its descriptor limit allows, so other children take the load.
// Runs in: master (policy, via ThreadedMpm), children (event loop and workers).
// Leans on: libevent (event_base, event_new with timeouts), accept4(2), eventfd(2).
#include "child/child_signals.h"
#include "child/connection.h"
#include "child/connection_drivers.h"
#include "child/connection_limit.h"
#include "mpm/mpm_registry.h"
#include "mpm/threaded_mpm.h"
#include "mpm/worker_pool.h"
#include "shared/error_log.h"

#include <event2/event.h>

#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>
#include <unordered_set>

namespace mpmd {

namespace {

constexpr int kHousekeepingMs = 100;
// A new connection is expected to bring its whole request within moments, so until its
// first bytes arrive (for at most this long) it reserves one of the child's idle workers:
// a burst of new clients is spread over children with free threads instead of queueing
// behind one. A client whose first bytes are not a whole head, or who stays silent, stops
// counting, so slow or hostile clients cannot stop a child accepting.
constexpr int64_t kReserveMs = 500;
// Descriptors kept free for files, logs and the like when sizing the connection budget.
constexpr rlim_t kReservedFds = 64;

int64_t monotonic_ms()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

struct timeval as_timeval(int64_t ms)
{
    if (ms < 0)
        ms = 0;
    return timeval{time_t(ms / 1000), suseconds_t((ms % 1000) * 1000)};
}

class EventListener;

// A connection the loop holds while it waits for the client (ReadHead, KeepAlive, Linger).
struct Held {
    EventListener* owner = nullptr;
    std::unique_ptr<Connection> connection;
    event* ev = nullptr;
    int64_t accepted_ms = 0;
    bool reserving = false;    // new, and still reserving an idle worker (kReserveMs)
};

class EventListener {
public:
    EventListener(const ChildContext& context, const ThreadedConfig& config, ConnectionQueue& queue)
        : context_(context), config_(config), queue_(queue),
          env_{context.runtime, context.master_watch_fd, context.scoreboard}
    {
    }
    ~EventListener();

    bool setup();
    void run() { event_base_dispatch(base_); }
    // Worker threads give back the connections that wait for the client: kept alive, with
    // the next head arriving, or lingering after their last reply.
    static void park(void* self, std::unique_ptr<Connection> connection);

private:
    static void on_accept(evutil_socket_t fd, short what, void* self);
    static void on_client(evutil_socket_t fd, short what, void* held);
    static void on_parked(evutil_socket_t fd, short what, void* self);
    static void on_leave(evutil_socket_t fd, short what, void* self);
    static void on_master_gone(evutil_socket_t fd, short what, void* self);
    static void on_housekeeping(evutil_socket_t fd, short what, void* self);
    static void on_worker_idle(evutil_socket_t fd, short what, void* self);

    void hold(std::unique_ptr<Connection> connection, bool fresh);
    void arm(Held* held);
    void client_event(Held* held, short what);
    void drop(Held* held);
    void dispatch(Held* held);
    void forget(Held* held);
    bool may_accept() const;
    void set_accepting(bool on);
    void update_accepting();
    void begin_leaving();
    void publish_count();

    const ChildContext& context_;
    const ThreadedConfig& config_;
    ConnectionQueue& queue_;
    const ConnectionEnv env_;
    event_base* base_ = nullptr;
    std::vector<event*> accept_events_;
    std::vector<event*> control_events_;
    bool accepting_ = false;
    bool leaving_ = false;
    uint64_t accepted_ = 0;
    std::unordered_set<Held*> held_;
    size_t reserving_ = 0;   // held connections with reserving set
    size_t max_held_ = 1000;
    int parked_fd_ = -1;
    int idle_fd_ = -1;
    std::mutex parked_mutex_;
    std::vector<std::unique_ptr<Connection>> parked_;
};

EventListener::~EventListener()
{
    for (Held* held : held_) {
        event_free(held->ev);
        delete held;   // and its connection, closed
    }
    for (event* e : accept_events_)
        event_free(e);
    for (event* e : control_events_)
        event_free(e);
    if (base_)
        event_base_free(base_);
    if (parked_fd_ >= 0)
        close(parked_fd_);
    if (idle_fd_ >= 0)
        close(idle_fd_);
}

bool EventListener::setup()
{
    base_ = event_base_new();
    parked_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (base_ == nullptr || parked_fd_ < 0)
        return false;
    struct rlimit files {};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur > 2 * kReservedFds)
        max_held_ = size_t(files.rlim_cur - kReservedFds);
    for (size_t i = 0; i < context_.listeners->size(); ++i) {
        event* e = event_new(base_, (*context_.listeners)[i].fd, EV_READ | EV_PERSIST, on_accept, this);
        accept_events_.push_back(e);
    }
    auto control = [this](int fd, event_callback_fn fn, short flags) {
        if (fd < 0)
            return;
        event* e = event_new(base_, fd, flags, fn, this);
        control_events_.push_back(e);
        event_add(e, nullptr);
    };
    control(parked_fd_, on_parked, EV_READ | EV_PERSIST);
    idle_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (idle_fd_ < 0)
        return false;
    queue_.notify_idle_on(idle_fd_);
    control(idle_fd_, on_worker_idle, EV_READ | EV_PERSIST);
    control(child_leave_fd(), on_leave, EV_READ);
    control(context_.master_watch_fd, on_master_gone, EV_READ);
    event* tick = event_new(base_, -1, EV_PERSIST, on_housekeeping, this);
    const struct timeval every = as_timeval(kHousekeepingMs);
    event_add(tick, &every);
    control_events_.push_back(tick);
    set_accepting(true);
    return true;
}

// New connections are taken only while a worker thread is idle (one neither claimed by a
// waiting request nor reserved by a connection just accepted, see kReserveMs): a child
// whose threads are all busy leaves new clients to its siblings.
// Requests from connections it already holds may still wait for a thread, up to
// ThreadsPerChild x AsyncRequestWorkerFactor; past that, or at the descriptor budget, it
// takes none either. Idle connections cost no thread, so thousands fit in one child.
bool EventListener::may_accept() const
{
    const size_t waiting_limit = size_t(config_.threads_per_child) *
                                 size_t(std::max<long long>(config_.async_request_worker_factor, 100)) / 100;
    return !leaving_ && held_.size() < max_held_ && queue_.idle_workers() > reserving_ &&
           queue_.waiting() < waiting_limit;
}

void EventListener::set_accepting(bool on)
{
    if (on == accepting_)
        return;
    accepting_ = on;
    for (event* e : accept_events_) {
        if (on)
            event_add(e, nullptr);
        else
            event_del(e);
    }
}

// Accepts while may_accept(); while it may not, asks the workers for a notice when one
// becomes idle (on_worker_idle), then looks again in case one became idle meanwhile.
void EventListener::update_accepting()
{
    if (!may_accept()) {
        queue_.request_idle_notice();
        set_accepting(may_accept());
        return;
    }
    set_accepting(true);
}

void EventListener::publish_count()
{
    __atomic_store_n(&context_.scoreboard->process(context_.slot).connections, uint32_t(held_.size()),
                     __ATOMIC_RELAXED);
}

void EventListener::on_accept(evutil_socket_t fd, short, void* self)
{
    auto* me = static_cast<EventListener*>(self);
    int port = 0;
    for (const ListenSocket& s : *me->context_.listeners)
        if (s.fd == fd)
            port = s.port;
    // A few per wake-up: fair to the other children that share the listener.
    for (int i = 0; i < 16 && me->may_accept(); ++i) {
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        const int client = accept4(fd, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client < 0) {
            if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                log_errno(LogLevel::Error, "mpm_event", errno, "accept4 failed");
            break;
        }
        auto connection = std::make_unique<Connection>(me->env_, make_plain_transport(client), peer, port);
        read_first_request(*connection);
        switch (connection->state()) {
        case Connection::State::Closed:
            break;
        case Connection::State::Handle:
            me->queue_.push(std::move(connection));   // a whole request came with it
            break;
        default: {
            // Part of a head already in: a slow head, which does not reserve a worker.
            const bool fresh = !connection->request_begun();
            me->hold(std::move(connection), fresh);
            break;
        }
        }
        const uint64_t max_connections = me->context_.max_connections;
        if (max_connections != 0 && ++me->accepted_ >= max_connections) {
            log_connection_limit_reached("mpm_event", me->context_);
            me->begin_leaving();   // stop accepting; what is held is served to its end
            break;
        }
    }
    me->update_accepting();
}

// A new connection (`fresh`: it reserves an idle worker for a moment, see kReserveMs) or one
// a worker gave back.
void EventListener::hold(std::unique_ptr<Connection> connection, bool fresh)
{
    auto* held = new Held;
    held->owner = this;
    held->connection = std::move(connection);
    held->accepted_ms = monotonic_ms();
    held->reserving = fresh;
    reserving_ += held->reserving;
    held->ev = event_new(base_, held->connection->fd(), EV_READ, on_client, held);
    held_.insert(held);
    publish_count();
    arm(held);
}

// Waits for the connection's next bytes until its deadline (both the connection's).
void EventListener::arm(Held* held)
{
    const struct timeval left = as_timeval(held->connection->deadline_ms() - monotonic_ms());
    event_add(held->ev, &left);
}

void EventListener::on_client(evutil_socket_t, short what, void* arg)
{
    auto* held = static_cast<Held*>(arg);
    held->owner->client_event(held, what);
}

void EventListener::client_event(Held* held, short what)
{
    Connection& c = *held->connection;
    if (what & EV_TIMEOUT)
        c.on_deadline();
    else
        c.on_readable();
    switch (c.state()) {
    case Connection::State::Closed:
        drop(held);
        return;
    case Connection::State::Handle:
        dispatch(held);
        return;
    default:
        break;
    }
    if (held->reserving) {
        held->reserving = false;   // a slow head: it will not need a worker soon
        --reserving_;
        update_accepting();
    }
    arm(held);
}

void EventListener::drop(Held* held)
{
    event_free(held->ev);
    forget(held);   // the connection goes with it, closed
}

void EventListener::forget(Held* held)
{
    reserving_ -= held->reserving;
    held_.erase(held);
    delete held;
    publish_count();
}

void EventListener::dispatch(Held* held)
{
    event_free(held->ev);
    queue_.push(std::move(held->connection));
    forget(held);
}

void EventListener::park(void* self, std::unique_ptr<Connection> connection)
{
    auto* me = static_cast<EventListener*>(self);
    bool first;
    {
        std::lock_guard<std::mutex> lock(me->parked_mutex_);
        first = me->parked_.empty();
        me->parked_.push_back(std::move(connection));
    }
    // Only the connection that makes the list non-empty wakes the loop: on_parked reads the
    // eventfd before it takes the whole list, so the ones parked behind it are taken by the
    // same wake-up (a busy child saves an eventfd write and read per connection).
    if (first) {
        const uint64_t one = 1;
        const ssize_t ignored = write(me->parked_fd_, &one, sizeof one);
        (void)ignored;
    }
}

void EventListener::on_parked(evutil_socket_t fd, short, void* self)
{
    auto* me = static_cast<EventListener*>(self);
    uint64_t count;
    const ssize_t ignored = read(fd, &count, sizeof count);
    (void)ignored;
    std::vector<std::unique_ptr<Connection>> parked;
    {
        std::lock_guard<std::mutex> lock(me->parked_mutex_);
        parked.swap(me->parked_);
    }
    for (std::unique_ptr<Connection>& c : parked) {
        if (child_hurrying() && c->idle())
            c.reset();   // restarting: idle and lingering connections end now
        else
            me->hold(std::move(c), false);
    }
}

void EventListener::on_worker_idle(evutil_socket_t fd, short, void* self)
{
    auto* me = static_cast<EventListener*>(self);
    uint64_t count;
    const ssize_t ignored = read(fd, &count, sizeof count);
    (void)ignored;
    me->update_accepting();
}

void EventListener::begin_leaving()
{
    if (leaving_)
        return;
    leaving_ = true;
    set_accepting(false);
}

void EventListener::on_leave(evutil_socket_t, short, void* self) { static_cast<EventListener*>(self)->begin_leaving(); }

void EventListener::on_master_gone(evutil_socket_t, short, void* self)
{
    auto* me = static_cast<EventListener*>(self);
    log_error(LogLevel::Info, "mpm_event", "master process is gone; child %d leaves", int(getpid()));
    set_child_leaving();
    me->begin_leaving();
    event_base_loopbreak(me->base_);
}

// Every 100 ms: expire reservations; resume accepting when there is room again; while leaving, close idle
// connections a restart does not wait for, and end the loop once nothing is held and no
// worker is busy.
void EventListener::on_housekeeping(evutil_socket_t, short, void* self)
{
    auto* me = static_cast<EventListener*>(self);
    if (me->reserving_ > 0) {
        const int64_t expired = monotonic_ms() - kReserveMs;
        for (Held* held : me->held_) {
            if (held->reserving && held->accepted_ms <= expired) {
                held->reserving = false;
                --me->reserving_;
            }
        }
    }
    if (!me->leaving_) {
        me->update_accepting();
        return;
    }
    if (child_hurrying()) {
        std::vector<Held*> idle;
        for (Held* held : me->held_)
            if (held->connection->idle())
                idle.push_back(held);
        for (Held* held : idle)
            me->drop(held);
    }
    bool parked_empty;
    {
        std::lock_guard<std::mutex> lock(me->parked_mutex_);
        parked_empty = me->parked_.empty();
    }
    if (me->held_.empty() && parked_empty && me->queue_.waiting() == 0 &&
        me->queue_.idle_workers() >= uint32_t(me->config_.threads_per_child))
        event_base_loopbreak(me->base_);
}

class EventMpm final : public ThreadedMpm {
public:
    const char* name() const override { return "event"; }
    int run_child(ChildContext& context) override;

protected:
    const ThreadedConfig& settings(const LoadedConfig& config) const override { return config.event; }
};

int EventMpm::run_child(ChildContext& context)
{
    const ThreadedConfig& config = context.config->event;
    ConnectionQueue queue;
    int status = 0;
    {
        EventListener listener(context, config, queue);
        if (!listener.setup()) {
            log_error(LogLevel::Emerg, "mpm_event", "cannot set up the event loop");
            return 1;
        }
        WorkerPool pool(context, uint32_t(config.threads_per_child), queue, EventListener::park, &listener);
        pool.start();
        listener.run();
        set_child_leaving();
        queue.close();
        pool.join();   // before the listener goes: workers may still park connections
    }
    return status;
}

} // namespace

Mpm& event_mpm()
{
    static EventMpm event;
    return event;
}

} // namespace mpmd
