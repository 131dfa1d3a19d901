// See connection.h.
#include "child/connection.h"

#include "child/child_signals.h"
#include "child/core_methods.h"
#include "child/fault_hooks.h"
#include "child/static_handler.h"
#include "child/status_handler.h"
#include "shared/error_log.h"
#include "shared/http/conditional.h"
#include "shared/http/request_parser.h"
#include "shared/http/response.h"
#include "shared/http/url_path.h"
#include "shared/request_read_timeout.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <utility>

namespace mpmd {

namespace {

constexpr size_t kReadChunk = 16384;
constexpr int kLingerMs = kLingerSeconds * 1000;
constexpr size_t kLingerMaxBytes = 512 * 1024;

int64_t monotonic_ms()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

enum class Wait { Ready, Timeout, MasterGone, Error };

// Waits until `fd` is ready for `events` or `deadline_ms` (monotonic) passes. A graceful
// stop does not end a wait (the caller decides at its next step); a restart ends an `idle`
// one (no request under way) as if it had timed out.
Wait wait_for(int fd, short events, int64_t deadline_ms, int master_watch_fd, bool idle = false)
{
    for (;;) {
        const int64_t left = deadline_ms - monotonic_ms();
        if (left <= 0)
            return Wait::Timeout;
        struct pollfd fds[3] = {{fd, events, 0}, {master_watch_fd, POLLIN, 0}, {idle ? child_hurry_fd() : -1, POLLIN, 0}};
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
            return Wait::Timeout;
        if (fds[0].revents & (events | POLLHUP | POLLERR))
            return Wait::Ready;
    }
}

} // namespace

std::string client_address(const sockaddr_storage& peer)
{
    char text[INET6_ADDRSTRLEN] = "-";
    if (peer.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&peer)->sin_addr, text, sizeof text);
    } else if (peer.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&peer);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
            inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], text, sizeof text);
        else
            inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    }
    return text;
}

namespace {

bool lookup_request_header(const void* headers, std::string_view name, std::string_view* value)
{
    const auto* request = static_cast<const HttpRequest*>(headers);
    const std::string* found = request->header(name);
    if (found == nullptr)
        return false;
    *value = *found;
    return true;
}

bool lookup_response_header(const void* headers, std::string_view name, std::string_view* value)
{
    for (const HttpHeader& h : static_cast<const Response*>(headers)->headers) {
        if (ascii_iequals(h.name, name)) {
            *value = h.value;
            return true;
        }
    }
    return false;
}

// The Date: value, formatted once per second.
const std::string& current_http_date()
{
    thread_local time_t cached_second = 0;
    thread_local std::string cached;
    const time_t now = time(nullptr);
    if (now != cached_second) {
        cached = http_date(now);
        cached_second = now;
    }
    return cached;
}

// "ADDR:PORT" of the client, as Apache's "[client ...]" shows it.
std::string client_with_port(const sockaddr_storage& peer)
{
    int port = 0;
    if (peer.ss_family == AF_INET)
        port = ntohs(reinterpret_cast<const sockaddr_in*>(&peer)->sin_port);
    else if (peer.ss_family == AF_INET6)
        port = ntohs(reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_port);
    return client_address(peer) + ":" + std::to_string(port);
}

// One access log line per target for a request that got `response` after `body_bytes` of
// its body were sent; `line` is scratch space kept by the caller.
void write_access_log(const ServerRuntime& runtime, const std::string& client_ip, int local_port,
                      const HttpRequest& request, const Response& response, uint64_t body_bytes,
                      const struct timespec& start, std::string& line)
{
    const auto& logs = runtime.access_logs;
    if (logs.empty())
        return;
    const UrlPath url = parse_url_path(request.target);
    std::string_view query = url.query;
    if (!query.empty() && query.front() == '?')
        query.remove_prefix(1);
    const std::string protocol = request.version >= 10 && request.version < 100
                                     ? "HTTP/" + std::to_string(request.version / 10) + "." +
                                           std::to_string(request.version % 10)
                                     : std::string();
    struct timespec end;
    clock_gettime(CLOCK_REALTIME, &end);
    AccessRecord record;
    record.client_ip = client_ip;
    record.local_port = local_port;
    record.request_line = request.request_line;
    record.method = request.method;
    record.protocol = protocol;
    record.url_path = url.path;
    record.query = query;
    record.status = response.status;
    record.body_bytes = body_bytes;
    record.start = start;
    record.duration_us = (int64_t(end.tv_sec) - start.tv_sec) * 1000000 + (end.tv_nsec - start.tv_nsec) / 1000;
    record.server_name = runtime.server.server_name;
    record.pid = getpid();
    record.request_headers = HeaderSource{&request, lookup_request_header};
    record.response_headers = HeaderSource{&response, lookup_response_header};
    for (const AccessLogTarget& log : logs) {
        line.clear();
        log.format.append(record, line);
        log.file->write_line(line);
    }
}

void log_read_timeout(const sockaddr_storage& peer, const char* stage)
{
    // Apache's mod_reqtimeout says the same at info (AH01382).
    log_client_error(LogLevel::Info, "reqtimeout", client_with_port(peer), "Request %s read timeout", stage);
}

class ConnectionServer {
public:
    ConnectionServer(const ConnectionEnv& env, ClientConnection& client, WorkerReport& report)
        : env_(env), config_(env.runtime->server), connection_(client), fd_(client.fd),
          local_port_(client.local_port), client_(client_address(client.peer)), report_(report),
          parser_(client.request_parser()), buffer_(std::move(client.pending)),
          carried_(parser_.got_some())
    {
    }

    ConnectionEnd run(bool park_when_idle);

private:
    // How a read ended: a whole request (or a parse error, error_status_ set); a head that
    // asks for 100-continue before its body; or no request.
    enum class Read { Request, AwaitsContinue, Closed, TimedOut, Failed };
    // Until the head is in: the header stage of RequestReadTimeout; then the body stage.
    const char* stage_name() const { return parser_.head_complete() ? "body" : "header"; }
    void begin_request(bool first, bool carried);
    Read read_request();
    bool send_reply(const HttpRequest& request, Response& response, bool keep_alive);
    // Sends the reply, logs it and counts it in the scoreboard; false when it could not be sent.
    bool answer(const HttpRequest& request, Response& response, bool keep_alive);
    ConnectionEnd closed_now();   // the descriptor closed at once, no lingering
    bool send_bytes(std::string_view data, size_t head_bytes, int flags);
    bool send_file(int file_fd, off_t offset, off_t length);
    void log_request(const HttpRequest& request, const Response& response, const struct timespec& start);
    void linger_and_close();
    bool next_request_arrived();
    Response dispatch(const HttpRequest& request, const StaticContext& static_context);

    const ConnectionEnv& env_;
    const ServerConfig& config_;
    ClientConnection& connection_;
    int fd_;
    int local_port_;
    std::string client_;
    WorkerReport& report_;
    RequestParser& parser_;    // the connection's, possibly with a request the event loop began
    std::string buffer_;       // received bytes not yet consumed by the parser
    size_t consumed_ = 0;
    int error_status_ = 0;     // set when read_request ends in a parse error
    uint64_t body_sent_ = 0;
    struct timespec request_start_ {};
    std::string log_line_;
    // A request the event loop began parsing (it resets the parser of every connection it
    // takes, so one begun on arrival here is that request): served first, never parked.
    bool carried_;
    // The read in progress (begin_request sets them up).
    bool first_ = false;       // the connection's first request: Timeout, not KeepAliveTimeout
    bool started_ = false;     // a byte of this request is in
    bool in_body_ = false;
    bool continue_asked_ = false;
    int64_t deadline_ = 0;     // Timeout (KeepAliveTimeout until the first byte of a later request)
    ReadDeadline stage_;       // RequestReadTimeout's current stage
};

// The first wait on a kept-alive connection is bounded by KeepAliveTimeout; once a byte of
// the request has arrived, the whole request must be in within Timeout. RequestReadTimeout
// adds its stage deadlines: the header clock runs from the accept of a new connection (or
// from its hand-over by the event loop), or from the first byte of the next request on a
// kept-alive one; the body clock from the end of the head. Whichever comes first ends the read.
void ConnectionServer::begin_request(bool first, bool carried)
{
    error_status_ = 0;
    first_ = first;
    in_body_ = false;
    continue_asked_ = false;
    const int64_t now = monotonic_ms();
    if (carried) {
        // The event loop held the head to its end (or to its error) within its own
        // deadlines; what is left, the body, gets Timeout and the body stage from here.
        started_ = true;
        request_start_ = connection_.request_start;
        report_.set_status(WorkerStatus::Reading);
        deadline_ = now + 1000LL * config_.timeout;
        stage_ = ReadDeadline(config_.request_read_timeout.header, now);
        return;
    }
    parser_.reset();
    started_ = false;
    deadline_ = now + 1000LL * (first ? config_.timeout : config_.keep_alive_timeout);
    stage_ = first ? ReadDeadline(config_.request_read_timeout.header, now) : ReadDeadline();
    if (first)
        stage_.add_bytes(buffer_.size() - consumed_);   // what the event loop already read
}

// Reads until one whole request (with its body, discarded) is parsed, or a parse error, or,
// once per request, until a head that expects 100-continue is whole.
ConnectionServer::Read ConnectionServer::read_request()
{
    for (;;) {
        if (!started_ && consumed_ < buffer_.size()) {
            clock_gettime(CLOCK_REALTIME, &request_start_);
            report_.set_status(WorkerStatus::Reading);
            if (!first_) {
                const int64_t now = monotonic_ms();
                deadline_ = now + 1000LL * config_.timeout;
                stage_ = ReadDeadline(config_.request_read_timeout.header, now);
                stage_.add_bytes(buffer_.size() - consumed_);
            }
            started_ = true;
        }
        if (started_) {
            const auto result = parser_.feed(buffer_.data() + consumed_, buffer_.size() - consumed_);
            consumed_ += result.consumed;
            if (result.status == RequestParser::Status::Complete)
                return Read::Request;
            if (result.status == RequestParser::Status::Error) {
                error_status_ = result.http_status;
                return Read::Request;
            }
            if (!in_body_ && parser_.head_complete()) {
                in_body_ = true;
                stage_ = ReadDeadline(config_.request_read_timeout.body, monotonic_ms());
                if (parser_.request().expects_continue && !continue_asked_) {
                    continue_asked_ = true;
                    return Read::AwaitsContinue;
                }
            }
        }
        if (consumed_ == buffer_.size()) {
            buffer_.clear();
            consumed_ = 0;
        } else if (consumed_ > kReadChunk) {
            buffer_.erase(0, consumed_);
            consumed_ = 0;
        }
        if (!started_ && !first_ && child_hurrying())
            return Read::Closed;
        switch (wait_for(fd_, POLLIN, std::min(deadline_, stage_.at_ms()), env_.master_watch_fd, !started_ && !first_)) {
        case Wait::Ready: break;
        case Wait::Timeout:
            if (!(started_ && parser_.got_some()))
                return Read::Closed;
            if (stage_.expired(monotonic_ms()))
                log_read_timeout(connection_.peer, stage_name());
            return Read::TimedOut;
        case Wait::MasterGone: return Read::Closed;
        case Wait::Error: return Read::Failed;
        }
        const size_t old_size = buffer_.size();
        buffer_.resize(old_size + kReadChunk);
        const ssize_t n = recv(fd_, &buffer_[old_size], kReadChunk, 0);
        buffer_.resize(old_size + (n > 0 ? size_t(n) : 0));
        if (n == 0)
            return Read::Closed;
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return Read::Failed;
        if (n > 0)
            stage_.add_bytes(size_t(n));
    }
}

// Sends all of `data` within Timeout. Bytes past its first `head_bytes` are body and are
// counted in body_sent_ as they leave.
bool ConnectionServer::send_bytes(std::string_view data, size_t head_bytes, int flags)
{
    const int64_t deadline = monotonic_ms() + 1000LL * config_.timeout;
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = send(fd_, data.data() + done, data.size() - done, flags | MSG_NOSIGNAL);
        if (n > 0) {
            const size_t before = done;
            done += size_t(n);
            if (done > head_bytes)
                body_sent_ += done - std::max(before, head_bytes);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN)
            return false;
        if (wait_for(fd_, POLLOUT, deadline, env_.master_watch_fd) != Wait::Ready)
            return false;
    }
    return true;
}

bool ConnectionServer::send_file(int file_fd, off_t offset, off_t length)
{
    int64_t deadline = monotonic_ms() + 1000LL * config_.timeout;
    while (length > 0) {
        const ssize_t n = sendfile(fd_, file_fd, &offset, size_t(length));
        if (n > 0) {
            length -= n;
            body_sent_ += uint64_t(n);
            deadline = monotonic_ms() + 1000LL * config_.timeout;   // Timeout bounds each wait
            continue;
        }
        if (n == 0)
            return false;   // the file shrank under us: the promised length cannot be met
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
            return false;
        if (wait_for(fd_, POLLOUT, deadline, env_.master_watch_fd) != Wait::Ready)
            return false;
    }
    return true;
}

// The one place a body is decided: whatever a handler or an error path produced, a reply to
// HEAD, and a 1xx, 204 or 304, carry none (RFC 9110 9.3.2, 15.3.5, 15.4.5), so a pipelined
// request behind it is read from the right byte. Then the head and the body's pieces in
// order: bytes in memory are gathered behind the head and sent, with MSG_MORE, just before
// each file range, so a part's header leaves in the same segment as its first file bytes;
// file ranges go with sendfile.
bool ConnectionServer::send_reply(const HttpRequest& request, Response& response, bool keep_alive)
{
    const int status = response.status;
    if (request.method_kind == HttpMethod::Head || status / 100 == 1 || status == 204 || status == 304) {
        response.send_body = false;
        response.close_file();
    }
    std::string out = serialize_head(response, request.version >= 11 ? 11 : 10, keep_alive,
                                     env_.runtime->banner, current_http_date());
    size_t head = out.size();   // the bytes of `out` that are not body
    body_sent_ = 0;
    if (!response.send_body)
        return send_bytes(out, head, 0);
    out += response.body;
    for (const BodyPiece& piece : response.pieces) {
        if (!piece.from_file) {
            out += piece.text;
            continue;
        }
        if (!send_bytes(out, head, MSG_MORE) || !send_file(response.file_fd, piece.offset, piece.length))
            return false;
        out.clear();
        head = 0;
    }
    return send_bytes(out, head, 0);
}

bool ConnectionServer::answer(const HttpRequest& request, Response& response, bool keep_alive)
{
    const bool sent = send_reply(request, response, keep_alive);
    log_request(request, response, request_start_);
    report_.request_finished(body_sent_);
    return sent;
}

ConnectionEnd ConnectionServer::closed_now()
{
    close(fd_);
    connection_.fd = -1;
    return ConnectionEnd::Closed;
}

void ConnectionServer::log_request(const HttpRequest& request, const Response& response,
                                   const struct timespec& start)
{
    if (env_.runtime->access_logs.empty())
        return;
    report_.set_status(WorkerStatus::Logging);
    write_access_log(*env_.runtime, client_, local_port_, request, response, body_sent_, start, log_line_);
}

// The handler for a request: a test build's fault hook when it takes the request, the
// server's own methods (TRACE, OPTIONS *), the status page when it is asked for, else a
// static file.
Response ConnectionServer::dispatch(const HttpRequest& request, const StaticContext& static_context)
{
    if (const FaultHooks* hooks = fault_hooks(); hooks != nullptr && hooks->request != nullptr) {
        Response response;
        if (hooks->request(request, &response))
            return response;
    }
    if (auto core = handle_core_method(request, config_))
        return std::move(*core);
    if (env_.scoreboard != nullptr) {
        if (auto status = handle_status_request(request, *env_.runtime, *env_.scoreboard, connection_.peer))
            return std::move(*status);
    }
    return handle_static(request, static_context);
}

// Before giving an idle kept-alive connection back to the event loop, one non-blocking
// read: a client that already sent its next request (a fast or pipelining one) is served on
// this thread at once instead of paying a round trip through the loop.
bool ConnectionServer::next_request_arrived()
{
    buffer_.clear();
    consumed_ = 0;
    buffer_.resize(kReadChunk);
    const ssize_t n = recv(fd_, &buffer_[0], kReadChunk, MSG_DONTWAIT);
    buffer_.resize(n > 0 ? size_t(n) : 0);
    return n > 0;
}

void ConnectionServer::linger_and_close()
{
    report_.set_status(WorkerStatus::Closing);
    if (shutdown(fd_, SHUT_WR) == 0) {
        const int64_t deadline = monotonic_ms() + kLingerMs;
        size_t drained = 0;
        char sink[4096];
        while (drained < kLingerMaxBytes && wait_for(fd_, POLLIN, deadline, env_.master_watch_fd) == Wait::Ready) {
            const ssize_t n = recv(fd_, sink, sizeof sink, 0);
            if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR)))
                break;
            if (n > 0)
                drained += size_t(n);
        }
    }
    close(fd_);
    fd_ = -1;
}

ConnectionEnd ConnectionServer::run(bool park_when_idle)
{
    if (connection_.requests_served == 0) {
        const int one = 1;
        setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    report_.connection_started(client_);
    const std::string client_port = client_with_port(connection_.peer);
    const StaticContext static_context{config_.document_root, config_.directory_index, env_.runtime->mime,
                                       config_.server_name, local_port_, config_.file_access,
                                       allowed_methods(config_), client_port, config_.max_ranges};
    for (;; ++connection_.requests_served) {
        const long served = connection_.requests_served;
        const bool carried = std::exchange(carried_, false);
        if (served > 0 && !carried) {
            if (park_when_idle && consumed_ == buffer_.size() && !next_request_arrived()) {
                connection_.pending.clear();
                return ConnectionEnd::Idle;
            }
            report_.set_status(WorkerStatus::KeepAlive);
        }
        begin_request(served == 0, carried);
        Read outcome = read_request();
        const HttpRequest& request = parser_.request();
        std::optional<Response> early;   // decided on the head alone, before the body
        if (outcome == Read::AwaitsContinue) {
            // RFC 9110 10.1.1: decide before the body. A handler that will refuse the request
            // answers now (and the connection closes, the body unread); otherwise the client
            // hears 100 Continue and sends it. No handler reads a body yet, so this is safe.
            report_.request_started(request.request_line, config_.server_name);
            early = dispatch(request, static_context);
            if (early->status >= 300) {
                if (!answer(request, *early, false))
                    return closed_now();
                break;
            }
            static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            outcome = send_bytes(kContinue, kContinue.size(), 0) ? read_request() : Read::Failed;
        }
        if (outcome == Read::TimedOut) {
            // Part of a request arrived but not all of it in time: say so, log it, then close.
            const HttpRequest none;
            const HttpRequest& timed_out = parser_.head_complete() ? request : none;
            Response response = error_response(408);
            send_reply(timed_out, response, false);
            log_request(timed_out, response, request_start_);
            break;
        }
        if (outcome != Read::Request)
            return closed_now();
        if (!early)
            report_.request_started(request.request_line.empty() ? std::string_view("-") : std::string_view(request.request_line),
                                    config_.server_name);
        Response response = error_status_ != 0 ? error_response(error_status_)
                            : early            ? std::move(*early)
                                               : dispatch(request, static_context);
        const long limit = config_.max_keep_alive_requests;
        const bool keep_alive = error_status_ == 0 && config_.keep_alive && request.keep_alive_requested() &&
                                !child_leaving() && (limit == 0 || served + 1 < limit);
        if (!answer(request, response, keep_alive))
            return closed_now();
        if (!keep_alive)
            break;
        // Bytes of the next (pipelined) request stay in buffer_ for the next round.
        if (consumed_ > 0) {
            buffer_.erase(0, consumed_);
            consumed_ = 0;
        }
    }
    if (park_when_idle) {
        // The event loop lingers without holding this thread.
        report_.set_status(WorkerStatus::Closing);
        shutdown(fd_, SHUT_WR);
        connection_.pending.clear();
        return ConnectionEnd::Lingering;
    }
    linger_and_close();
    connection_.fd = -1;
    return ConnectionEnd::Closed;
}

} // namespace

std::string error_reply_bytes(const ServerRuntime& runtime, int status)
{
    const Response response = error_response(status);
    return serialize_head(response, 11, false, runtime.banner, current_http_date()) + response.body;
}

void answer_read_timeout(const ServerRuntime& runtime, const ClientConnection& client,
                         const struct timespec& start, bool stage_expired)
{
    if (stage_expired)
        log_read_timeout(client.peer, "header");
    const std::string reply = error_reply_bytes(runtime, 408);
    const ssize_t sent = send(client.fd, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    const HttpRequest none;
    Response response = error_response(408);
    const size_t head = reply.size() - response.body.size();
    std::string line;
    write_access_log(runtime, client_address(client.peer), client.local_port, none, response,
                     sent > 0 && size_t(sent) > head ? size_t(sent) - head : 0, start, line);
}

RequestParser& ClientConnection::request_parser()
{
    if (parser == nullptr)
        parser = std::make_unique<RequestParser>();
    return *parser;
}

ConnectionEnd serve_connection(const ConnectionEnv& env, ClientConnection& client, WorkerReport& report,
                               bool park_when_idle)
{
    ConnectionServer server(env, client, report);
    return server.run(park_when_idle);
}

} // namespace mpmd
