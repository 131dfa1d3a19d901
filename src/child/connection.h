// Connection: one accepted client connection as a state machine, from its first byte to its
// close. It owns what a connection has: its transport, its received bytes, the request
// parser (which alone decides when a head is whole or hopeless), its deadlines, its 408 and
// its lingering close. The MPMs only drive it:
//   - prefork and worker with blocking waits on one thread (serve_blocking,
//     connection_drivers.h);
//   - event from its libevent loop, which waits for bytes and deadlines without a thread,
//     answers what needs no wait (answer_at_once, as the accepting thread does) and hands
//     the connection to a worker thread to run anything else (serve_ready).
//
//   state      waits for              on bytes                     on its deadline
//   ReadHead   the rest of a head     Handle once the parser has   408 if a byte came, then
//              (Timeout, header stage)  a whole head or refused it  Linger; else Closed
//   Handle     - (a thread runs handle(): reads the body, answers, logs; or the event
//                MPM's loop or accepting thread runs answer_at_once() when
//                answerable_at_once())
//                                     -> KeepAlive, ReadHead or Handle (pipelined bytes),
//                                        Linger (no keep-alive, and the client may still
//                                        send), Closed (the client asked to close and
//                                        sent nothing more; or a send failed), Write
//   Write      - (answer_at_once() began a reply the socket would not take whole: a thread
//                that may wait finishes it in handle(), then as Handle)
//   KeepAlive  the next request       ReadHead (or Handle)         Closed
//              (KeepAliveTimeout)
//   Linger     the client's close     drained and dropped          Closed
//              (kLingerSeconds, at most kLingerMaxBytes)
//   Closed     -
//
// Deadlines (ServerConfig): a request must arrive whole, head and body, within Timeout of
// its first byte (of the accept, for a connection's first request), and within
// RequestReadTimeout's header and body stages; a kept-alive connection waits
// KeepAliveTimeout for the next request; each wait to send a reply is bounded by Timeout.
// Runs in: children; one thread at a time (the loop or the worker holding it).
// Leans on: transport.h for I/O, clock.h for time, request_parser.h, the handlers.
#ifndef MPMD_CHILD_CONNECTION_H
#define MPMD_CHILD_CONNECTION_H

#include "child/clock.h"
#include "child/transport.h"
#include "shared/http/request_parser.h"
#include "shared/http/response.h"
#include "shared/module_api.h"
#include "shared/request_read_timeout.h"
#include "shared/scoreboard.h"
#include "shared/server_runtime.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

class CgiLauncher;
struct CgiTarget;

struct ConnectionEnv {
    const ServerRuntime* runtime = nullptr;
    int master_watch_fd = -1;                 // readable once the master is gone
    const Scoreboard* scoreboard = nullptr;   // for the status page
    const Clock* clock = &system_clock();
    // The serving process, read once when the child builds this (after its fork): the
    // access log's %P would otherwise cost a getpid(2) per request (glibc caches no pid).
    pid_t pid = ::getpid();
    CgiLauncher* cgi = nullptr;               // the child's (ChildContext::cgi); nullptr: no CGI
};

// How long a connection closed after its last reply keeps reading what the client still
// sends, so those bytes do not turn the close into a reset that destroys the reply in
// flight (Apache's lingering close), and how much it reads at most.
constexpr int kLingerSeconds = 2;
constexpr size_t kLingerMaxBytes = 512 * 1024;

class Connection {
public:
    enum class State { ReadHead, Handle, Write, KeepAlive, Linger, Closed };
    static const char* state_name(State state);

    // A connection just accepted: ReadHead, its clocks running from now. `proxy_listener`:
    // it came in on a Listen marked proxy, so a TrustedProxy peer sends a PROXY protocol
    // header before its first request, and any other peer is refused (Closed at once).
    Connection(const ConnectionEnv& env, std::unique_ptr<Transport> transport, const sockaddr_storage& peer,
               int local_port, bool proxy_listener);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    State state() const { return state_; }
    // The descriptor to wait on (ReadHead, KeepAlive, Linger: for reading); -1 once Closed.
    int fd() const { return transport_ ? transport_->fd() : -1; }
    // When the wait of the current state ends (the clock's monotonic milliseconds).
    int64_t deadline_ms() const { return deadline_ms_; }
    // Nothing of a request in hand (kept alive before a byte of the next, or lingering): a
    // restart closes it at once.
    bool idle() const;
    // A byte of the request under way (not only blank lines before one) has been parsed.
    bool request_begun() const
    {
        return (state_ == State::ReadHead || state_ == State::Handle) && parser_.got_some();
    }
    // The client's numeric address: the peer's, or the one a PROXY header named.
    const std::string& client() const { return client_; }
    // A PROXY header is still due before the first request (ReadHead; see the constructor).
    bool awaiting_proxy_header() const { return awaiting_proxy_; }
    long requests_served() const { return requests_served_; }
    const ConnectionEnv& env() const { return env_; }

    // fd() is readable (or hung up): take what arrived, without blocking, and move on.
    void on_readable();
    // deadline_ms() has passed.
    void on_deadline();
    // Ends it at once: no reply, no lingering (the master is gone, a restart ends it idle).
    void close();
    // `hook(arg)` runs in close() just before the descriptor closes, on the thread that
    // closes it: the event loop takes the descriptor out of its epoll set there, while the
    // number cannot yet belong to a connection another thread accepts. nullptr: none.
    void set_before_close(void (*hook)(void*), void* arg)
    {
        before_close_ = hook;
        before_close_arg_ = arg;
    }

    // Handle: serves the request whose head is in on this thread, waiting (poll(2)) for
    // its body and for the client to take the reply; `report` follows each step (R, W, L).
    // Write: finishes the reply answer_at_once() began, waiting as long as it takes.
    void handle(WorkerReport& report);

    // Handle, and the request can be answered with no wait for the client: it is whole
    // (or refused), so no body and no 100-continue is due, and no test-build fault hook
    // (fault_hooks.h) may hold it. A handler may still read the disk (open, fstat), as
    // nginx's loop does.
    bool answerable_at_once() const;
    // answerable_at_once(): answers on this thread without waiting for the client (the event
    // MPM's loop and accepting thread): the reply goes out as far as the socket takes it, and
    // the request is logged and counted in `report`; a reply the socket would not take
    // whole leaves the connection in Write, for handle() on a thread that may wait.
    void answer_at_once(WorkerReport& report);

private:
    friend class ConnectionCgiClient;   // connection_cgi.cc
    enum class BodyRead { Complete, TimedOut, Closed };
    enum class Progress { Done, Blocked, Failed };

    void set_state(State state, int64_t deadline_ms);
    ssize_t receive_into_buffer();
    void begin_request(int64_t now_ms);
    void expect_proxy_header();
    void read_proxy_header();
    void take_buffered();         // feeds the parser; ReadHead -> Handle when it is decided
    void begin_keep_alive();
    void begin_linger();
    bool client_sends_no_more(const HttpRequest& request) const;
    void drain();
    void answer_head_timeout();
    BodyRead read_body();
    Response dispatch(const HttpRequest& request);
    HandlerContext handler_context(const HttpRequest& request) const;
    const std::vector<const Module*>& handler_modules() const;
    // CGI (connection_cgi.cc): whether the request may name a script (cheap, no system
    // call); serving it when it does (false: it does not, and dispatch() answers).
    bool cgi_may_apply(const HttpRequest& request) const;
    bool find_script(const HttpRequest& request, CgiTarget* target);
    bool serve_cgi(WorkerReport& report);
    // The answer to a refused request (error_status_): the status's page, or for plain HTTP
    // sent to a TLS port a 400 that says so (Transport::plain_http).
    Response refusal() const;
    void choose_vhost();
    const std::string& vhost_name() const;
    bool keep_alive_after(const HttpRequest& request) const;
    bool answer(const HttpRequest& request, Response& response, bool keep_alive, WorkerReport* report);
    void conclude(const HttpRequest& request, const Response& response, bool keep_alive, bool sent,
                  WorkerReport& report);
    bool send_reply(const HttpRequest& request, Response& response, bool keep_alive, bool blocking);
    void start_reply(const HttpRequest& request, Response& response, bool keep_alive);
    void gather(const Response& response);
    Progress write_reply(const Response& response, bool blocking);
    bool send_bytes(std::string_view data, bool blocking);
    void log_request(const HttpRequest& request, const Response& response, WorkerReport* report);

    const ConnectionEnv& env_;
    const ServerConfig& config_;
    const Clock& clock_;
    std::unique_ptr<Transport> transport_;
    void (*before_close_)(void*) = nullptr;
    void* before_close_arg_ = nullptr;
    sockaddr_storage peer_;       // the connection's peer (a load balancer's, behind one)
    int local_port_;
    // The client, as the peer is or as its PROXY header says (mod_remoteip's "useragent"):
    // the status page's access control, the access log's %a, the scoreboard and error log.
    sockaddr_storage client_addr_;
    std::string client_;          // numeric address, for the access log and scoreboard
    std::string client_port_;     // "address:port", for the error log
    std::string peer_ip_;         // the peer's numeric address, the access log's %{c}a
    bool awaiting_proxy_ = false; // a PROXY header must come first (read_proxy_header)
    std::string proxy_bytes_;     // the part of it read so far
    State state_ = State::ReadHead;
    int64_t deadline_ms_ = 0;

    std::string buffer_;          // received bytes the parser has not consumed yet
    // Body bytes the parser took along with the head (it parses what it is given): a
    // handler that reads the body (CGI) gets them first; any other drops them.
    std::string early_body_;
    RequestParser parser_;
    long requests_served_ = 0;
    // The request under way.
    int64_t request_deadline_ms_ = 0;   // Timeout, from its first byte (or the accept)
    ReadDeadline stage_;                // RequestReadTimeout's header, then body stage
    bool request_complete_ = false;     // its body is in too
    bool continue_answered_ = false;    // Expect: 100-continue handled
    int error_status_ = 0;              // the parser refused the request with this status
    const VirtualHost* vhost_ = nullptr;   // its host's, once its head is in (choose_vhost)
    int cgi_refusal_ = 0;               // it names a script that may not run: 403 or 404
    struct timespec request_start_ {};  // CLOCK_REALTIME of its first byte, for the log
    uint64_t body_sent_ = 0;
    size_t drained_ = 0;                // Linger: bytes thrown away
    bool peer_closed_ = false;          // the client closed its side: no further request
    std::string log_line_;
    // The reply under way. reply_ (reused) holds what goes next: the head, then the bytes in
    // memory up to the next file range; out_sent_ of them have left, the first out_head_ are
    // head, not body. Then file_left_ bytes of the file from file_offset_, then the
    // response's pieces from next_piece_ on.
    std::string reply_;
    size_t out_sent_ = 0;
    size_t out_head_ = 0;
    size_t next_piece_ = 0;
    off_t file_offset_ = 0;
    off_t file_left_ = 0;
    // Write: the reply answer_at_once() began (its file the connection's own), and whether
    // the connection is kept alive after it.
    std::optional<Response> pending_;
    bool pending_keep_alive_ = false;
};

} // namespace mpmd

#endif
