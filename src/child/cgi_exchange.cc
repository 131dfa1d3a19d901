// See cgi_exchange.h.
#include "child/cgi_exchange.h"

#include "shared/http/cgi_head.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace mpmd {

namespace {

constexpr size_t kReadSize = 16384;
constexpr size_t kMaxBodyAhead = 65536;      // request body read ahead of what the script took
constexpr size_t kWholeAnswerBytes = 65536;  // output that ends within this is answered whole
constexpr size_t kMaxStderrLine = 8192;

class Exchange {
public:
    Exchange(const CgiCommand& command, CgiProcess& process, CgiClient& client, const CgiSettingsForRun& settings)
        : command_(command), process_(process), client_(client), settings_(settings)
    {
        touch();
    }

    CgiResult run()
    {
        CgiResult result = exchange();
        read_stderr(true);   // what it said before it ended, a crash's last words too
        return result;
    }

private:
    CgiResult exchange();
    enum class Wait { Ready, TimedOut, BodyTimedOut, Failed };

    void touch() { activity_deadline_ = settings_.clock->monotonic_ms() + 1000LL * settings_.timeout_seconds; }
    Wait wait(bool want_body, bool want_output);
    void read_stderr(bool flush);
    bool read_stdout();          // false at its end
    bool feed_stdin();
    Response error(int status, const char* what);
    CgiResult stream(CgiHead& head);
    bool send_out(std::string_view bytes);

    const CgiCommand& command_;
    CgiProcess& process_;
    CgiClient& client_;
    const CgiSettingsForRun& settings_;
    int64_t activity_deadline_ = 0;
    std::string body_;           // request body not yet written to the script
    bool body_done_ = false;
    std::string output_;         // stdout not yet parsed or sent
    bool output_ended_ = false;
    std::string stderr_line_;
    bool chunked_ = false;
    off_t promised_ = -1;        // the script's Content-Length, when it gave one
    uint64_t sent_ = 0;
};

// The script's stderr, line by line, to the error log with its name, as Apache's AH01215.
void Exchange::read_stderr(bool flush)
{
    if (process_.stderr_fd.get() >= 0) {
        char buffer[kReadSize];
        for (;;) {
            const ssize_t n = read(process_.stderr_fd.get(), buffer, sizeof buffer);
            if (n > 0) {
                stderr_line_.append(buffer, size_t(n));
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n == 0)
                process_.stderr_fd.reset();
            break;
        }
    }
    size_t start = 0;
    for (;;) {
        size_t end = stderr_line_.find('\n', start);
        if (end == std::string::npos) {
            if (stderr_line_.size() - start < kMaxStderrLine && !(flush && start < stderr_line_.size()))
                break;
            end = std::min(stderr_line_.size(), start + kMaxStderrLine);
        }
        std::string line = stderr_line_.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        start = end < stderr_line_.size() && stderr_line_[end] == '\n' ? end + 1 : end;
        if (!line.empty())
            log_client_error_to(*settings_.error_log, LogLevel::Error, "cgi", settings_.client, "AH01215: %s: %s",
                                line.c_str(), command_.program.c_str());
        if (start >= stderr_line_.size())
            break;
    }
    stderr_line_.erase(0, start);
}

bool Exchange::read_stdout()
{
    char buffer[kReadSize];
    for (;;) {
        const ssize_t n = read(process_.stdout_fd.get(), buffer, sizeof buffer);
        if (n > 0) {
            output_.append(buffer, size_t(n));
            touch();
            if (output_.size() >= kMaxEarlyOutput)
                return true;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        output_ended_ = true;
        return false;
    }
}

// Writes what of the body the pipe takes; a script that closed its stdin takes no more
// (the rest is still read from the client and dropped, so the connection stays in step).
bool Exchange::feed_stdin()
{
    while (!body_.empty() && process_.stdin_fd.get() >= 0) {
        const ssize_t n = write(process_.stdin_fd.get(), body_.data(), body_.size());
        if (n > 0) {
            body_.erase(0, size_t(n));
            touch();
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        process_.stdin_fd.reset();   // EPIPE: it will read no more
    }
    if (process_.stdin_fd.get() < 0)
        body_.clear();
    if (body_done_ && body_.empty())
        process_.stdin_fd.reset();   // the script sees the end of its input
    return true;
}

Exchange::Wait Exchange::wait(bool want_body, bool want_output)
{
    pollfd fds[4];
    nfds_t n = 0;
    int64_t deadline = activity_deadline_;
    if (want_body) {
        fds[n++] = {client_.client_fd(), POLLIN, 0};
        deadline = std::min(deadline, client_.body_deadline_ms());
    }
    if (!body_.empty() && process_.stdin_fd.get() >= 0)
        fds[n++] = {process_.stdin_fd.get(), POLLOUT, 0};
    if (want_output && !output_ended_)
        fds[n++] = {process_.stdout_fd.get(), POLLIN, 0};
    if (process_.stderr_fd.get() >= 0)
        fds[n++] = {process_.stderr_fd.get(), POLLIN, 0};
    const int64_t now = settings_.clock->monotonic_ms();
    if (now >= deadline)
        return want_body && deadline == client_.body_deadline_ms() && deadline < activity_deadline_
                   ? Wait::BodyTimedOut
                   : Wait::TimedOut;
    if (n == 0)
        return Wait::Failed;
    const int timeout = int(std::min<int64_t>(deadline - now, 60000));
    const int ready = poll(fds, n, timeout);
    if (ready < 0 && errno != EINTR)
        return Wait::Failed;
    return Wait::Ready;
}

Response Exchange::error(int status, const char* what)
{
    if (what != nullptr)
        log_client_error_to(*settings_.error_log, LogLevel::Error, "cgi", settings_.client, "%s: %s", what,
                            command_.program.c_str());
    return error_response(status);
}

bool Exchange::send_out(std::string_view bytes)
{
    if (settings_.head_only || bytes.empty())
        return true;
    if (promised_ >= 0) {
        const uint64_t left = uint64_t(promised_) - sent_;
        bytes = bytes.substr(0, size_t(std::min<uint64_t>(left, bytes.size())));
        if (bytes.empty())
            return true;
    }
    if (chunked_) {
        char size_line[24];
        const int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", bytes.size());
        if (!client_.send_body(std::string_view(size_line, size_t(len))) || !client_.send_body(bytes) ||
            !client_.send_body("\r\n"))
            return false;
    } else if (!client_.send_body(bytes)) {
        return false;
    }
    sent_ += bytes.size();
    return true;
}

CgiResult Exchange::stream(CgiHead& head)
{
    CgiResult result;
    Response& response = result.response;
    response.status = head.status;
    response.headers = std::move(head.headers);
    // Short output that ends soon is answered whole, with its length (and, over HTTP/1.0,
    // without losing keep-alive).
    while (!output_ended_ && output_.size() < kWholeAnswerBytes) {
        read_stderr(false);
        if (!read_stdout())
            break;
        if (output_ended_ || output_.size() >= kWholeAnswerBytes)
            break;
        const Wait waited = wait(false, true);
        if (waited == Wait::TimedOut) {
            result.response = error(504, "AH01220: Timeout waiting for output from CGI script");
            return result;
        }
        if (waited == Wait::Failed) {
            result.response = error(500, "AH01215: lost the script's pipes");
            return result;
        }
    }
    if (output_ended_) {
        if (head.content_length >= 0 && off_t(output_.size()) > head.content_length)
            output_.resize(size_t(head.content_length));
        if (head.content_length >= 0 && off_t(output_.size()) < head.content_length) {
            result.response = error(500, "AH01215: the script's output is shorter than its Content-Length");
            return result;
        }
        response.body = std::move(output_);
        return result;
    }
    response.streamed = true;
    response.streamed_length = head.content_length;
    promised_ = head.content_length;
    chunked_ = promised_ < 0 && settings_.http_version >= 11 && !settings_.head_only;
    if (!client_.send_head(response)) {
        result.kind = CgiResult::Kind::Cut;
        return result;
    }
    result.kind = CgiResult::Kind::Cut;
    for (;;) {
        if (!send_out(output_)) {
            result.body_sent = sent_;
            return result;
        }
        output_.clear();
        if (output_ended_)
            break;
        read_stderr(false);
        if (!read_stdout() || !output_.empty())
            continue;
        const Wait waited = wait(false, true);
        if (waited == Wait::TimedOut || waited == Wait::Failed) {
            log_client_error_to(*settings_.error_log, LogLevel::Error, "cgi", settings_.client,
                                "AH01220: Timeout waiting for output from CGI script %s", command_.program.c_str());
            result.body_sent = sent_;
            return result;
        }
    }
    result.body_sent = sent_;
    if (promised_ >= 0 && sent_ < uint64_t(promised_) && !settings_.head_only)
        return result;   // fewer bytes than it promised: the client must see a cut
    if (chunked_ && !client_.send_body("0\r\n\r\n"))
        return result;
    result.kind = CgiResult::Kind::Sent;
    return result;
}

CgiResult Exchange::exchange()
{
    CgiResult result;
    CgiHead head;
    bool head_done = false;
    for (;;) {
        if (!body_done_ && body_.size() < kMaxBodyAhead) {
            switch (client_.take_body(&body_)) {
            case CgiClient::BodyStep::More:
                break;
            case CgiClient::BodyStep::Done:
                body_done_ = true;
                break;
            case CgiClient::BodyStep::Failed:
                result.kind = CgiResult::Kind::BodyFailed;
                return result;
            }
        }
        feed_stdin();
        read_stderr(false);
        // Output is read while the body goes in, header or not, so a script that answers
        // early does not stall on a full pipe (and poll, which waits for it, does not spin).
        if (output_.size() < kMaxEarlyOutput && !output_ended_)
            read_stdout();
        if (!head_done) {
            const CgiHeadResult parsed = parse_cgi_head(output_, &head);
            if (parsed.outcome == CgiHeadResult::Outcome::Malformed) {
                result.response = error(500, ("AH01215: malformed header from script: " + parsed.problem).c_str());
                return result;
            }
            if (parsed.outcome == CgiHeadResult::Outcome::Complete) {
                output_.erase(0, parsed.consumed);
                head_done = true;
            } else if (output_ended_) {
                result.response = error(500, "AH01215: End of script output before headers");
                return result;
            }
        }
        const bool body_in = body_done_ || process_.stdin_fd.get() < 0;
        if (head_done && body_in && body_.empty())
            break;
        const bool want_body = !body_done_ && body_.size() < kMaxBodyAhead;
        switch (wait(want_body, !head_done || output_.size() < kMaxEarlyOutput)) {
        case Wait::Ready:
            break;
        case Wait::BodyTimedOut:
            result.kind = CgiResult::Kind::BodyFailed;
            return result;
        case Wait::TimedOut:
            result.response = error(504, "AH01220: Timeout waiting for output from CGI script");
            return result;
        case Wait::Failed:
            result.response = error(500, "AH01215: lost the script's pipes");
            return result;
        }
    }
    if (head.kind == CgiHead::Kind::LocalRedirect) {
        result.kind = CgiResult::Kind::LocalRedirect;
        result.location = head.location;
        return result;
    }
    return stream(head);
}

} // namespace

CgiResult run_cgi(const CgiCommand& command, CgiLauncher& launcher, CgiClient& client,
                  const CgiSettingsForRun& settings)
{
    CgiProcess process;
    std::string problem;
    if (!launcher.launch(command, &process, &problem)) {
        log_client_error_to(*settings.error_log, LogLevel::Error, "cgi", settings.client,
                            "AH01223: couldn't create child process: %s: %s", problem.c_str(),
                            command.program.c_str());
        CgiResult result;
        result.response = error_response(500);
        return result;
    }
    CgiResult result = Exchange(command, process, client, settings).run();
    launcher.finish(process);
    return result;
}

} // namespace mpmd
