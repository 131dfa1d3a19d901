// Response: head serialisation with plain appends into one reserved buffer (no iostreams, no
// printf), reason phrases by switch, and the short HTML pages Apache sends with an error.
// Runs in: children. Leans on RFC 9110 15 and RFC 9112 4 and 9.3; close(2).
#include "shared/http/response.h"

#include "shared/spare_pool.h"

#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace mpmd {

namespace {

constexpr std::string_view kErrorType = "text/html; charset=iso-8859-1";

// The sentence under the heading of each error page.
std::string_view error_sentence(int status)
{
    switch (status) {
    case 400: return "The server could not understand the request your browser sent.";
    case 403: return "You are not allowed to access this resource on this server.";
    case 404: return "There is nothing at the requested URL on this server.";
    case 405: return "The request method is not allowed for the requested URL.";
    case 408: return "The server gave up waiting for the rest of the request.";
    case 412: return "A precondition of the request was not met for the requested URL.";
    case 413: return "The request body is larger than this server accepts.";
    case 414: return "The requested URL is longer than this server accepts.";
    case 416: return "None of the requested ranges lies within the resource.";
    case 417: return "The expectation given in the Expect request header cannot be met by this server.";
    case 431: return "A request header line, or the number of them, is over this server's limit.";
    case 500: return "The server met an internal error and could not complete the request.";
    case 501: return "The request method is not implemented by this server.";
    case 503: return "The server cannot handle the request right now; please try again later.";
    case 505: return "The HTTP version of the request is not supported by this server.";
    default: return "The server could not complete the request.";
    }
}

void append_html_escaped(std::string* out, std::string_view text)
{
    for (char c : text) {
        switch (c) {
        case '<': out->append("&lt;"); break;
        case '>': out->append("&gt;"); break;
        case '&': out->append("&amp;"); break;
        case '"': out->append("&quot;"); break;
        default: out->push_back(c);
        }
    }
}

std::string page(int status, std::string_view paragraph_html)
{
    const std::string_view reason = status_reason(status);
    std::string html;
    html.reserve(256 + paragraph_html.size());
    html.append("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>");
    html.append(std::to_string(status)).append(" ").append(reason);
    html.append("</title>\n</head><body>\n<h1>").append(reason).append("</h1>\n<p>");
    html.append(paragraph_html);
    html.append("</p>\n</body></html>\n");
    return html;
}

void append_uint(std::string* out, unsigned long long v)
{
    char buf[20];
    int n = 0;
    do {
        buf[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        out->push_back(buf[--n]);
}

void append_field(std::string* out, std::string_view name, std::string_view value)
{
    out->append(name).append(": ").append(value).append("\r\n");
}

// What ended Responses leave to their thread's next ones (spare_pool.h): their lists of
// fields and of body pieces, emptied but with their capacity, and the fields themselves
// with their strings' buffers. A thread serving one request after another then allocates
// nothing for its replies once the first few have warmed these up. Bounded, so one reply
// with many fields keeps no more than a few around.
constexpr size_t kMaxFieldBytes = 1024;   // a longer field's buffers are let go
using HeaderLists = SparePool<std::vector<HttpHeader>, 4>;
using PieceLists = SparePool<std::vector<BodyPiece>, 4>;
using Fields = SparePool<HttpHeader, 64>;

template <typename Pool, typename List>
void keep_list(List& list)
{
    list.clear();
    if (list.capacity() != 0)
        Pool::this_thread().keep(std::move(list));
}

template <typename Pool, typename List>
void take_list(List& list)
{
    if (list.capacity() == 0)
        Pool::this_thread().take(&list);
}

// Gives a Response's lists and fields to the thread's spares, leaving them empty.
void recycle(Response& r)
{
    Fields& fields = Fields::this_thread();
    for (HttpHeader& field : r.headers) {
        if (fields.full())
            break;
        if (field.name.capacity() + field.value.capacity() <= kMaxFieldBytes)
            fields.keep(std::move(field));
    }
    keep_list<HeaderLists>(r.headers);
    keep_list<PieceLists>(r.pieces);
}

} // namespace

Response::~Response()
{
    close_file();
    recycle(*this);
}

Response::Response(Response&& other) noexcept
    : status(other.status), headers(std::move(other.headers)), body(std::move(other.body)),
      file_fd(std::exchange(other.file_fd, -1)), file_owned(other.file_owned),
      file_bytes(std::move(other.file_bytes)), pieces(std::move(other.pieces)),
      send_body(other.send_body), streamed(other.streamed), streamed_length(other.streamed_length)
{
}

Response& Response::operator=(Response&& other) noexcept
{
    if (this != &other) {
        close_file();
        recycle(*this);
        status = other.status;
        headers = std::move(other.headers);
        body = std::move(other.body);
        file_fd = std::exchange(other.file_fd, -1);
        file_owned = other.file_owned;
        file_bytes = std::move(other.file_bytes);
        pieces = std::move(other.pieces);
        send_body = other.send_body;
        streamed = other.streamed;
        streamed_length = other.streamed_length;
    }
    return *this;
}

void Response::close_file()
{
    if (file_fd >= 0 && file_owned)
        ::close(file_fd);
    file_fd = -1;
    file_bytes.reset();
}

bool Response::own_file()
{
    if (file_fd < 0 || file_owned)
        return true;
    const int copy = ::fcntl(file_fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0)
        return false;
    file_fd = copy;
    file_owned = true;
    return true;
}

off_t Response::content_length() const
{
    off_t length = static_cast<off_t>(body.size());
    for (const BodyPiece& piece : pieces)
        length += piece.size();
    return length;
}

void Response::add_text(std::string text)
{
    take_list<PieceLists>(pieces);
    BodyPiece piece;
    piece.text = std::move(text);
    pieces.push_back(std::move(piece));
}

void Response::add_file_range(off_t offset, off_t length)
{
    take_list<PieceLists>(pieces);
    BodyPiece piece;
    piece.from_file = true;
    piece.offset = offset;
    piece.length = length;
    pieces.push_back(std::move(piece));
}

void Response::add_header(std::string_view name, std::string_view value)
{
    take_list<HeaderLists>(headers);
    HttpHeader field;
    if (!Fields::this_thread().take(&field)) {
        headers.push_back(HttpHeader{std::string(name), std::string(value)});
        return;
    }
    headers.push_back(std::move(field));
    headers.back().name.assign(name);
    headers.back().value.assign(value);
}

const std::string* Response::header(std::string_view name) const
{
    for (const HttpHeader& h : headers)
        if (ascii_iequals(h.name, name))
            return &h.value;
    return nullptr;
}

std::string_view status_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

Response error_response(int status)
{
    Response r;
    r.status = status;
    r.body = page(status, error_sentence(status));
    r.add_header("Content-Type", kErrorType);
    return r;
}

Response plain_http_on_tls_response()
{
    Response r = error_response(400);
    r.body = page(400, "Your browser sent a request that this server could not understand.<br />\n"
                       "Reason: plain HTTP was sent to a port that speaks HTTPS (TLS).<br />\n"
                       "Use an https:// URL instead.<br />\n");
    return r;
}

Response redirect_response(int status, std::string_view location)
{
    Response r;
    r.status = status;
    std::string paragraph = "The document has moved <a href=\"";
    append_html_escaped(&paragraph, location);
    paragraph += "\">here</a>.";
    r.body = page(status, paragraph);
    r.add_header("Location", location);
    r.add_header("Content-Type", kErrorType);
    return r;
}

void append_head(std::string* out, const Response& response, int http_version, bool keep_alive,
                 std::string_view server, std::string_view date)
{
    out->reserve(out->size() + 160 + response.headers.size() * 48);
    out->append("HTTP/1.1 ");
    append_uint(out, static_cast<unsigned>(response.status));
    out->push_back(' ');
    out->append(status_reason(response.status)).append("\r\n");
    append_field(out, "Date", date);
    if (!server.empty())
        append_field(out, "Server", server);
    for (const HttpHeader& h : response.headers)
        append_field(out, h.name, h.value);
    const int s = response.status;
    if (!(s / 100 == 1 || s == 204 || s == 304)) {
        if (!response.streamed || response.streamed_length >= 0) {
            out->append("Content-Length: ");
            append_uint(out, static_cast<unsigned long long>(response.streamed ? response.streamed_length
                                                                                : response.content_length()));
            out->append("\r\n");
        } else if (http_version >= 11) {
            out->append("Transfer-Encoding: chunked\r\n");
        }
    }
    if (!keep_alive)
        out->append("Connection: close\r\n");
    else if (http_version < 11)
        out->append("Connection: keep-alive\r\n");
    out->append("\r\n");
}

std::string serialize_head(const Response& response, int http_version, bool keep_alive,
                           std::string_view server, std::string_view date)
{
    std::string out;
    append_head(&out, response, http_version, keep_alive, server, date);
    return out;
}

} // namespace mpmd
