// LogFormat: compiling Apache format strings and formatting access-log lines.
// Runs in: master (compile) and children (append, on every request: no iostreams, no
// locale, no allocation once `out` has grown). Leans on: localtime_r(3), strftime(3).
#include "shared/log_format.h"

#include "shared/http/http_request.h"

#include <charconv>

namespace mpmd {

namespace {

bool lookup_fields(const void* headers, std::string_view name, std::string_view* value)
{
    for (const HttpHeader& field : *static_cast<const std::vector<HttpHeader>*>(headers)) {
        if (ascii_iequals(field.name, name)) {
            *value = field.value;
            return true;
        }
    }
    return false;
}

bool needs_escape(unsigned char c, LogEscape mode)
{
    return c < 0x20 || c >= 0x7f || c == '\\' || (c == '"' && mode == LogEscape::AccessLog);
}

// Decimal, without the locale (std::to_chars); Integer is any of the record's integer types.
template <class Integer>
void append_number(std::string& out, Integer value)
{
    char buf[24]; // 20 digits of uint64_t, or a sign and 19 digits
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, res.ptr);
}

// value zero-padded to `width` digits (width <= 9, value >= 0).
void append_padded(std::string& out, long value, int width)
{
    char buf[9];
    for (int i = width - 1; i >= 0; --i) {
        buf[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(buf, static_cast<size_t>(width));
}

// httpd prints "-" for a status or port that is not set.
void append_positive_or_dash(std::string& out, int value)
{
    if (value > 0)
        append_number(out, value);
    else
        out += '-';
}

void append_field(std::string& out, std::string_view value)
{
    if (value.empty())
        out += '-';
    else
        append_log_escaped(out, value, LogEscape::AccessLog);
}

void append_header(std::string& out, const HeaderSource& headers, const std::string& name)
{
    std::string_view value;
    if (headers.find(name, &value))
        append_log_escaped(out, value, LogEscape::AccessLog);
    else
        out += '-';
}

// "[10/Oct/2000:13:55:36 -0700]" in local time. Formatted at most once per second per
// thread: every request within the same second reuses the text.
void append_clf_time(std::string& out, time_t sec)
{
    struct Cache {
        time_t sec = -1;
        std::string text;
    };
    thread_local Cache cache;
    if (cache.sec != sec) {
        struct tm tm {};
        localtime_r(&sec, &tm);
        std::string& t = cache.text;
        t.clear();
        t += '[';
        append_padded(t, tm.tm_mday, 2);
        t += '/';
        t += kMonthNames[tm.tm_mon];
        t += '/';
        append_padded(t, tm.tm_year + 1900, 4);
        t += ':';
        append_padded(t, tm.tm_hour, 2);
        t += ':';
        append_padded(t, tm.tm_min, 2);
        t += ':';
        append_padded(t, tm.tm_sec, 2);
        long offset_min = tm.tm_gmtoff / 60;
        t += offset_min < 0 ? " -" : " +";
        if (offset_min < 0)
            offset_min = -offset_min;
        append_padded(t, offset_min / 60 * 100 + offset_min % 60, 4);
        t += ']';
        cache.sec = sec;
    }
    out += cache.text;
}

void append_strftime(std::string& out, time_t sec, const std::string& format)
{
    struct tm tm {};
    localtime_r(&sec, &tm);
    char buf[256];
    // The format is the administrator's, from the config (never request data), so it cannot
    // be a literal. A result that does not fit in buf is left out (strftime returns 0).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    const size_t n = strftime(buf, sizeof buf, format.c_str(), &tm);
#pragma GCC diagnostic pop
    out.append(buf, n);
}

struct timespec item_time(const AccessRecord& record, bool at_end)
{
    struct timespec ts = record.start;
    if (at_end && record.duration_us > 0) {
        const int64_t nsec = ts.tv_nsec + (record.duration_us % 1000000) * 1000;
        ts.tv_sec += static_cast<time_t>(record.duration_us / 1000000 + nsec / 1000000000);
        ts.tv_nsec = static_cast<long>(nsec % 1000000000);
    }
    return ts;
}

using Kind = LogFormat::Kind;

// The directives without a header name or time format: letter, accepted {argument} ("" for
// none; httpd's own arguments where they have a meaning here) and what it logs.
struct Directive {
    char letter;
    std::string_view arg;
    Kind kind;
};
constexpr Directive kDirectives[] = {
    {'h', "", Kind::ClientIp},      {'a', "", Kind::ClientIp},    {'a', "c", Kind::PeerIp},
    {'l', "", Kind::Dash},          {'u', "", Kind::RemoteUser},  {'r', "", Kind::RequestLine},
    {'s', "", Kind::Status},        {'b', "", Kind::BodyBytesClf}, {'B', "", Kind::BodyBytes},
    {'D', "", Kind::DurationUs},    {'T', "", Kind::DurationS},   {'T', "s", Kind::DurationS},
    {'T', "ms", Kind::DurationMs},  {'T', "us", Kind::DurationUs}, {'U', "", Kind::UrlPath},
    {'q', "", Kind::Query},         {'m', "", Kind::Method},      {'H', "", Kind::Protocol},
    {'v', "", Kind::ServerName},    {'p', "", Kind::LocalPort},   {'p', "local", Kind::LocalPort},
    {'p', "canonical", Kind::LocalPort}, {'P', "", Kind::Pid},    {'P', "pid", Kind::Pid},
};

// %{...}t: an optional begin:/end: prefix, then a unit or a strftime(3) format.
LogFormat::Item make_time_item(std::string_view arg)
{
    LogFormat::Item item{Kind::TimeStrftime, {}, false};
    if (arg.substr(0, 6) == "begin:") {
        arg.remove_prefix(6);
    } else if (arg.substr(0, 4) == "end:") {
        arg.remove_prefix(4);
        item.at_end = true;
    }
    constexpr std::pair<std::string_view, Kind> kUnits[] = {
        {"", Kind::Time},          {"sec", Kind::TimeSec},
        {"msec", Kind::TimeMsec},  {"usec", Kind::TimeUsec},
        {"msec_frac", Kind::TimeMsecFrac}, {"usec_frac", Kind::TimeUsecFrac},
    };
    for (const auto& [unit, kind] : kUnits)
        if (arg == unit)
            item.kind = kind;
    if (item.kind == Kind::TimeStrftime)
        item.text = std::string(arg);
    return item;
}

// The item for directive `letter` with argument `arg` ("" when none was given); `spec` is
// the directive's whole text for error messages.
std::optional<LogFormat::Item> make_item(char letter, std::string_view arg, std::string_view spec,
                                         std::string* error)
{
    if (letter == 't')
        return make_time_item(arg);
    if (letter == 'i' || letter == 'o') {
        if (arg.empty()) {
            *error = "log format directive " + std::string(spec) +
                     " needs a header name, as in %{Referer}" + letter;
            return std::nullopt;
        }
        return LogFormat::Item{letter == 'i' ? Kind::RequestHeader : Kind::ResponseHeader,
                               std::string(arg), false};
    }
    bool known_letter = false;
    for (const Directive& d : kDirectives) {
        if (d.letter != letter)
            continue;
        known_letter = true;
        if (d.arg == arg)
            return LogFormat::Item{d.kind, {}, false};
    }
    *error = (known_letter ? "unsupported {argument} in log format directive "
                           : "unknown log format directive ") + std::string(spec);
    return std::nullopt;
}

void add_literal(std::vector<LogFormat::Item>& items, std::string_view text)
{
    if (items.empty() || items.back().kind != Kind::Literal)
        items.push_back({Kind::Literal, {}, false});
    items.back().text += text;
}

} // namespace

HeaderSource header_source(const std::vector<HttpHeader>& headers)
{
    return HeaderSource{&headers, &lookup_fields};
}

void append_log_escaped(std::string& out, std::string_view text, LogEscape mode)
{
    static constexpr char kHex[] = "0123456789abcdef";
    size_t run = 0; // start of the bytes not yet copied
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (!needs_escape(c, mode))
            continue;
        out.append(text.data() + run, i - run);
        run = i + 1;
        out += '\\';
        switch (c) {
        case '\b': out += 'b'; break;
        case '\n': out += 'n'; break;
        case '\r': out += 'r'; break;
        case '\t': out += 't'; break;
        case '\v': out += 'v'; break;
        case '\\':
        case '"': out += static_cast<char>(c); break;
        default:
            out += 'x';
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
    }
    out.append(text.data() + run, text.size() - run);
}

std::optional<LogFormat> LogFormat::compile(std::string_view format, std::string* error)
{
    std::string scratch;
    if (error == nullptr)
        error = &scratch;
    LogFormat result;
    result.source_ = std::string(format);
    std::vector<Item>& items = result.items_;
    size_t pos = 0;
    while (pos < format.size()) {
        const char c = format[pos];
        if (c == '\n' || c == '\r') {
            *error = "log format contains a line break";
            return std::nullopt;
        }
        if (c == '\\' && pos + 1 < format.size()) {
            const char next = format[pos + 1];
            if (next == 'n' || next == 'r') {
                *error = std::string("log format contains \\") + next +
                         ", which would split the log line";
                return std::nullopt;
            }
            if (next == '\\' || next == '"' || next == 't') {
                const std::string_view text = next == 't' ? "\t" : format.substr(pos + 1, 1);
                add_literal(items, text);
                pos += 2;
                continue;
            }
        }
        if (c != '%') {
            const size_t end = format.find_first_of("%\\\n\r", pos + 1);
            const size_t stop = end == std::string_view::npos ? format.size() : end;
            add_literal(items, format.substr(pos, stop - pos));
            pos = stop;
            continue;
        }
        const size_t start = pos++;
        std::string_view arg;
        // Before the letter: an optional {argument}, and httpd's < and > modifiers, which pick
        // the original or final request of an internal redirect; mpmd has no internal
        // redirects, so both are accepted and mean the one request.
        constexpr std::string_view kBeforeLetter = "<>{";
        while (pos < format.size() && kBeforeLetter.find(format[pos]) != std::string_view::npos) {
            if (format[pos] == '{') {
                const size_t close = format.find('}', pos);
                if (close == std::string_view::npos) {
                    *error = "log format has an unterminated %{ at \"" +
                             std::string(format.substr(start)) + "\"";
                    return std::nullopt;
                }
                arg = format.substr(pos + 1, close - pos - 1);
                pos = close + 1;
            } else {
                ++pos;
            }
        }
        if (pos >= format.size()) {
            *error = "log format ends inside the directive \"" +
                     std::string(format.substr(start)) + "\"";
            return std::nullopt;
        }
        const char letter = format[pos++];
        if (letter == '%' && arg.empty()) {
            add_literal(items, "%");
            continue;
        }
        auto item = make_item(letter, arg, format.substr(start, pos - start), error);
        if (!item)
            return std::nullopt;
        items.push_back(std::move(*item));
    }
    return result;
}

void LogFormat::append(const AccessRecord& record, std::string& out) const
{
    for (const Item& item : items_) {
        switch (item.kind) {
        case Kind::Literal: out += item.text; break;
        case Kind::ClientIp: append_field(out, record.client_ip); break;
        case Kind::PeerIp: append_field(out, record.peer_ip.empty() ? record.client_ip : record.peer_ip); break;
        case Kind::Dash: out += '-'; break;
        case Kind::RemoteUser: append_field(out, record.remote_user); break;
        case Kind::Time: append_clf_time(out, item_time(record, item.at_end).tv_sec); break;
        case Kind::TimeStrftime:
            append_strftime(out, item_time(record, item.at_end).tv_sec, item.text);
            break;
        case Kind::TimeSec: append_number(out, item_time(record, item.at_end).tv_sec); break;
        case Kind::TimeMsec:
        case Kind::TimeUsec: {
            const struct timespec ts = item_time(record, item.at_end);
            const int64_t scale = item.kind == Kind::TimeMsec ? 1000 : 1000000;
            append_number(out, int64_t{ts.tv_sec} * scale + ts.tv_nsec / (1000000000 / scale));
            break;
        }
        case Kind::TimeMsecFrac:
            append_padded(out, item_time(record, item.at_end).tv_nsec / 1000000, 3);
            break;
        case Kind::TimeUsecFrac:
            append_padded(out, item_time(record, item.at_end).tv_nsec / 1000, 6);
            break;
        case Kind::RequestLine: append_field(out, record.request_line); break;
        case Kind::Status: append_positive_or_dash(out, record.status); break;
        case Kind::BodyBytesClf:
            if (record.body_bytes == 0)
                out += '-';
            else
                append_number(out, record.body_bytes);
            break;
        case Kind::BodyBytes: append_number(out, record.body_bytes); break;
        case Kind::DurationUs: append_number(out, record.duration_us); break;
        case Kind::DurationMs: append_number(out, record.duration_us / 1000); break;
        case Kind::DurationS: append_number(out, record.duration_us / 1000000); break;
        case Kind::UrlPath: append_field(out, record.url_path); break;
        case Kind::Query:
            if (!record.query.empty()) {
                out += '?';
                append_log_escaped(out, record.query, LogEscape::AccessLog);
            }
            break;
        case Kind::Method: append_field(out, record.method); break;
        case Kind::Protocol: append_field(out, record.protocol); break;
        case Kind::ServerName: append_field(out, record.server_name); break;
        case Kind::LocalPort: append_positive_or_dash(out, record.local_port); break;
        case Kind::Pid: append_number(out, record.pid); break;
        case Kind::RequestHeader: append_header(out, record.request_headers, item.text); break;
        case Kind::ResponseHeader: append_header(out, record.response_headers, item.text); break;
        }
    }
    out += '\n';
}

} // namespace mpmd
