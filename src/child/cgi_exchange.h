// One CGI request, from the script's start to the end of its output (RFC 3875, as Apache's
// mod_cgi runs it): the request body goes to the script's stdin as it arrives, its stderr
// lines go to the error log with its name (AH01215), its header section is read and checked
// (cgi_head.h), and its body is passed on: an output in whole before anything is sent (it
// ended within 64 KiB, or while the body was still going in) is answered with a
// Content-Length; any other streams, framed by the script's own
// Content-Length, else chunked (HTTP/1.1) or by the close (HTTP/1.0). The script has
// CGIScriptTimeout to write each piece of output (and to take the body): past it, it is
// killed, and the client gets 504 if nothing was sent yet, else a cut connection.
// While the body is still going in, at most kMaxEarlyOutput bytes of output are held; a
// script that writes more before it has read its input waits, and the timeout ends it.
// Runs in: children (the thread that serves the request, waiting with poll(2)).
// Leans on: cgi_launch.h, cgi_head.h, poll(2), read(2), write(2).
#ifndef MPMD_CHILD_CGI_EXCHANGE_H
#define MPMD_CHILD_CGI_EXCHANGE_H

#include "child/cgi_launch.h"
#include "child/clock.h"
#include "shared/error_log.h"
#include "shared/http/response.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace mpmd {

constexpr size_t kMaxEarlyOutput = 1 << 20;

// What the exchange needs of the connection it answers.
class CgiClient {
public:
    enum class BodyStep { More, Done, Failed };
    virtual ~CgiClient() = default;
    virtual int client_fd() const = 0;
    // When the wait for more of the body ends (Timeout, RequestReadTimeout's body stage).
    virtual int64_t body_deadline_ms() const = 0;
    // Appends what of the request body can be had without waiting; Failed: the client
    // closed, or sent a body the parser refused (the connection then closes).
    virtual BodyStep take_body(std::string* body) = 0;
    // Sends the head of a streamed `response` (its framing decided), or body bytes; each
    // waits for the client within Timeout; false: the client is gone.
    virtual bool send_head(Response& response) = 0;
    virtual bool send_body(std::string_view bytes) = 0;
};

struct CgiSettingsForRun {
    int timeout_seconds = 60;          // CGIScriptTimeout
    const Clock* clock = nullptr;
    ErrorLog* error_log = nullptr;
    std::string_view client;           // "ADDR:PORT", for the error log
    bool head_only = false;            // HEAD: the script's body is read and dropped
    int http_version = 11;
};

struct CgiResult {
    enum class Kind {
        Answer,          // `response` is the whole answer, nothing sent yet
        LocalRedirect,   // answer a GET for `location` instead
        Sent,            // head and body streamed; `response` holds the head that went
        Cut,             // streamed in part, then the script or the client failed: close
        BodyFailed,      // the request body did not arrive (or was refused): close
    };
    Kind kind = Kind::Answer;
    Response response;
    std::string location;
    uint64_t body_sent = 0;   // Sent, Cut: body bytes the client was sent
};

CgiResult run_cgi(const CgiCommand& command, CgiLauncher& launcher, CgiClient& client,
                  const CgiSettingsForRun& settings);

} // namespace mpmd

#endif
