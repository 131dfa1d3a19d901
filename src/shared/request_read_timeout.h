// RequestReadTimeout: the value of the directive of that name (Apache's mod_reqtimeout), one
// deadline per stage of reading a request (the head, then the body), and ReadDeadline, the
// arithmetic of one such deadline: `timeout` seconds from its start, extended by one second
// per `min_rate` bytes received, never past `max_timeout` seconds from its start.
// Pure: no clock, no I/O; callers pass monotonic milliseconds.
// Runs in: master (parse, at config load), children (deadlines, per connection).
// Leans on: Apache httpd 2.4 mod_reqtimeout (syntax, defaults, its checks and rate rule).
#ifndef MPMD_SHARED_REQUEST_READ_TIMEOUT_H
#define MPMD_SHARED_REQUEST_READ_TIMEOUT_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

// The value's shape, for docs and "(allowed: ...)".
inline constexpr std::string_view kRequestReadTimeoutSyntax =
    "[header=timeout[-maxtimeout][,MinRate=rate]] [body=timeout[-maxtimeout][,MinRate=rate]]";
// Apache 2.4's default (since 2.4.39).
inline constexpr std::string_view kRequestReadTimeoutDefault =
    "header=20-40,MinRate=500 body=20,MinRate=500";
inline constexpr long long kMaxReadTimeoutSeconds = 86400;

struct ReadTimeoutStage {
    int timeout = 0;         // seconds; 0 = this stage has no deadline
    int max_timeout = 0;     // seconds from the start; 0 = no cap (then min_rate extends freely)
    long long min_rate = 0;  // bytes per second that earn one more second; 0 = no extension

    bool enabled() const { return timeout > 0; }
    bool operator==(const ReadTimeoutStage& o) const
    {
        return timeout == o.timeout && max_timeout == o.max_timeout && min_rate == o.min_rate;
    }
};

struct RequestReadTimeout {
    ReadTimeoutStage header{20, 40, 500};
    ReadTimeoutStage body{20, 0, 500};

    // The words of one directive value. A stage not named keeps its default (as in Apache).
    // nullopt with *problem set ("...; allowed: <syntax>" is the caller's) on a bad word.
    static std::optional<RequestReadTimeout> parse(const std::vector<std::string>& words,
                                                   std::string* problem);
    // The canonical spelling, e.g. "header=20-40,MinRate=500 body=20,MinRate=500".
    std::string format() const;
};

// One stage's deadline for one request. A default-constructed one (or one of a disabled
// stage) never expires.
class ReadDeadline {
public:
    ReadDeadline() = default;
    ReadDeadline(const ReadTimeoutStage& stage, int64_t start_ms);

    bool active() const { return active_; }
    // Bytes of this stage received; each min_rate of them moves the deadline 1 s later.
    void add_bytes(size_t bytes) { bytes_ += bytes; }
    // Monotonic milliseconds at which the stage has failed; INT64_MAX when not active.
    int64_t at_ms() const;
    bool expired(int64_t now_ms) const { return active_ && now_ms >= at_ms(); }

private:
    ReadTimeoutStage stage_;
    int64_t start_ms_ = 0;
    uint64_t bytes_ = 0;
    bool active_ = false;
};

} // namespace mpmd

#endif
