// The connection's side of a CGI request (cgi_exchange.h runs the script): which requests
// go to a script, the body handed over as it arrives, the reply's head and body sent as the
// script writes them, internal redirects, and the access log line at the end.
// Runs in: children, on the thread that serves the request (never the event loop:
// answerable_at_once() is false for a request that may name a script).
#include "child/cgi_exchange.h"
#include "child/cgi_target.h"
#include "child/connection.h"
#include "child/request_log.h"
#include "shared/http/authority.h"
#include "shared/http/cgi_environment.h"
#include "shared/http/url_path.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>

namespace mpmd {

namespace {

constexpr int kMaxInternalRedirects = 10;   // Apache's LimitInternalRecursion

int port_of(const sockaddr_storage& address)
{
    if (address.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
    if (address.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
    return 0;
}

// The GET an internal redirect answers instead (RFC 3875 6.2.2): the request's fields
// without its body's.
HttpRequest redirected_request(const HttpRequest& request, const std::string& location)
{
    HttpRequest next = request;
    next.method = "GET";
    next.method_kind = HttpMethod::Get;
    next.target = location;
    next.expects_continue = false;
    next.body_bytes = 0;
    next.headers.erase(std::remove_if(next.headers.begin(), next.headers.end(),
                                      [](const HttpHeader& h) {
                                          return ascii_iequals(h.name, "Content-Length") ||
                                                 ascii_iequals(h.name, "Transfer-Encoding") ||
                                                 ascii_iequals(h.name, "Content-Type");
                                      }),
                       next.headers.end());
    return next;
}

} // namespace

// What run_cgi needs of the connection (cgi_exchange.h).
class ConnectionCgiClient final : public CgiClient {
public:
    ConnectionCgiClient(Connection& connection, const HttpRequest& request, bool takes_body)
        : c_(connection), request_(request), takes_body_(takes_body)
    {
    }

    int client_fd() const override { return c_.fd(); }
    int64_t body_deadline_ms() const override { return std::min(c_.request_deadline_ms_, c_.stage_.at_ms()); }

    BodyStep take_body(std::string* body) override
    {
        if (!takes_body_)
            return BodyStep::Done;
        if (!c_.early_body_.empty()) {
            body->append(c_.early_body_);
            c_.early_body_.clear();
        }
        if (c_.request_complete_)
            return BodyStep::Done;
        if (c_.error_status_ != 0)
            return BodyStep::Failed;
        if (request_.expects_continue && !c_.continue_answered_) {
            // RFC 9110 10.1.1: the script is running, so the body is wanted.
            c_.continue_answered_ = true;
            static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            if (!c_.send_bytes(kContinue, true))
                return BodyStep::Failed;
        }
        c_.parser_.set_body_sink(body);
        const BodyStep step = pump();
        c_.parser_.set_body_sink(nullptr);
        return step;
    }

    bool send_head(Response& response) override
    {
        keep_alive_ = c_.keep_alive_after(request_) && c_.request_complete_ &&
                      (response.streamed_length >= 0 || request_.version >= 11);
        c_.start_reply(request_, response, keep_alive_);
        return c_.write_reply(response, true) == Connection::Progress::Done;
    }

    bool send_body(std::string_view bytes) override { return c_.send_bytes(bytes, true); }

    bool keep_alive() const { return keep_alive_; }

private:
    // What is buffered, then at most one receive (a burst): a fast client cannot make the
    // body run ahead of the script without bound.
    BodyStep pump()
    {
        for (int round = 0;; ++round) {
            if (!c_.buffer_.empty()) {
                const RequestParser::Result result = c_.parser_.feed(c_.buffer_.data(), c_.buffer_.size());
                c_.buffer_.erase(0, result.consumed);
                if (result.status == RequestParser::Status::Error) {
                    c_.error_status_ = result.http_status;
                    return BodyStep::Failed;
                }
                if (result.status == RequestParser::Status::Complete) {
                    c_.request_complete_ = true;
                    return BodyStep::Done;
                }
            }
            if (round > 0)
                return BodyStep::More;
            if (c_.peer_closed_)
                return BodyStep::Failed;
            const ssize_t got = c_.receive_into_buffer();
            if (got < 0)
                return BodyStep::Failed;
            if (got == 0 && !c_.peer_closed_)
                return BodyStep::More;
            c_.stage_.add_bytes(size_t(got));
        }
    }

    Connection& c_;
    const HttpRequest& request_;
    bool takes_body_;
    bool keep_alive_ = false;
};

bool Connection::cgi_may_apply(const HttpRequest& request) const
{
    if (env_.cgi == nullptr || request.method_kind == HttpMethod::Trace)
        return false;
    const UrlPath url = parse_url_path(request.target);
    return url.status == 0 && !url.asterisk && may_be_cgi(url.path, config_.settings_of(vhost_).cgi);
}

// The script `target` names for `request`, or 0 with cgi_refusal_ set (the dispatch then
// answers it) or nothing found.
bool Connection::find_script(const HttpRequest& request, CgiTarget* target)
{
    cgi_refusal_ = 0;
    if (env_.cgi == nullptr || request.method_kind == HttpMethod::Trace)
        return false;
    const UrlPath url = parse_url_path(request.target);
    const HostSettings host = config_.settings_of(vhost_);
    if (url.status != 0 || url.asterisk || !may_be_cgi(url.path, host.cgi) ||
        dot_path_denied(url.path, host.file_access.dot_files))
        return false;   // the static handler answers (and logs) these
    *target = find_cgi_target(url.path, host, env_.runtime->error_log_for(vhost_), client_port_);
    if (target->kind == CgiTarget::Kind::Refused)
        cgi_refusal_ = target->status;
    return target->kind == CgiTarget::Kind::Script;
}

bool Connection::serve_cgi(WorkerReport& report)
{
    const HttpRequest& request = parser_.request();
    CgiTarget target;
    if (!find_script(request, &target))
        return false;
    report.request_started(request.request_line.empty() ? std::string_view("-") : request.request_line,
                           vhost_name());
    report.set_status(WorkerStatus::Writing);
    const HostSettings host = config_.settings_of(vhost_);
    sockaddr_storage local{};
    socklen_t local_length = sizeof local;
    std::string server_addr;
    if (getsockname(fd(), reinterpret_cast<sockaddr*>(&local), &local_length) == 0)
        server_addr = client_address(local);
    ErrorLog& log = env_.runtime->error_log_for(vhost_);

    HttpRequest redirected;
    const HttpRequest* current = &request;
    CgiResult result;
    for (int hops = 0;; ++hops) {
        const UrlPath url = parse_url_path(current->target);
        const std::string path_translated = target.path_info.empty() ? std::string()
                                                                     : host.document_root + target.path_info;
        const std::string_view named_host = request_host(*current);
        const CgiRequestInfo info{*current,
                                  target.script_name,
                                  target.filename,
                                  target.path_info,
                                  path_translated,
                                  url.query.empty() ? std::string_view() : std::string_view(url.query).substr(1),
                                  host.document_root,
                                  target.context_prefix,
                                  target.context_root,
                                  named_host.empty() ? std::string_view(host.server_name) : named_host,
                                  env_.runtime->banner,
                                  server_addr,
                                  local_port_,
                                  client_,
                                  port_of(client_addr_),
                                  transport_->encrypted()};
        const CgiCommand command{target.filename, target.directory, cgi_environment(info)};
        ConnectionCgiClient client(*this, *current, current == &request);
        const CgiSettingsForRun settings{config_.cgi_script_timeout, &clock_, &log, client_port_,
                                         current->method_kind == HttpMethod::Head, current->version};
        result = run_cgi(command, *env_.cgi, client, settings);
        if (result.kind == CgiResult::Kind::Sent) {
            body_sent_ = result.body_sent;
            conclude(request, result.response, client.keep_alive(), true, report);
            return true;
        }
        if (result.kind != CgiResult::Kind::LocalRedirect)
            break;
        if (hops + 1 >= kMaxInternalRedirects) {
            log_client_error_to(log, LogLevel::Error, "core", client_port_,
                                "AH00124: Request exceeded the limit of %d internal redirects", kMaxInternalRedirects);
            result.kind = CgiResult::Kind::Answer;
            result.response = error_response(500);
            break;
        }
        redirected = redirected_request(*current, result.location);
        current = &redirected;
        if (!find_script(*current, &target)) {
            result.kind = CgiResult::Kind::Answer;
            result.response = dispatch(*current);
            if (request.method_kind == HttpMethod::Head)
                result.response.send_body = false;
            break;
        }
    }
    switch (result.kind) {
    case CgiResult::Kind::Answer: {
        const bool keep_alive = keep_alive_after(request) && request_complete_;
        const bool sent = send_reply(request, result.response, keep_alive, true);
        conclude(request, result.response, keep_alive, sent, report);
        return true;
    }
    case CgiResult::Kind::Cut:
        body_sent_ = result.body_sent;
        conclude(request, result.response, false, false, report);
        return true;
    case CgiResult::Kind::BodyFailed: {
        if (peer_closed_ && error_status_ == 0) {
            close();
            return true;
        }
        // The parser refused the body (413, 400), or it did not arrive in time (408).
        Response response = error_response(error_status_ != 0 ? error_status_ : 408);
        send_reply(request, response, false, true);
        log_request(request, response, &report);
        report.request_finished(body_sent_);
        begin_linger();
        return true;
    }
    default:
        return true;
    }
}

} // namespace mpmd
