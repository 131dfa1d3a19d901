// See request_read_timeout.h. The checks and their order follow mod_reqtimeout's
// set_reqtimeout_param(): a range needs MinRate, the maximum must exceed the initial
// timeout, MinRate must be above 0.
#include "shared/request_read_timeout.h"

#include "shared/directive.h"

#include <climits>

namespace mpmd {

namespace {

std::optional<int> parse_seconds(std::string_view text, std::string_view what, std::string* problem)
{
    const std::optional<long long> n = parse_integer(text);
    if (!n || *n < 0 || *n > kMaxReadTimeoutSeconds) {
        *problem = std::string(what) + " \"" + std::string(text) + "\" is not a number of seconds 0.." +
                   std::to_string(kMaxReadTimeoutSeconds);
        return std::nullopt;
    }
    return int(*n);
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix)
{
    return text.size() >= prefix.size() && equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

// "timeout[-maxtimeout][,MinRate=rate]" for stage `name`.
bool parse_stage(std::string_view name, std::string_view value, ReadTimeoutStage* out, std::string* problem)
{
    ReadTimeoutStage stage;
    std::string_view times = value;
    const size_t comma = value.find(',');
    if (comma != std::string_view::npos) {
        times = value.substr(0, comma);
        const std::string_view option = value.substr(comma + 1);
        if (!starts_with_ignoring_case(option, "MinRate=")) {
            *problem = std::string(name) + ": unknown option \"" + std::string(option) + "\" (only MinRate=rate)";
            return false;
        }
        const std::string_view rate = option.substr(8);
        const std::optional<long long> n = parse_integer(rate);
        if (!n || *n <= 0 || *n > INT_MAX) {
            *problem = std::string(name) + ": MinRate \"" + std::string(rate) +
                       "\" must be a number of bytes per second above 0";
            return false;
        }
        stage.min_rate = *n;
    }
    const size_t dash = times.find('-');
    const std::optional<int> first =
        parse_seconds(times.substr(0, dash), std::string(name) + ": timeout", problem);
    if (!first)
        return false;
    stage.timeout = *first;
    if (dash != std::string_view::npos) {
        const std::optional<int> max =
            parse_seconds(times.substr(dash + 1), std::string(name) + ": maxtimeout", problem);
        if (!max)
            return false;
        if (stage.min_rate == 0) {
            *problem = std::string(name) + ": a timeout range needs MinRate";
            return false;
        }
        if (*max <= stage.timeout) {
            *problem = std::string(name) + ": maxtimeout must be larger than the timeout";
            return false;
        }
        stage.max_timeout = *max;
    }
    if (stage.timeout == 0)
        stage = ReadTimeoutStage{};   // disabled: nothing else applies
    *out = stage;
    return true;
}

std::string format_stage(std::string_view name, const ReadTimeoutStage& stage)
{
    std::string text = std::string(name) + "=" + std::to_string(stage.timeout);
    if (stage.max_timeout > 0)
        text += "-" + std::to_string(stage.max_timeout);
    if (stage.min_rate > 0)
        text += ",MinRate=" + std::to_string(stage.min_rate);
    return text;
}

} // namespace

std::optional<RequestReadTimeout> RequestReadTimeout::parse(const std::vector<std::string>& words,
                                                            std::string* problem)
{
    RequestReadTimeout out;
    bool seen_header = false;
    bool seen_body = false;
    for (const std::string& word : words) {
        const size_t eq = word.find('=');
        const std::string_view key = std::string_view(word).substr(0, eq);
        if (eq == std::string::npos) {
            *problem = "\"" + word + "\" is not stage=value";
            return std::nullopt;
        }
        const std::string_view value = std::string_view(word).substr(eq + 1);
        ReadTimeoutStage* stage = nullptr;
        bool* seen = nullptr;
        if (equals_ignoring_case(key, "header")) {
            stage = &out.header;
            seen = &seen_header;
        } else if (equals_ignoring_case(key, "body")) {
            stage = &out.body;
            seen = &seen_body;
        } else {
            *problem = "unknown stage \"" + std::string(key) + "\" (header or body; mpmd has no TLS handshake)";
            return std::nullopt;
        }
        if (*seen) {
            *problem = std::string(key) + " is given twice";
            return std::nullopt;
        }
        *seen = true;
        if (!parse_stage(key, value, stage, problem))
            return std::nullopt;
    }
    return out;
}

std::string RequestReadTimeout::format() const
{
    return format_stage("header", header) + " " + format_stage("body", body);
}

ReadDeadline::ReadDeadline(const ReadTimeoutStage& stage, int64_t start_ms)
    : stage_(stage), start_ms_(start_ms), active_(stage.enabled())
{
}

int64_t ReadDeadline::at_ms() const
{
    if (!active_)
        return INT64_MAX;
    int64_t at = start_ms_ + 1000LL * stage_.timeout;
    if (stage_.min_rate > 0) {
        // Apache adds 1/MinRate s per byte as it arrives; from the total, no rounding builds up.
        const uint64_t extra_ms = bytes_ * 1000 / uint64_t(stage_.min_rate);
        const int64_t cap = stage_.max_timeout > 0 ? start_ms_ + 1000LL * stage_.max_timeout : INT64_MAX;
        at = extra_ms >= uint64_t(cap - at) ? cap : at + int64_t(extra_ms);
    }
    return at;
}

} // namespace mpmd
