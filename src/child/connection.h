// Connection: one accepted client connection served from its first byte to its close:
// read and parse requests (pipelined ones in order), dispatch each to the static handler,
// send the reply (head and in-memory body pieces with send(2), file ranges with sendfile(2)),
// log it (%b counts the body bytes that left), then keep the connection alive or close it.
// Every step is reported in the worker's scoreboard record (R reading, W writing,
// K keep-alive, L logging, C closing).
// Timeouts (all from ServerConfig): a request must arrive whole within Timeout of its first
// wait, and its head and body within RequestReadTimeout's stages (a miss: 408, logged, close);
// an idle kept-alive connection waits KeepAliveTimeout for the next request; each send waits
// at most Timeout for the client to take data.
// Runs in: children (prefork: the one thread).
// Leans on: poll(2), recv(2), send(2) with MSG_MORE, sendfile(2), shutdown(2).
#ifndef MPMD_CHILD_CONNECTION_H
#define MPMD_CHILD_CONNECTION_H

#include "shared/http/request_parser.h"
#include "shared/scoreboard.h"
#include "shared/server_runtime.h"

#include <sys/socket.h>

#include <ctime>
#include <memory>
#include <string>

namespace mpmd {

struct ConnectionEnv {
    const ServerRuntime* runtime = nullptr;
    int master_watch_fd = -1;     // readable once the master is gone
    const Scoreboard* scoreboard = nullptr;   // for the status page
};

// What survives between requests on one client connection, so the event MPM can park an
// idle kept-alive connection in its listener and hand it to any worker thread later.
// The parser travels with it: the event loop feeds it the head as bytes arrive (the parser
// alone decides when a head is whole or hopeless), and the worker thread that gets the
// connection goes on from where the loop stopped.
struct ClientConnection {
    int fd = -1;                  // non-blocking
    sockaddr_storage peer{};
    int local_port = 0;
    std::string pending;          // bytes received and not yet consumed by the parser
    std::unique_ptr<RequestParser> parser;   // created on first use
    struct timespec request_start {};        // CLOCK_REALTIME of the first byte of the request
                                             // the parser has begun (set by whoever began it)
    long requests_served = 0;

    RequestParser& request_parser();
    // True once a byte of a request (not just blank lines before one) has been parsed.
    bool request_begun() const { return parser != nullptr && parser->got_some(); }
};

enum class ConnectionEnd {
    Closed,    // the connection is finished and its descriptor closed
    Idle,      // (park_when_idle only) kept alive, nothing pending: the caller waits for it
    Lingering, // (park_when_idle only) the last reply is sent and our side shut down; the
               // caller drains what the client still sends for kLingerSeconds, then closes
};

// How long a connection closed after its last reply keeps reading what the client still
// sends, so those bytes do not turn the close into a reset that destroys the reply in
// flight (Apache's lingering close).
constexpr int kLingerSeconds = 2;

// Serves requests on `client` until it closes, or, with `park_when_idle`, until it is kept
// alive with no request pending, when it returns Idle with the descriptor still open.
ConnectionEnd serve_connection(const ConnectionEnv& env, ClientConnection& client, WorkerReport& report,
                               bool park_when_idle = false);

// A whole small error reply (status line, headers with Connection: close, HTML body), for
// answers given outside a request, e.g. 408 when a request head does not arrive in time.
std::string error_reply_bytes(const ServerRuntime& runtime, int status);

// For the event loop: a connection it held whose request head missed its deadline
// (RequestReadTimeout's header stage when `stage_expired`, else Timeout) gets a 408 sent
// without waiting, an access log line with request line "-" timed from `start` (the first
// byte, CLOCK_REALTIME), and with `stage_expired` the info line Apache's mod_reqtimeout
// writes. The caller closes it.
void answer_read_timeout(const ServerRuntime& runtime, const ClientConnection& client,
                         const struct timespec& start, bool stage_expired);

// The client's numeric address ("192.0.2.1", "2001:db8::1"; IPv4-mapped shown as IPv4).
std::string client_address(const sockaddr_storage& peer);

} // namespace mpmd

#endif
