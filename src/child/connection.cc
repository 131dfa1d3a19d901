// See connection.h.
#include "child/connection.h"

#include "child/builtin_modules.h"
#include "child/child_signals.h"
#include "child/core_methods.h"
#include "child/fault_hooks.h"
#include "child/request_log.h"
#include "child/socket_wait.h"
#include "shared/error_log.h"
#include "shared/http/authority.h"
#include "shared/proxy_protocol.h"
#include "shared/spare_pool.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <utility>
#include <vector>

namespace mpmd {

namespace {

// One receive. A readable connection is read at most kReadBurst bytes per wake-up, so one
// fast client cannot hold the event loop; the rest is still there at the next wake-up.
constexpr size_t kReadChunk = 16384;
constexpr size_t kReadBurst = 4 * kReadChunk;

void log_read_timeout(ErrorLog& log, const std::string& client_port, const char* stage)
{
    // Apache's mod_reqtimeout says the same at info (AH01382).
    log_client_error_to(log, LogLevel::Info, "reqtimeout", client_port, "Request %s read timeout", stage);
}

} // namespace

const char* Connection::state_name(State state)
{
    switch (state) {
    case State::ReadHead: return "read-head";
    case State::Handle: return "handle";
    case State::Write: return "write";
    case State::KeepAlive: return "keep-alive";
    case State::Linger: return "linger";
    case State::Closed: return "closed";
    }
    return "?";
}

namespace {

// The buffers of ended connections, kept for the thread's next ones (spare_pool.h; the
// parser's are kept too, request_parser.h): a prefork or worker thread then serves a new
// connection without allocating them again. Only modest ones are kept.
struct SpareBuffers {
    std::string received;
    std::string reply;
    std::string log_line;
};
using SpareBufferPool = SparePool<SpareBuffers, 4>;

RequestLimits request_limits(const ServerConfig& config)
{
    RequestLimits limits;
    limits.max_body = config.limit_request_body;
    return limits;
}
constexpr size_t kMaxKeptBytes = 65536;

} // namespace

Connection::Connection(const ConnectionEnv& env, std::unique_ptr<Transport> transport, const sockaddr_storage& peer,
                       int local_port, bool proxy_listener)
    : env_(env), config_(env.runtime->server), clock_(*env.clock), transport_(std::move(transport)), peer_(peer),
      local_port_(local_port), client_addr_(peer), client_(client_address(peer)),
      client_port_(client_with_port(peer)), peer_ip_(client_), parser_(request_limits(config_))
{
    SpareBuffers spare;
    if (SpareBufferPool::this_thread().take(&spare)) {
        buffer_ = std::move(spare.received);
        reply_ = std::move(spare.reply);
        log_line_ = std::move(spare.log_line);
        buffer_.clear();
    }
    begin_request(clock_.monotonic_ms());
    if (proxy_listener)
        expect_proxy_header();
}

Connection::~Connection()
{
    SpareBufferPool& spares = SpareBufferPool::this_thread();
    if (!spares.full() && buffer_.capacity() <= kMaxKeptBytes && reply_.capacity() <= kMaxKeptBytes &&
        log_line_.capacity() <= kMaxKeptBytes)
        spares.keep(SpareBuffers{std::move(buffer_), std::move(reply_), std::move(log_line_)});
}

bool Connection::idle() const
{
    return state_ == State::KeepAlive || state_ == State::Linger;
}

void Connection::set_state(State state, int64_t deadline_ms)
{
    state_ = state;
    deadline_ms_ = deadline_ms;
}

void Connection::close()
{
    if (transport_ && before_close_ != nullptr)
        before_close_(before_close_arg_);
    transport_.reset();
    set_state(State::Closed, 0);
}

// A request begins: at the accept for a connection's first one, at its first byte for a
// later one. Its clocks start now: Timeout for the whole request, the header stage.
void Connection::begin_request(int64_t now_ms)
{
    parser_.reset();
    if (early_body_.capacity() > kReadBurst)
        std::string().swap(early_body_);
    early_body_.clear();
    if (env_.cgi != nullptr)   // only a CGI script ever reads a body
        parser_.set_body_sink(&early_body_);
    request_complete_ = false;
    continue_answered_ = false;
    error_status_ = 0;
    cgi_refusal_ = 0;
    request_deadline_ms_ = now_ms + 1000LL * config_.timeout;
    stage_ = ReadDeadline(config_.request_read_timeout.header, now_ms);
    set_state(State::ReadHead, std::min(request_deadline_ms_, stage_.at_ms()));
}

// Reads what is there, at most kReadBurst bytes, into buffer_. Returns the bytes read; a
// closed or failed connection leaves peer_closed_ or returns -1.
ssize_t Connection::receive_into_buffer()
{
    size_t got = 0;
    while (got < kReadBurst) {
        const size_t old_size = buffer_.size();
        buffer_.resize(old_size + kReadChunk);
        const ssize_t n = transport_->receive(&buffer_[old_size], kReadChunk);
        buffer_.resize(old_size + (n > 0 ? size_t(n) : 0));
        if (n > 0) {
            got += size_t(n);
            if (size_t(n) < kReadChunk)
                break;   // a short read: the socket had no more (saves a recv that says EAGAIN)
            continue;
        }
        if (n == 0) {
            peer_closed_ = true;   // what came before the close is still served
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        return -1;
    }
    return ssize_t(got);
}

// A connection on a Listen marked proxy: only a TrustedProxy peer may say who the client is.
// Any other is refused without a word (no HTTP has begun); one that does may take until the
// first request's deadlines (Timeout, RequestReadTimeout's header stage) to send its header.
void Connection::expect_proxy_header()
{
    for (const AddressRange& range : config_.trusted_proxies) {
        if (range.contains(peer_)) {
            awaiting_proxy_ = true;
            return;
        }
    }
    log_client_error(LogLevel::Warn, "remoteip", client_port_,
                     "connection refused: a Listen marked proxy takes connections from TrustedProxy "
                     "addresses only");
    close();
}

// The PROXY header comes before anything the transport reads (before a TLS handshake too), so
// it is read from the socket itself, and never a byte past its end: each read peeks, then
// takes only what belongs to the header (all of it while the header is incomplete, since a
// prefix of a header is all header; up to its end once it is whole). Once whole, its client
// is this connection's for everything after (logs, status, access control), as mod_remoteip
// makes it; a header that names none (LOCAL, a balancer's own health check; UNKNOWN) leaves
// the peer's. A malformed one closes the connection, with no reply (no HTTP has begun) and an
// error log line, since the balancer is misconfigured.
void Connection::read_proxy_header()
{
    char bytes[kProxyV2MaxLength];
    const size_t have = proxy_bytes_.size();
    if (have >= sizeof bytes) {   // the parser refuses a header this long before it is whole
        close();
        return;
    }
    proxy_bytes_.copy(bytes, have);
    ssize_t n;
    do
        n = recv(fd(), bytes + have, sizeof bytes - have, MSG_PEEK);
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        if (n == 0)
            peer_closed_ = true;
        else if (errno != EAGAIN && errno != EWOULDBLOCK)
            close();
        return;
    }
    const ProxyHeader header = parse_proxy_header(std::string_view(bytes, have + size_t(n)));
    if (header.outcome == ProxyHeader::Outcome::Invalid) {
        log_client_error(LogLevel::Error, "remoteip", client_port_, "PROXY protocol: %s; connection closed",
                         header.problem.c_str());
        close();
        return;
    }
    const size_t take = header.outcome == ProxyHeader::Outcome::Done ? header.length - have : size_t(n);
    ssize_t taken;
    do
        taken = recv(fd(), bytes + have, take, 0);   // what the peek saw: there, whole
    while (taken < 0 && errno == EINTR);
    if (taken != ssize_t(take)) {
        close();
        return;
    }
    stage_.add_bytes(take);
    if (header.outcome == ProxyHeader::Outcome::NeedMore) {
        proxy_bytes_.append(bytes + have, take);
        return;
    }
    awaiting_proxy_ = false;
    std::string().swap(proxy_bytes_);
    if (header.has_addresses) {
        client_addr_ = header.source;
        client_ = client_address(client_addr_);
        client_port_ = client_with_port(client_addr_);
    }
}

// Feeds the parser what is buffered: the state becomes Handle once the head is whole (or
// the whole request), or refused; otherwise it stays ReadHead.
void Connection::take_buffered()
{
    const bool begun = parser_.got_some();
    const RequestParser::Result result = parser_.feed(buffer_.data(), buffer_.size());
    buffer_.erase(0, result.consumed);
    if (!begun && parser_.got_some())
        request_start_ = clock_.realtime();
    if (result.status != RequestParser::Status::NeedMore || parser_.head_complete())
        parser_.set_body_sink(nullptr);   // the rest of a body is read only when it is wanted
    if (result.status == RequestParser::Status::Error) {
        error_status_ = result.http_status;
        choose_vhost();
        set_state(State::Handle, 0);
        return;
    }
    request_complete_ = result.status == RequestParser::Status::Complete;
    if ((request_complete_ || parser_.head_complete()) && transport_->plain_http()) {
        error_status_ = 400;   // its head is read, so its request line and Host are logged
        choose_vhost();
        set_state(State::Handle, 0);
        return;
    }
    if (request_complete_ || parser_.head_complete()) {
        stage_ = ReadDeadline(config_.request_read_timeout.body, clock_.monotonic_ms());
        choose_vhost();
        set_state(State::Handle, 0);
        return;
    }
    set_state(State::ReadHead, std::min(request_deadline_ms_, stage_.at_ms()));
}

void Connection::on_readable()
{
    if (state_ == State::Linger) {
        drain();
        return;
    }
    if (state_ != State::ReadHead && state_ != State::KeepAlive)
        return;
    if (awaiting_proxy_) {
        read_proxy_header();
        if (awaiting_proxy_ || state_ == State::Closed) {
            if (peer_closed_)
                close();
            return;
        }
    }
    const ssize_t got = receive_into_buffer();
    if (got < 0) {
        close();
        return;
    }
    if (got > 0) {
        if (state_ == State::KeepAlive)
            begin_request(clock_.monotonic_ms());   // the next request begins with its first byte
        stage_.add_bytes(size_t(got));
        take_buffered();
    }
    // The client closed its side with no whole request: nothing to answer.
    if (peer_closed_ && state_ != State::Handle)
        close();
}

void Connection::on_deadline()
{
    switch (state_) {
    case State::ReadHead:
        if (request_begun()) {
            answer_head_timeout();
            return;
        }
        if (awaiting_proxy_ && !proxy_bytes_.empty())
            log_client_error(LogLevel::Info, "remoteip", client_port_, "PROXY protocol header read timeout");
        close();   // nothing of a request came: close without a word, as Apache does
        return;
    case State::KeepAlive:
    case State::Linger:
        close();
        return;
    case State::Handle:
    case State::Write:
    case State::Closed:
        return;
    }
}

// Part of a head arrived but not all of it in time: 408 without waiting (the event loop may
// be the caller), the access log line, then the lingering close.
void Connection::answer_head_timeout()
{
    // The earlier of the two deadlines is the one missed (a timer may fire a little early).
    if (stage_.active() && stage_.at_ms() < request_deadline_ms_)
        log_read_timeout(error_log(), client_port_, "header");   // no request yet: no vhost
    const HttpRequest none;
    vhost_ = config_.find_vhost({});   // no Host came: the default's
    Response response = error_response(408);
    send_reply(none, response, false, false);
    log_request(none, response, nullptr);
    begin_linger();
}

void Connection::begin_keep_alive()
{
    const int64_t now = clock_.monotonic_ms();
    // The parser still holds the last request; begin_request() resets it at the next one's
    // first byte (once per request: a reset rebuilds Beast's parser).
    set_state(State::KeepAlive, now + 1000LL * config_.keep_alive_timeout);
    if (!buffer_.empty()) {
        // Bytes of the next request came with the last one (pipelining): it has begun.
        begin_request(now);
        stage_.add_bytes(buffer_.size());
        take_buffered();
    }
}

void Connection::begin_linger()
{
    if (!transport_->shutdown_write()) {
        close();
        return;
    }
    drained_ = 0;
    set_state(State::Linger, clock_.monotonic_ms() + 1000LL * kLingerSeconds);
}

// Reads and throws away what the client still sends, until it closes its side or sends
// more than kLingerMaxBytes; the deadline ends it too (on_deadline).
void Connection::drain()
{
    char sink[16384];
    for (;;) {
        const ssize_t n = transport_->receive(sink, sizeof sink);
        if (n > 0) {
            drained_ += size_t(n);
            if (drained_ > kLingerMaxBytes)
                break;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        break;
    }
    close();
}

// Reads until the request whose head is in is whole (its body discarded: no handler reads
// one yet), or refused, within Timeout and the body stage.
Connection::BodyRead Connection::read_body()
{
    for (;;) {
        if (!buffer_.empty()) {
            const RequestParser::Result result = parser_.feed(buffer_.data(), buffer_.size());
            buffer_.erase(0, result.consumed);
            if (result.status == RequestParser::Status::Error) {
                error_status_ = result.http_status;
                return BodyRead::Complete;
            }
            if (result.status == RequestParser::Status::Complete) {
                request_complete_ = true;
                return BodyRead::Complete;
            }
        }
        if (peer_closed_)
            return BodyRead::Closed;
        switch (wait_until_ready(fd(), POLLIN, std::min(request_deadline_ms_, stage_.at_ms()), env_.master_watch_fd,
                                 false, clock_)) {
        case Wait::Ready:
            break;
        case Wait::Timeout:
            if (stage_.expired(clock_.monotonic_ms()))
                log_read_timeout(env_.runtime->error_log_for(vhost_), client_port_, "body");
            return BodyRead::TimedOut;
        case Wait::MasterGone:
        case Wait::Hurried:
        case Wait::Error:
            return BodyRead::Closed;
        }
        const ssize_t got = receive_into_buffer();
        if (got < 0)
            return BodyRead::Closed;
        stage_.add_bytes(size_t(got));
    }
}

namespace {

std::string_view line_of(const HttpRequest& request)
{
    return request.request_line.empty() ? std::string_view("-") : std::string_view(request.request_line);
}

} // namespace

void Connection::handle(WorkerReport& report)
{
    const HttpRequest& request = parser_.request();
    const std::string_view request_line = line_of(request);
    if (state_ == State::Write) {
        // answer_at_once began this reply on the event loop or accepting thread (whose
        // record counted nothing): this thread's record takes the request over, waits for
        // the client to take the rest, and counts it.
        report.request_started(request_line, vhost_name());
        report.set_status(WorkerStatus::Writing);
        const bool sent = write_reply(*pending_, true) == Progress::Done;
        conclude(request, *pending_, pending_keep_alive_, sent, report);
        pending_.reset();
        return;
    }
    if (state_ != State::Handle)
        return;
    report.set_status(WorkerStatus::Reading);
    if (error_status_ == 0 && serve_cgi(report))
        return;
    std::optional<Response> early;   // decided on the head alone, before the body
    if (error_status_ == 0 && !request_complete_ && request.expects_continue && !continue_answered_) {
        // RFC 9110 10.1.1: decide before the body. A handler that will refuse the request
        // answers now (and the connection closes, the body unread); otherwise the client
        // hears 100 Continue and sends it. No handler reads a body yet, so this is safe.
        continue_answered_ = true;
        report.request_started(request_line, vhost_name());
        early = dispatch(request);
        if (early->status >= 300) {
            if (answer(request, *early, false, &report))
                begin_linger();
            else
                close();
            return;
        }
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        if (!send_bytes(kContinue, true)) {
            close();
            return;
        }
    }
    if (error_status_ == 0 && !request_complete_) {
        switch (read_body()) {
        case BodyRead::Complete:
            break;
        case BodyRead::TimedOut: {
            // Part of the body arrived but not all of it in time: say so, log it, close.
            Response response = error_response(408);
            send_reply(request, response, false, true);
            log_request(request, response, &report);
            begin_linger();
            return;
        }
        case BodyRead::Closed:
            close();
            return;
        }
    }
    if (!early)
        report.request_started(request_line, vhost_name());
    Response response = error_status_ != 0 ? refusal()
                        : early            ? std::move(*early)
                                           : dispatch(request);
    const bool keep_alive = keep_alive_after(request);
    const bool sent = send_reply(request, response, keep_alive, true);
    conclude(request, response, keep_alive, sent, report);
}

bool Connection::answerable_at_once() const
{
    if (state_ != State::Handle)
        return false;
    if (error_status_ != 0)
        return true;
    if (!request_complete_ || cgi_may_apply(parser_.request()))
        return false;
    const FaultHooks* hooks = fault_hooks();
    return hooks == nullptr || hooks->may_block == nullptr || !hooks->may_block(parser_.request());
}

void Connection::answer_at_once(WorkerReport& report)
{
    if (!answerable_at_once())
        return;
    const HttpRequest& request = parser_.request();
    report.request_started(line_of(request), vhost_name());
    Response response = error_status_ != 0 ? refusal() : dispatch(request);
    const bool keep_alive = keep_alive_after(request);
    start_reply(request, response, keep_alive);
    const Progress progress = write_reply(response, false);
    if (progress != Progress::Blocked) {
        conclude(request, response, keep_alive, progress == Progress::Done, report);
        return;
    }
    // The socket is full: a thread that may wait finishes the reply (handle()). The file
    // becomes the reply's own, since the open-file cache that lent it is this thread's.
    if (!response.own_file()) {
        conclude(request, response, keep_alive, false, report);
        return;
    }
    pending_.emplace(std::move(response));
    pending_keep_alive_ = keep_alive;
    set_state(State::Write, 0);
}

bool Connection::keep_alive_after(const HttpRequest& request) const
{
    const long limit = config_.max_keep_alive_requests;
    return error_status_ == 0 && !peer_closed_ && config_.keep_alive && request.keep_alive_requested() &&
           !child_leaving() && (limit == 0 || requests_served_ + 1 < limit);
}

// The reply has gone (`sent`) or failed: the access log line and the count, then what
// follows: the next request, a lingering close or the close.
void Connection::conclude(const HttpRequest& request, const Response& response, bool keep_alive, bool sent,
                          WorkerReport& report)
{
    log_request(request, response, &report);
    report.request_finished(body_sent_);
    if (!sent) {
        close();
        return;
    }
    ++requests_served_;
    if (!keep_alive) {
        if (client_sends_no_more(request)) {
            close();
            return;
        }
        report.set_status(WorkerStatus::Closing);
        begin_linger();
        return;
    }
    report.set_status(WorkerStatus::KeepAlive);
    begin_keep_alive();
}

// A close after the last reply lingers only while the client may still send (nginx's
// heuristic, not Apache's always): bytes arriving at a closed socket make the kernel answer
// with a reset, which can destroy the reply before the client reads it. A client that asked
// to close (RFC 9112 9.6: it sends nothing after that request), whose request was read to
// its end with nothing behind it, or that closed its side already, sends nothing more; the
// close then costs no wait for its FIN, which in prefork holds the whole process.
bool Connection::client_sends_no_more(const HttpRequest& request) const
{
    if (peer_closed_)
        return true;
    const bool client_asked_to_close = !request.close_after && !request.keep_alive_requested();
    return client_asked_to_close && error_status_ == 0 && request_complete_ && buffer_.empty();
}

Response Connection::refusal() const
{
    return transport_->plain_http() ? plain_http_on_tls_response() : error_response(error_status_);
}

// The host the request in hand names picks its vhost once (ServerConfig::find_vhost):
// dispatch, the scoreboard's VHost and the access log then all use that choice.
void Connection::choose_vhost()
{
    vhost_ = config_.find_vhost(request_host(parser_.request()));
}

// The ServerName of the host that answers the request: its vhost's, or the server's (the
// scoreboard's VHost, the access log's %v).
const std::string& Connection::vhost_name() const
{
    return vhost_ != nullptr ? vhost_->server_name : config_.server_name;
}

// The handler for a request: a test build's fault hook when it takes the request, the
// server's own methods (TRACE, OPTIONS *), a script CGI refuses (403, 404), else the first
// handler module that takes it (module_api.h): the loaded ones, the status page, static
// files.
Response Connection::dispatch(const HttpRequest& request)
{
    if (const FaultHooks* hooks = fault_hooks(); hooks != nullptr && hooks->request != nullptr) {
        Response response;
        if (hooks->request(request, &response))
            return response;
    }
    if (auto core = handle_core_method(request, config_))
        return std::move(*core);
    if (cgi_refusal_ != 0)
        return error_response(cgi_refusal_);
    const HandlerContext context = handler_context(request);
    Response response;
    for (const Module* module : handler_modules())
        if (module->handler != nullptr && module->handler(context, &response))
            return response;
    return error_response(404);   // a runtime whose modules all declined (static_module never does)
}

HandlerContext Connection::handler_context(const HttpRequest& request) const
{
    return {request, *env_.runtime, vhost_, env_.scoreboard, client_addr_, client_port_, local_port_,
            transport_->encrypted()};
}

const std::vector<const Module*>& Connection::handler_modules() const
{
    return env_.runtime->modules.empty() ? builtin_handler_modules() : env_.runtime->modules;
}

// Sends the reply, logs it and counts it in the scoreboard; false when it could not be sent.
bool Connection::answer(const HttpRequest& request, Response& response, bool keep_alive, WorkerReport* report)
{
    const bool sent = send_reply(request, response, keep_alive, true);
    log_request(request, response, report);
    if (report != nullptr)
        report->request_finished(body_sent_);
    return sent;
}

// The one place a body is decided: whatever a handler or an error path produced, a reply to
// HEAD, and a 1xx, 204 or 304, carry none (RFC 9110 9.3.2, 15.3.5, 15.4.5), so a pipelined
// request behind it is read from the right byte. Without `blocking` it gives up where it
// would wait.
bool Connection::send_reply(const HttpRequest& request, Response& response, bool keep_alive, bool blocking)
{
    start_reply(request, response, keep_alive);
    return write_reply(response, blocking) == Progress::Done;
}

void Connection::start_reply(const HttpRequest& request, Response& response, bool keep_alive)
{
    const int status = response.status;
    if (request.method_kind == HttpMethod::Head || status / 100 == 1 || status == 204 || status == 304) {
        response.send_body = false;
        response.close_file();
    }
    // The buffer is the connection's, so a kept-alive connection builds each head without
    // allocating (write_reply lets go of one that grew large).
    reply_.clear();
    append_head(&reply_, response, request.version >= 11 ? 11 : 10, keep_alive, env_.runtime->banner,
                current_http_date());
    out_sent_ = 0;
    out_head_ = reply_.size();
    file_left_ = 0;
    body_sent_ = 0;
    if (!response.send_body) {
        next_piece_ = response.pieces.size();
        return;
    }
    next_piece_ = 0;
    reply_ += response.body;
    gather(response);
}

// Bytes in memory are gathered behind what reply_ holds, up to the next file range, so a
// part's header leaves (with MSG_MORE) in the same segment as its first file bytes. A range
// of a file the open-file cache holds in memory (a small file) is copied in, so the reply
// leaves in one send; over a transport that copies files anyway (TLS), any range that fits
// in one TLS record with what is gathered is read in too. A short read (the file shrank)
// leaves the range to send_file, which fails the reply as it would.
void Connection::gather(const Response& response)
{
    constexpr size_t kGatheredFileBytes = 16384;   // a TLS record's most plaintext
    while (next_piece_ < response.pieces.size()) {
        const BodyPiece& piece = response.pieces[next_piece_++];
        if (!piece.from_file) {
            reply_ += piece.text;
            continue;
        }
        const bool fits =
            piece.length >= 0 && size_t(piece.length) <= kGatheredFileBytes - std::min(reply_.size(), kGatheredFileBytes);
        const std::string* bytes = response.file_bytes.get();
        if (fits && bytes != nullptr && piece.offset >= 0 && size_t(piece.offset + piece.length) <= bytes->size()) {
            reply_.append(*bytes, size_t(piece.offset), size_t(piece.length));
            continue;
        }
        if (fits && transport_->copies_files()) {
            const size_t at = reply_.size();
            reply_.resize(at + size_t(piece.length));
            if (pread(response.file_fd, &reply_[at], size_t(piece.length), piece.offset) == ssize_t(piece.length))
                continue;
            reply_.resize(at);
        }
        file_offset_ = piece.offset;
        file_left_ = piece.length;
        return;
    }
}

// Sends the rest of the reply: reply_'s bytes, then file ranges with sendfile, in order.
// Blocking, each wait for the client is bounded by Timeout; without it, Blocked where it
// would wait (call again once the socket is writable).
Connection::Progress Connection::write_reply(const Response& response, bool blocking)
{
    // A buffer that grew past a few pages for a large body in memory (the status page) is
    // let go rather than held for the connection's life.
    constexpr size_t kKeptReplyBytes = 16384;
    auto settle = [this](Progress progress) {
        if (reply_.capacity() > kKeptReplyBytes)
            std::string().swap(reply_);
        return progress;
    };
    for (;;) {
        ssize_t n;
        if (out_sent_ < reply_.size()) {
            n = transport_->send(reply_.data() + out_sent_, reply_.size() - out_sent_, file_left_ > 0);
            if (n > 0) {
                const size_t before = out_sent_;
                out_sent_ += size_t(n);
                if (out_sent_ > out_head_)
                    body_sent_ += out_sent_ - std::max(before, out_head_);
                continue;
            }
        } else if (file_left_ > 0) {
            n = transport_->send_file(response.file_fd, &file_offset_, size_t(file_left_));
            if (n > 0) {
                file_left_ -= n;
                body_sent_ += uint64_t(n);
                continue;
            }
            if (n == 0)
                return settle(Progress::Failed);   // the file shrank: its promised length cannot be met
        } else if (next_piece_ < response.pieces.size()) {
            reply_.clear();
            out_sent_ = 0;
            out_head_ = 0;
            gather(response);
            continue;
        } else {
            return settle(Progress::Done);
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return settle(Progress::Failed);
        if (!blocking)
            return Progress::Blocked;
        const int64_t deadline = clock_.monotonic_ms() + 1000LL * config_.timeout;
        if (wait_until_ready(fd(), POLLOUT, deadline, env_.master_watch_fd, false, clock_) != Wait::Ready)
            return settle(Progress::Failed);
    }
}

// Sends all of `data` (no body: an interim response), each wait within Timeout.
bool Connection::send_bytes(std::string_view data, bool blocking)
{
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = transport_->send(data.data() + done, data.size() - done, false);
        if (n > 0) {
            done += size_t(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return false;
        const int64_t deadline = clock_.monotonic_ms() + 1000LL * config_.timeout;
        if (!blocking ||
            wait_until_ready(fd(), POLLOUT, deadline, env_.master_watch_fd, false, clock_) != Wait::Ready)
            return false;
    }
    return true;
}

void Connection::log_request(const HttpRequest& request, const Response& response, WorkerReport* report)
{
    for (const Module* module : env_.runtime->modules)
        if (module->log_transaction != nullptr)
            module->log_transaction(handler_context(request), response, body_sent_);
    if (env_.runtime->access_logs_for(vhost_).empty())
        return;
    if (report != nullptr)
        report->set_status(WorkerStatus::Logging);
    write_access_log(*env_.runtime, vhost_, client_, peer_ip_, local_port_, env_.pid, request, response, body_sent_,
                     request_start_, log_line_);
}

} // namespace mpmd
