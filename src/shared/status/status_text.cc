// Formatting and escaping for the status renderers.
// Runs in: children.
#include "shared/status/status_text.h"

#include "shared/log_format.h"   // append_log_escaped

#include <charconv>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace mpmd {

namespace {

constexpr uint64_t kKilo = 1024;
constexpr uint64_t kMega = 1048576;
constexpr uint64_t kGiga = 1073741824;

std::string plural_part(uint32_t count, const char* unit)
{
    return count == 0 ? std::string() : format_text(" %u %s%s", count, unit, count == 1 ? "" : "s");
}

// The first `count` significant digits of value >= 0 as APR's apr_ecvt makes them, with
// *decpt the point's place (digits "123456", decpt 3: 123.456). APR converts schoolbook
// fashion in double arithmetic: the integer part by repeated division by 10 (at most 80
// digits: a larger value, or infinity, comes out as 80 zeros), the fraction by repeated
// multiplication, one digit past `count`, which then rounds half up. Its small inexactness
// (and its half-up rounding where printf rounds to even) is what Apache prints, so it is
// reproduced rather than corrected.
std::string apr_digits(double value, int count, int* decpt)
{
    constexpr int kMaxDigits = 80;
    std::string digits;
    double integral = 0;
    double fraction = std::modf(value, &integral);
    int point = 0;
    if (integral != 0) {
        std::string reversed;
        while (reversed.size() < kMaxDigits && integral != 0) {
            const double digit = std::modf(integral / 10, &integral);
            reversed += static_cast<char>(static_cast<int>((digit + .03) * 10) + '0');
            ++point;
        }
        digits.assign(reversed.rbegin(), reversed.rend());
    } else if (fraction > 0) {
        for (double scaled = fraction * 10; scaled < 1; scaled = fraction * 10) {
            fraction = scaled;
            --point;
        }
    }
    while (digits.size() <= static_cast<size_t>(count)) {
        double digit = 0;
        fraction = std::modf(fraction * 10, &digit);
        digits += static_cast<char>(static_cast<int>(digit) + '0');
    }
    // Round at digits[count], carrying leftwards; a carry out of the first digit is a "1"
    // one place further left.
    size_t at = static_cast<size_t>(count);
    digits[at] = static_cast<char>(digits[at] + 5);
    while (digits[at] > '9') {
        digits[at] = '0';
        if (at > 0) {
            ++digits[--at];
        } else {
            digits[0] = '1';
            ++point;
        }
    }
    digits.resize(static_cast<size_t>(count));
    *decpt = point;
    return digits;
}

} // namespace

std::string format_text(const char* format, ...)
{
    va_list args;
    va_start(args, format);
    va_list again;
    va_copy(again, args);
    const int size = std::vsnprintf(nullptr, 0, format, args);
    va_end(args);
    std::string out(size > 0 ? static_cast<size_t>(size) : 0, '\0');
    if (size > 0)
        std::vsnprintf(out.data(), out.size() + 1, format, again);
    va_end(again);
    return out;
}

std::string status_time(int64_t microseconds)
{
    const time_t seconds = static_cast<time_t>(microseconds / 1000000);
    struct tm local {};
    localtime_r(&seconds, &local);
    char buffer[128];
    const size_t n = std::strftime(buffer, sizeof buffer, "%A, %d-%b-%Y %H:%M:%S %Z", &local);
    return std::string(buffer, n);
}

std::string uptime_words(uint32_t seconds)
{
    return plural_part(seconds / 86400, "day") + plural_part(seconds / 3600 % 24, "hour") +
           plural_part(seconds / 60 % 60, "minute") + plural_part(seconds % 60, "second");
}

std::string byte_size(uint64_t bytes)
{
    if (bytes < 5 * kKilo)
        return format_text("%d B", static_cast<int>(bytes));
    if (bytes < kMega / 2)
        return format_text("%.1f kB", static_cast<double>(static_cast<float>(bytes) / kKilo));
    if (bytes < kGiga / 2)
        return format_text("%.1f MB", static_cast<double>(static_cast<float>(bytes) / kMega));
    return format_text("%.1f GB", static_cast<double>(static_cast<float>(bytes) / kGiga));
}

std::string kbyte_size(uint64_t kbytes)
{
    if (kbytes < kKilo)
        return format_text("%d kB", static_cast<int>(kbytes));
    if (kbytes < kMega)
        return format_text("%.1f MB", static_cast<double>(static_cast<float>(kbytes) / kKilo));
    return format_text("%.1f GB", static_cast<double>(static_cast<float>(kbytes) / kMega));
}

std::string apache_g(double value)
{
    if (std::isnan(value))
        return "nan";
    int decpt = 0;
    const std::string digits = apr_digits(std::fabs(value), 6, &decpt);
    int ndigit = 6;
    while (ndigit > 1 && digits[static_cast<size_t>(ndigit) - 1] == '0')
        --ndigit;

    std::string out = value < 0 ? "-" : "";
    if ((decpt >= 0 && decpt - ndigit > 4) || decpt < -3) {
        out += digits[0];
        out += '.';
        out.append(digits, 1, static_cast<size_t>(ndigit) - 1);
        const int exponent = decpt - 1;
        out += exponent < 0 ? "e-" : "e+";
        out += std::to_string(std::abs(exponent));
        return out;
    }
    if (decpt <= 0) {
        if (digits[0] != '0')
            out += '.';
        out.append(static_cast<size_t>(-decpt), '0');
    }
    for (int i = 1; i <= ndigit; ++i) {
        out += digits[static_cast<size_t>(i) - 1];
        if (i == decpt)
            out += '.';
    }
    if (ndigit < decpt)
        out.append(static_cast<size_t>(decpt - ndigit), '0') += '.';
    if (out.back() == '.')
        out.pop_back();
    return out;
}

std::string number_text(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

void append_html_escaped(std::string* out, std::string_view text)
{
    for (char c : text) {
        switch (c) {
        case '&': *out += "&amp;"; break;
        case '<': *out += "&lt;"; break;
        case '>': *out += "&gt;"; break;
        case '"': *out += "&quot;"; break;
        case '\'': *out += "&#39;"; break;
        default: *out += c;
        }
    }
}

void append_html_request(std::string* out, std::string_view text)
{
    std::string logged;
    append_log_escaped(logged, text, LogEscape::AccessLog);
    append_html_escaped(out, logged);
}

void append_json_string(std::string* out, std::string_view text)
{
    *out += '"';
    for (char c : text) {
        const unsigned char byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            *out += '\\';
            *out += c;
        } else if (byte < 0x20 || byte >= 0x7f) {
            *out += format_text("\\u%04x", byte);
        } else {
            *out += c;
        }
    }
    *out += '"';
}

} // namespace mpmd
