// Validators and conditional requests. Dates are converted with the proleptic Gregorian
// day-count formulas (no gmtime_r, whose glibc version takes the time-zone lock, and no
// strftime, which follows the locale).
// Runs in: children. Leans on RFC 9110 5.6.7, 8.8.2.2, 8.8.3, 13.1, 13.1.5, 13.2.2.
#include "shared/http/conditional.h"

#include <cstring>

namespace mpmd {

namespace {

constexpr char kWeekdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kLongWeekdays[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};
constexpr char kMonths[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 for a Gregorian date (month 1..12), valid for any year.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t* y, unsigned* m, unsigned* d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

void put2(char* p, unsigned v)
{
    p[0] = static_cast<char>('0' + v / 10 % 10);
    p[1] = static_cast<char>('0' + v % 10);
}

// Small cursor over the date text; every reader fails (returns false) without moving on error.
struct Cursor {
    std::string_view s;

    bool literal(std::string_view lit)
    {
        if (s.substr(0, lit.size()) != lit)
            return false;
        s.remove_prefix(lit.size());
        return true;
    }
    // Exactly `n` digits (n <= 4), or with `space_pad` a leading space instead of a digit.
    bool digits(size_t n, int* out, bool space_pad = false)
    {
        if (s.size() < n)
            return false;
        int v = 0;
        for (size_t i = 0; i < n; ++i) {
            const char c = s[i];
            if (c == ' ' && space_pad && i == 0 && n > 1)
                continue;
            if (c < '0' || c > '9')
                return false;
            v = v * 10 + (c - '0');
        }
        s.remove_prefix(n);
        *out = v;
        return true;
    }
    bool month(int* out)
    {
        for (int i = 0; i < 12; ++i)
            if (literal(kMonths[i])) {
                *out = i + 1;
                return true;
            }
        return false;
    }
    bool short_weekday()
    {
        for (const char* w : kWeekdays)
            if (literal(w))
                return true;
        return false;
    }
    bool long_weekday()
    {
        for (const char* w : kLongWeekdays)
            if (literal(w))
                return true;
        return false;
    }
    bool time_of_day(int* h, int* mi, int* sec)
    {
        return digits(2, h) && literal(":") && digits(2, mi) && literal(":") && digits(2, sec);
    }
};

bool make_time(int year, int month, int day, int h, int mi, int sec, time_t* out)
{
    static constexpr int kDays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (day < 1 || day > kDays[month - 1] || h > 23 || mi > 59 || sec > 60)
        return false;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap)
        return false;
    const int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    *out = static_cast<time_t>(days * 86400 + h * 3600 + mi * 60 + (sec == 60 ? 59 : sec));
    return true;
}

// Calls `fn(tag)` for each member of an entity-tag list until it returns true. Members are
// split at commas outside quotes; "*" is reported as itself.
template <class Fn>
bool any_etag(std::string_view list, Fn fn)
{
    size_t i = 0;
    while (i < list.size()) {
        bool quoted = false;
        size_t j = i;
        for (; j < list.size(); ++j) {
            if (list[j] == '"')
                quoted = !quoted;
            else if (list[j] == ',' && !quoted)
                break;
        }
        const std::string_view tag = trim_ows(list.substr(i, j - i));
        if (!tag.empty() && fn(tag))
            return true;
        i = j + 1;
    }
    return false;
}

bool is_weak(std::string_view tag)
{
    return tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/';
}

std::string_view opaque(std::string_view tag)
{
    return is_weak(tag) ? tag.substr(2) : tag;
}

// Combines repeated fields by testing each (RFC 9110 5.3: a list may span several lines).
template <class Fn>
bool any_field(const HttpRequest& request, std::string_view name, Fn fn, bool* present)
{
    *present = false;
    for (const HttpHeader& h : request.headers) {
        if (!ascii_iequals(h.name, name))
            continue;
        *present = true;
        if (fn(h.value))
            return true;
    }
    return false;
}

} // namespace

void format_http_date(time_t t, char out[29])
{
    const int64_t secs = static_cast<int64_t>(t);
    int64_t days = secs / 86400;
    int64_t rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    int64_t year;
    unsigned month;
    unsigned day;
    civil_from_days(days, &year, &month, &day);
    const int64_t wd = ((days % 7) + 11) % 7;   // 1970-01-01 was a Thursday (4)
    std::memcpy(out, kWeekdays[wd], 3);
    out[3] = ',';
    out[4] = ' ';
    put2(out + 5, day);
    out[7] = ' ';
    std::memcpy(out + 8, kMonths[month - 1], 3);
    out[11] = ' ';
    const auto y = static_cast<unsigned>(year < 0 ? 0 : year > 9999 ? 9999 : year);
    put2(out + 12, y / 100);
    put2(out + 14, y % 100);
    out[16] = ' ';
    put2(out + 17, static_cast<unsigned>(rem / 3600));
    out[19] = ':';
    put2(out + 20, static_cast<unsigned>(rem / 60 % 60));
    out[22] = ':';
    put2(out + 23, static_cast<unsigned>(rem % 60));
    std::memcpy(out + 25, " GMT", 4);
}

std::string http_date(time_t t)
{
    char buf[29];
    format_http_date(t, buf);
    return std::string(buf, sizeof buf);
}

bool parse_http_date(std::string_view text, time_t* out)
{
    text = trim_ows(text);
    int year = 0, month = 0, day = 0, h = 0, mi = 0, sec = 0;

    Cursor c{text};   // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    if (c.short_weekday() && c.literal(", ") && c.digits(2, &day) && c.literal(" ") && c.month(&month) &&
        c.literal(" ") && c.digits(4, &year) && c.literal(" ") && c.time_of_day(&h, &mi, &sec) &&
        c.literal(" GMT") && c.s.empty())
        return make_time(year, month, day, h, mi, sec, out);

    c = Cursor{text};   // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    if (c.long_weekday() && c.literal(", ") && c.digits(2, &day) && c.literal("-") && c.month(&month) &&
        c.literal("-") && c.digits(2, &year) && c.literal(" ") && c.time_of_day(&h, &mi, &sec) &&
        c.literal(" GMT") && c.s.empty())
        return make_time(year + (year < 70 ? 2000 : 1900), month, day, h, mi, sec, out);

    c = Cursor{text};   // asctime: Sun Nov  6 08:49:37 1994
    if (c.short_weekday() && c.literal(" ") && c.month(&month) && c.literal(" ") && c.digits(2, &day, true) &&
        c.literal(" ") && c.time_of_day(&h, &mi, &sec) && c.literal(" ") && c.digits(4, &year) && c.s.empty())
        return make_time(year, month, day, h, mi, sec, out);

    return false;
}

EntityTag make_etag(uint64_t size, const struct timespec& mtime)
{
    static constexpr char kHex[] = "0123456789abcdef";
    const uint64_t usec = static_cast<uint64_t>(mtime.tv_sec) * 1000000u +
                          static_cast<uint64_t>(mtime.tv_nsec / 1000);
    EntityTag tag;
    char* p = tag.bytes;
    *p++ = '"';
    for (const uint64_t v : {size, usec}) {
        char digits[16];
        int n = 0;
        uint64_t x = v;
        do {
            digits[n++] = kHex[x & 15];
            x >>= 4;
        } while (x != 0);
        while (n > 0)
            *p++ = digits[--n];
        *p++ = '-';
    }
    p[-1] = '"';
    tag.size = static_cast<size_t>(p - tag.bytes);
    return tag;
}

bool etag_list_matches_weak(std::string_view list, std::string_view etag)
{
    const std::string_view mine = opaque(etag);
    return any_etag(list, [&](std::string_view tag) { return tag == "*" || opaque(tag) == mine; });
}

bool etag_list_matches_strong(std::string_view list, std::string_view etag)
{
    if (is_weak(etag))
        return any_etag(list, [](std::string_view tag) { return tag == "*"; });
    return any_etag(list, [&](std::string_view tag) { return tag == "*" || tag == etag; });
}

Precondition evaluate_preconditions(const HttpRequest& request, std::string_view etag,
                                    time_t last_modified)
{
    bool present = false;
    const bool if_match = any_field(request, "If-Match",
                                    [&](const std::string& v) { return etag_list_matches_strong(v, etag); },
                                    &present);
    if (present) {
        if (!if_match)
            return Precondition::Failed;
    } else if (const std::string* ius = request.header("If-Unmodified-Since")) {
        time_t since;
        if (parse_http_date(*ius, &since) && last_modified > since)
            return Precondition::Failed;
    }

    const bool safe = request.method_kind == HttpMethod::Get || request.method_kind == HttpMethod::Head;
    const bool if_none_match = any_field(request, "If-None-Match",
                                         [&](const std::string& v) { return etag_list_matches_weak(v, etag); },
                                         &present);
    if (present) {
        if (if_none_match)
            return safe ? Precondition::NotModified : Precondition::Failed;
    } else if (const std::string* ims = request.header("If-Modified-Since")) {
        time_t since;
        if (safe && parse_http_date(*ims, &since) && last_modified <= since)
            return Precondition::NotModified;
    }
    return Precondition::Proceed;
}

bool if_range_matches(std::string_view value, std::string_view etag, time_t last_modified,
                      time_t now)
{
    value = trim_ows(value);
    if (!value.empty() && value.front() == '"')
        return !is_weak(etag) && value == etag;
    time_t date;   // a weak tag, W/"...", is no date either
    return parse_http_date(value, &date) && date == last_modified && now - last_modified >= kStrongDateSeconds;
}

} // namespace mpmd
