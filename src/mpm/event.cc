// The event MPM: like worker, but
//   - an accepting thread waits on the listeners as worker's threads do (AcceptSet,
//     EPOLLEXCLUSIVE, so the kernel wakes one child per new connection instead of every
//     child's loop), only while a worker thread is idle, and hands each new socket to the
//     loop;
//   - the child's main thread runs a libevent loop that makes each Connection
//     (child/connection.h), reads it once (read_first_request: by then its request has
//     usually come) and holds it while it waits for the client, without a thread: while
//     its request head arrives (a client that sends its headers slowly holds no worker:
//     slowloris costs a descriptor, not a thread; apache2's event MPM gives a thread at
//     the first byte), between requests when kept alive, and while it lingers after its
//     last reply. The loop turns readiness and deadlines into the connection's
//     on_readable() and on_deadline(); the connection itself decides (its parser says
//     when a head is whole or hopeless, it answers 408, it lingers).
// The loop answers itself a request that needs no wait for the client (a whole request
// without a body to read, Connection::answerable_at_once), as nginx's loop does, and
// reports it in a worker record of its own (the one after the worker threads', when
// ThreadLimit leaves room; otherwise every request goes to a worker). It hands a connection
// to a worker thread when a request may wait (a body to read, a test build's fault hook)
// or its reply fills the socket (serve_ready, child/connection_drivers.h); the worker
// gives it back when it would wait.
// A child accepts only while a worker thread is idle (and not reserved by a connection just
// accepted, kReserveMs), and stops while too many requests wait for a worker (ThreadsPerChild
// x AsyncRequestWorkerFactor) or it holds as many connections as its descriptor limit
// allows, so other children take the load.
// Runs in: master (policy, via ThreadedMpm), children (event loop and workers).
// Leans on: libevent (event_base, event_new with timeouts, event_assign to reuse an
// event), accept_set.h, eventfd(2).
#include "child/child_signals.h"
#include "child/connection.h"
#include "child/connection_drivers.h"
#include "child/connection_limit.h"
#include "mpm/accept_set.h"
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
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mpmd {

namespace {

constexpr int kHousekeepingMs = 100;
// How often an accepting thread that waits for an idle worker looks up (signals, the
// master's death, reservations that expired: none of these wakes it).
constexpr int kIdleWaitMs = 100;
// A new connection is expected to bring its whole request within moments, so until its
// first bytes arrive (for at most this long) it reserves one of the child's idle workers:
// a burst of new clients is spread over children with free threads instead of queueing
// behind one. A client whose first bytes are not a whole head, or who stays silent, stops
// counting, so slow or hostile clients cannot stop a child accepting.
constexpr int64_t kReserveMs = 500;
// Descriptors kept free for files, logs and the like when sizing the connection budget.
constexpr rlim_t kReservedFds = 64;
// Requests of one connection (pipelined) the loop or the accepting thread answers in one go
// before the connection goes to a worker, so one client cannot hold either.
constexpr int kLoopAnswersPerWake = 16;

// Answers the requests the connection has in hand that need no wait for the client (at
// most kLoopAnswersPerWake), counted in `report`: the accepting thread's or the loop's.
void answer_in_hand(Connection& connection, WorkerReport& report)
{
    if (!connection.answerable_at_once())
        return;
    report.connection_started(connection.client());
    for (int n = 0; n < kLoopAnswersPerWake && connection.answerable_at_once(); ++n)
        connection.answer_at_once(report);
    report.set_status(WorkerStatus::Ready);
}

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
// A Held and its event outlive the connection: the loop keeps the ones it let go and gives
// them to the next connections (event_assign), so a kept-alive connection that goes to a
// worker and back for each request costs no allocation (part 7). The event is persistent
// (EV_PERSIST, see arm()) and leaves the loop only with the connection (forget()).
struct Held {
    EventListener* owner = nullptr;
    std::unique_ptr<Connection> connection;
    event* ev = nullptr;       // never pending while the Held is spare
    size_t index = 0;          // its place in EventListener::held_
    int64_t accepted_ms = 0;
    bool reserving = false;    // new, and still reserving an idle worker (kReserveMs)
    bool lingering = false;    // counted in EventListener::lingering_
};

class EventListener {
public:
    EventListener(const ChildContext& context, const ThreadedConfig& config, ConnectionQueue& queue)
        : context_(context), config_(config), queue_(queue),
          env_{context.runtime, context.master_watch_fd, context.scoreboard, &system_clock(), getpid(), context.cgi}
    {
    }
    ~EventListener();

    bool setup();
    void run() { event_base_dispatch(base_); }
    // The loop has ended: its record says so, as a worker thread's does.
    void finish()
    {
        if (loop_report_)
            loop_report_->set_status(WorkerStatus::Graceful);
    }
    // The accepting thread's loop (see the top of this file); returns once the child leaves,
    // its master is gone, or at MaxConnectionsPerChild.
    void accept_connections();
    // Worker threads give back the connections that wait for the client: kept alive, with
    // the next head arriving, or lingering after their last reply.
    static void park(void* self, std::unique_ptr<Connection> connection);

private:
    // A connection a worker gave back, or a socket the accepting thread just accepted
    // (counted in reserving_ until the loop knows what it brings).
    struct Parked {
        std::unique_ptr<Connection> connection;
        AcceptedSocket accepted;
        bool fresh = false;   // from the accepting thread with no byte yet: reserving a worker
    };

    static void on_client(evutil_socket_t fd, short what, void* held);
    static void leave_epoll(void* held);
    static void on_parked(evutil_socket_t fd, short what, void* self);
    static void on_leave(evutil_socket_t fd, short what, void* self);
    static void on_master_gone(evutil_socket_t fd, short what, void* self);
    static void on_housekeeping(evutil_socket_t fd, short what, void* self);

    void hold(std::unique_ptr<Connection> connection, bool fresh);
    void arm(Held* held);
    void client_event(Held* held, short what);
    void drop(Held* held);
    void dispatch(Held* held);
    void forget(Held* held);
    void answer_here(Held* held);
    void give_to_loop(Parked parked);
    void take_new(const AcceptedSocket& accepted);
    void answer_accepted(const AcceptedSocket& accepted, WorkerReport& report);
    bool may_accept() const;
    bool above_share() const;
    uint32_t in_hand() const;
    void publish_in_hand();
    void begin_leaving();
    void publish_count();
    void end_reservation(Held* held);
    void count_lingering(Held* held, bool lingering);

    const ChildContext& context_;
    const ThreadedConfig& config_;
    ConnectionQueue& queue_;
    const ConnectionEnv env_;
    // The loop's own worker record (absent when ThreadLimit leaves none after the workers').
    std::optional<WorkerReport> loop_report_;
    event_base* base_ = nullptr;
    std::vector<event*> control_events_;
    bool leaving_ = false;                 // the loop's: it ends once nothing is left
    std::vector<Held*> held_;              // the loop's; each Held knows its index
    std::vector<Held*> spare_held_;        // the loop's: let go, with their events, for reuse
    size_t max_held_ = 1000;
    uint32_t lingering_ = 0;               // the loop's: held_ in a lingering close
    // Read by the accepting thread for may_accept(). reserving_ counts fresh connections
    // from their hand-over to the loop until their reservation ends (the accepting thread
    // adds, the loop subtracts); held_count_ mirrors held_.size().
    std::atomic<size_t> reserving_{0};
    std::atomic<size_t> held_count_{0};
    // Connections handed to the loop (give_to_loop) and taken in by it (on_parked): their
    // difference is on the way, counted as held by in_hand().
    std::atomic<uint64_t> handed_{0};
    std::atomic<uint64_t> taken_{0};
    std::atomic<bool> accepting_done_{false};   // the accepting thread has returned
    int parked_fd_ = -1;
    std::mutex parked_mutex_;
    std::vector<Parked> parked_;
    // The loop's: the list it takes the parked connections into. The two lists trade
    // places at each take, so both keep their capacity (no allocation per hand-back).
    std::vector<Parked> taking_;
};

EventListener::~EventListener()
{
    for (std::vector<Held*>* list : {&held_, &spare_held_}) {
        for (Held* held : *list) {
            event_free(held->ev);
            delete held;   // and its connection, closed
        }
    }
    for (event* e : control_events_)
        event_free(e);
    if (base_)
        event_base_free(base_);
    if (parked_fd_ >= 0)
        close(parked_fd_);
    for (const Parked& p : parked_)
        if (!p.connection && p.accepted.fd >= 0)
            close(p.accepted.fd);   // accepted, never taken: the loop ended first
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
    auto control = [this](int fd, event_callback_fn fn, short flags) {
        if (fd < 0)
            return;
        event* e = event_new(base_, fd, flags, fn, this);
        control_events_.push_back(e);
        event_add(e, nullptr);
    };
    control(parked_fd_, on_parked, EV_READ | EV_PERSIST);
    control(child_leave_fd(), on_leave, EV_READ);
    control(context_.master_watch_fd, on_master_gone, EV_READ);
    event* tick = event_new(base_, -1, EV_PERSIST, on_housekeeping, this);
    const struct timeval every = as_timeval(kHousekeepingMs);
    event_add(tick, &every);
    control_events_.push_back(tick);
    const uint32_t loop_record = uint32_t(config_.threads_per_child);
    if (loop_record < context_.scoreboard->thread_limit()) {
        loop_report_.emplace(context_.scoreboard->worker(context_.slot, loop_record));
        loop_report_->start(getpid(), context_.generation);
        loop_report_->set_status(WorkerStatus::Ready);
    }
    return true;
}

// New connections are taken only while a worker thread is idle (one neither claimed by a
// waiting request nor reserved by a connection just accepted, see kReserveMs): a child
// whose threads are all busy leaves new clients to its siblings.
// Requests from connections it already holds may still wait for a thread, up to
// ThreadsPerChild x AsyncRequestWorkerFactor; past that, or at the descriptor budget, it
// takes none either. Idle connections cost no thread, so thousands fit in one child.
// Runs on the accepting thread: it reads only the queue (locked) and atomics.
bool EventListener::may_accept() const
{
    const size_t waiting_limit = size_t(config_.threads_per_child) *
                                 size_t(std::max<long long>(config_.async_request_worker_factor, 100)) / 100;
    return held_count_.load(std::memory_order_relaxed) < max_held_ &&
           queue_.idle_workers() > reserving_.load(std::memory_order_relaxed) && queue_.waiting() < waiting_limit;
}

// Whether this child holds more connections than its share: the mean over the children of
// its generation, plus kShareSlack. The kernel wakes the accepting threads in a fixed order
// (AcceptSet::next's step_back): without this, 30 kept-alive clients connecting one after another
// all went to one of three children, and wrk's 50 spread 34/8/4/2/2/0 over six, so one loop
// carried most of the load and one crash would have ended most clients' connections.
bool EventListener::above_share() const
{
    constexpr uint32_t kShareSlack = 2;
    const Scoreboard& board = *context_.scoreboard;
    uint64_t total = 0;
    uint32_t children = 0;
    for (uint32_t slot = 0; slot < board.server_limit(); ++slot) {
        const ProcessScore& p = board.process(slot);
        if (__atomic_load_n(&p.pid, __ATOMIC_RELAXED) == 0 || __atomic_load_n(&p.quiescing, __ATOMIC_RELAXED) ||
            __atomic_load_n(&p.generation, __ATOMIC_RELAXED) != context_.generation)
            continue;
        total += __atomic_load_n(&p.connections, __ATOMIC_RELAXED);
        ++children;
    }
    const uint64_t mine = in_hand();
    return children > 1 && mine * children > total + uint64_t(kShareSlack) * children;
}

// Held by the loop, plus on their way to it: what the other children's above_share() see.
uint32_t EventListener::in_hand() const
{
    const uint64_t taken = taken_.load(std::memory_order_relaxed);
    const uint64_t handed = handed_.load(std::memory_order_relaxed);
    return uint32_t(held_count_.load(std::memory_order_relaxed) + (handed > taken ? handed - taken : 0));
}

// Both the loop and the accepting thread store it; either store is a fresh enough view.
void EventListener::publish_in_hand()
{
    __atomic_store_n(&context_.scoreboard->process(context_.slot).connections, in_hand(), __ATOMIC_RELAXED);
}

void EventListener::publish_count()
{
    held_count_.store(held_.size(), std::memory_order_relaxed);
    publish_in_hand();
}

void EventListener::accept_connections()
{
    AcceptSet accepting(context_, "mpm_event");
    // Its own worker record, the one after the loop's, when ThreadLimit leaves room: then it
    // answers what comes with the accept itself (see answer_accepted).
    std::optional<WorkerReport> report;
    const uint32_t record = uint32_t(config_.threads_per_child) + 1;
    if (record < context_.scoreboard->thread_limit()) {
        report.emplace(context_.scoreboard->worker(context_.slot, record));
        report->start(getpid(), context_.generation);
        report->set_status(WorkerStatus::Ready);
    }
    const uint64_t max_connections = context_.max_connections;
    uint64_t accepted = 0;
    bool master_gone = !accepting.ok();
    bool done = !accepting.ok();
    while (!child_leaving() && !master_gone && !done) {
        if (!may_accept()) {
            // Every thread busy or reserved: wait (bounded) for one to become idle. At the
            // descriptor budget nothing would wake it: look again after the same bound.
            if (queue_.wait_for_idle_worker(kIdleWaitMs, &reserving_) != ConnectionQueue::Wait::Idle)
                master_gone = accepting.master_gone();
            else if (!may_accept())
                std::this_thread::sleep_for(std::chrono::milliseconds(kIdleWaitMs));
            continue;
        }
        // A child above its share steps back: the next connection goes to another child
        // that waits, and to this one only when none does (so a child that does not accept,
        // starting, hung or with its workers busy, costs nothing but a short delay).
        AcceptedSocket client;
        switch (accepting.next(&client, above_share())) {
        case AcceptSet::Outcome::Accepted: {
            if (report) {
                answer_accepted(client, *report);
            } else {
                // The loop makes the Connection, reads it and most often answers it: by the
                // time it gets to it the request has usually arrived, so the connection never
                // enters the loop's epoll set, and it is made from the loop's spares
                // (connections end on the loop), without allocating. It reserves a worker
                // until then.
                reserving_.fetch_add(1, std::memory_order_relaxed);
                give_to_loop(Parked{nullptr, client});
            }
            publish_in_hand();
            // At MaxConnectionsPerChild the child stops accepting; the connections in hand
            // are served to their end, keep-alive included.
            done = max_connections != 0 && ++accepted >= max_connections;
            if (done)
                log_connection_limit_reached("mpm_event", context_);
            break;
        }
        case AcceptSet::Outcome::MasterGone:
            master_gone = true;
            break;
        case AcceptSet::Outcome::Failed:
            done = true;
            break;
        case AcceptSet::Outcome::Leave:
        case AcceptSet::Outcome::Nothing:
            break;
        }
    }
    if (report)
        report->set_status(WorkerStatus::Graceful);
    accepting_done_.store(true);
    // The loop notices at its next housekeeping pass (begin_leaving); a master that is gone
    // the loop sees itself.
}

// A new connection (`fresh`: it reserves an idle worker for a moment, see kReserveMs, already
// counted in reserving_ by the accepting thread) or one a worker gave back. Its event joins
// the loop's epoll set only when it has to wait (arm()).
void EventListener::hold(std::unique_ptr<Connection> connection, bool fresh)
{
    Held* held;
    if (spare_held_.empty()) {
        held = new Held;
        held->owner = this;
        held->ev = event_new(base_, connection->fd(), EV_READ | EV_PERSIST, on_client, held);
    } else {
        held = spare_held_.back();
        spare_held_.pop_back();
        event_assign(held->ev, base_, connection->fd(), EV_READ | EV_PERSIST, on_client, held);
    }
    held->connection = std::move(connection);
    held->connection->set_before_close(leave_epoll, held);
    held->accepted_ms = monotonic_ms();
    held->reserving = fresh;
    held->index = held_.size();
    held_.push_back(held);
    publish_count();
    if (held->connection->state() == Connection::State::Handle)
        answer_here(held);   // a new connection's request came with it
    else
        arm(held);
}

// Waits for the connection's next bytes until its deadline (both the connection's). The
// event is persistent: while the loop holds the connection it stays in the epoll set, and
// adding it again only moves its timer, so a request the loop answers itself costs no
// epoll_ctl (a one-shot event would cost a delete and an add each).
void EventListener::arm(Held* held)
{
    count_lingering(held, held->connection->state() == Connection::State::Linger);
    const struct timeval left = as_timeval(held->connection->deadline_ms() - monotonic_ms());
    event_add(held->ev, &left);
}

// The connection closes itself (a timeout, the client's close, a failed send) while the loop
// holds it: its persistent event leaves the epoll set before its descriptor closes.
void EventListener::leave_epoll(void* arg)
{
    event_del(static_cast<Held*>(arg)->ev);
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
        answer_here(held);
        return;
    default:
        break;
    }
    end_reservation(held);   // a slow head: it will not need a worker soon
    arm(held);
}

// A request is in: the loop answers what needs no wait for the client, then waits for the
// next one; what may wait goes to a worker.
void EventListener::answer_here(Held* held)
{
    Connection& c = *held->connection;
    if (loop_report_)
        answer_in_hand(c, *loop_report_);
    switch (c.state()) {
    case Connection::State::Closed:
        drop(held);
        return;
    case Connection::State::Handle:
    case Connection::State::Write:
        dispatch(held);
        return;
    default:
        end_reservation(held);
        arm(held);
        return;
    }
}

void EventListener::end_reservation(Held* held)
{
    if (held->reserving) {
        held->reserving = false;
        reserving_.fetch_sub(1, std::memory_order_relaxed);
        queue_.claims_released();   // the accepting thread may wait on this reservation
    }
}

// The status page tells lingering closes (Apache's ConnsAsyncClosing) from the rest. A held
// connection waits only through arm(), so that is where one starts to linger.
void EventListener::count_lingering(Held* held, bool lingering)
{
    if (held->lingering == lingering)
        return;
    held->lingering = lingering;
    lingering_ = lingering ? lingering_ + 1 : lingering_ - 1;
    __atomic_store_n(&context_.scoreboard->process(context_.slot).lingering, lingering_, __ATOMIC_RELAXED);
}

void EventListener::drop(Held* held)
{
    event_del(held->ev);        // before its descriptor closes
    held->connection.reset();   // closed
    forget(held);
}

// Takes the Held out of held_ (the last one moves into its place) and keeps it, with its
// event, for the next connection; a burst's surplus is freed.
void EventListener::forget(Held* held)
{
    constexpr size_t kMaxSpare = 1024;
    event_del(held->ev);
    end_reservation(held);
    count_lingering(held, false);
    Held* last = held_.back();
    held_[held->index] = last;
    last->index = held->index;
    held_.pop_back();
    if (spare_held_.size() < kMaxSpare) {
        spare_held_.push_back(held);
    } else {
        event_free(held->ev);
        delete held;
    }
    publish_count();
}

// Its event leaves the loop before a worker may close the descriptor; its reservation ends
// (forget) only once the queue counts it against the idle workers.
void EventListener::dispatch(Held* held)
{
    event_del(held->ev);
    held->connection->set_before_close(nullptr, nullptr);   // a worker's from now on
    queue_.push(std::move(held->connection));
    forget(held);
}

void EventListener::park(void* self, std::unique_ptr<Connection> connection)
{
    static_cast<EventListener*>(self)->give_to_loop(Parked{std::move(connection), {}});
}

// From a worker or the accepting thread to the loop.
void EventListener::give_to_loop(Parked parked)
{
    bool first;
    {
        std::lock_guard<std::mutex> lock(parked_mutex_);
        first = parked_.empty();
        parked_.push_back(std::move(parked));
        handed_.fetch_add(1, std::memory_order_relaxed);
    }
    // Only the connection that makes the list non-empty wakes the loop: on_parked reads the
    // eventfd before it takes the whole list, so the ones parked behind it are taken by the
    // same wake-up (a busy child saves an eventfd write and read per connection).
    if (first) {
        const uint64_t one = 1;
        const ssize_t ignored = write(parked_fd_, &one, sizeof one);
        (void)ignored;
    }
}

void EventListener::on_parked(evutil_socket_t fd, short, void* self)
{
    auto* me = static_cast<EventListener*>(self);
    uint64_t count;
    const ssize_t ignored = read(fd, &count, sizeof count);
    (void)ignored;
    std::vector<Parked>& parked = me->taking_;
    {
        std::lock_guard<std::mutex> lock(me->parked_mutex_);
        parked.swap(me->parked_);
    }
    me->taken_.fetch_add(parked.size(), std::memory_order_relaxed);
    for (Parked& p : parked) {
        if (!p.connection)
            me->take_new(p.accepted);
        else if (child_hurrying() && p.connection->idle())
            p.connection.reset();   // restarting: idle and lingering connections end now
        else
            me->hold(std::move(p.connection), p.fresh);
    }
    parked.clear();
}

// On the accepting thread, with its own record: a connection whose request came with it
// (AcceptFilter data makes that the rule) is answered here, as nginx's loop answers what it
// accepts, and a Connection: close request never leaves this thread: no hand-off, no wake of
// another. What waits for the client goes to the loop, what may wait otherwise (a body, a
// reply the socket would not take whole) to a worker.
void EventListener::answer_accepted(const AcceptedSocket& accepted, WorkerReport& report)
{
    auto transport = make_transport(accepted.fd, accepted.peer, *env_.runtime, accepted.https);
    auto connection = std::make_unique<Connection>(env_, std::move(transport), accepted.peer, accepted.local_port,
                                                   accepted.proxy);
    read_first_request(*connection);
    answer_in_hand(*connection, report);
    switch (connection->state()) {
    case Connection::State::Closed:
        return;
    case Connection::State::Handle:
    case Connection::State::Write:
        queue_.push(std::move(connection));
        return;
    default: {
        // Without a byte yet it reserves a worker; a head begun, a kept-alive or lingering
        // connection does not.
        const bool fresh = connection->state() == Connection::State::ReadHead && !connection->request_begun();
        if (fresh)
            reserving_.fetch_add(1, std::memory_order_relaxed);
        give_to_loop(Parked{std::move(connection), {}, fresh});
        return;
    }
    }
}

// A connection the accepting thread took: one read that does not wait (its request has
// usually come by now), then the loop answers it, gives it to a worker, or waits for its
// head. Only one with no byte yet goes on reserving a worker (kReserveMs).
void EventListener::take_new(const AcceptedSocket& accepted)
{
    auto transport = make_transport(accepted.fd, accepted.peer, *env_.runtime, accepted.https);
    auto connection = std::make_unique<Connection>(env_, std::move(transport), accepted.peer, accepted.local_port,
                                                   accepted.proxy);
    read_first_request(*connection);
    const bool fresh =
        connection->state() == Connection::State::ReadHead && !connection->request_begun();
    if (connection->state() != Connection::State::Closed)
        hold(std::move(connection), fresh);
    // Only now, once the connection is answered, queued for a worker (the queue counts it
    // against the idle workers) or waiting with its head begun, may the accepting thread
    // count the worker it reserved as idle again; earlier, it could take one more
    // connection for a worker this one is about to occupy.
    if (!fresh) {
        reserving_.fetch_sub(1, std::memory_order_relaxed);
        queue_.claims_released();
    }
}

// The accepting thread stops by itself (it watches the leave eventfd and the master); the
// loop then serves what it holds to its end.
void EventListener::begin_leaving() { leaving_ = true; }

void EventListener::on_leave(evutil_socket_t, short, void* self) { static_cast<EventListener*>(self)->begin_leaving(); }

void EventListener::on_master_gone(evutil_socket_t, short, void* self)
{
    auto* me = static_cast<EventListener*>(self);
    log_error(LogLevel::Info, "mpm_event", "master process is gone; child %d leaves", int(getpid()));
    set_child_leaving();
    me->begin_leaving();
    event_base_loopbreak(me->base_);
}

// Every 100 ms: expire reservations; notice an accepting thread that stopped (at
// MaxConnectionsPerChild); while leaving, close idle connections a restart does not wait
// for, and end the loop once the accepting thread has returned, nothing is held and no
// worker is busy.
void EventListener::on_housekeeping(evutil_socket_t, short, void* self)
{
    auto* me = static_cast<EventListener*>(self);
    if (me->reserving_.load(std::memory_order_relaxed) > 0) {
        const int64_t expired = monotonic_ms() - kReserveMs;
        for (Held* held : me->held_)
            if (held->reserving && held->accepted_ms <= expired)
                me->end_reservation(held);
    }
    if (me->accepting_done_.load())
        me->begin_leaving();
    if (!me->leaving_)
        return;
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
    if (me->accepting_done_.load() && me->held_.empty() && parked_empty && me->queue_.waiting() == 0 &&
        me->queue_.idle_workers() >= uint32_t(me->config_.threads_per_child))
        event_base_loopbreak(me->base_);
}

class EventMpm final : public ThreadedMpm {
public:
    const char* name() const override { return "event"; }
    int run_child(ChildContext& context) override;

protected:
    const ThreadedConfig& settings(const LoadedConfig& config) const override { return config.event; }
    uint32_t own_records() const override { return 2; }
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
        // The accepting thread first: it waits for an idle worker anyway, and once the
        // workers report ready in the scoreboard every thread of the child exists.
        std::thread accepting([&listener] { listener.accept_connections(); });
        pool.start();
        listener.run();
        listener.finish();
        set_child_leaving();   // wakes the accepting thread if it still waits
        accepting.join();
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
