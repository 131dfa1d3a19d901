// Text helpers shared by the status renderers: Apache mod_status's number, size, time and
// uptime spellings, and the escaping each format needs for client-controlled text (request
// lines, virtual hosts, client addresses).
// Runs in: children.
// Leans on: mod_status.c (format_byte_out, format_kbyte_out, show_time, DEFAULT_TIME_FORMAT);
// strftime(3), localtime_r(3); RFC 8259 7 (JSON strings); HTML Living Standard 13.1.2.6
// (characters to escape in text and attribute values); std::to_chars (shortest doubles).
#ifndef MPMD_SHARED_STATUS_STATUS_TEXT_H
#define MPMD_SHARED_STATUS_STATUS_TEXT_H

#include <cstdint>
#include <string>
#include <string_view>

namespace mpmd {

// printf into a std::string.
std::string format_text(const char* format, ...) __attribute__((format(printf, 1, 2)));

// "Tuesday, 05-Mar-2024 10:00:00 UTC" in local time (mod_status's DEFAULT_TIME_FORMAT).
std::string status_time(int64_t microseconds);
// " 1 day 2 hours 3 seconds": each non-zero part with a leading space; "" for 0 (show_time).
std::string uptime_words(uint32_t seconds);
// "512 B", "7.5 kB", "1.2 MB", "3.0 GB" (format_byte_out).
std::string byte_size(uint64_t bytes);
// "900 kB", "1.2 MB", "3.0 GB" (format_kbyte_out).
std::string kbyte_size(uint64_t kbytes);
// A number as Apache's "%g" prints it (apr_snprintf, apr_gcvt): 6 significant digits, no
// leading zero before the point (".0686567", "-.5"), trailing zeros and point dropped ("1536"),
// exponent form with no padding when the point would move more than 4 places past the digits
// or 4 before them ("1.e+5", "1.23457e+10", "1.e-5"). Non-finite values as "inf"/"nan".
std::string apache_g(double value);
// The shortest decimal that reads back as `value` ("0.5", "3", "1e+21"); "NaN"/"+Inf"/"-Inf"
// as OpenMetrics spells them.
std::string number_text(double value);

// & < > " ' as character references.
void append_html_escaped(std::string* out, std::string_view text);
// A request line as mod_status shows it: control, '"', '\\' and non-ASCII bytes escaped as in
// the access log (ap_escape_logitem), then HTML-escaped.
void append_html_request(std::string* out, std::string_view text);
// A JSON string with its quotes. Bytes 0x80-0xFF become \u0080-\u00FF (read as ISO-8859-1), so
// the document is valid UTF-8 whatever a client sent.
void append_json_string(std::string* out, std::string_view text);

} // namespace mpmd

#endif
