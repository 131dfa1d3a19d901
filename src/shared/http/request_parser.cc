// RequestParser: Boost.Beast's basic_parser<true> subclassed to fill a plain HttpRequest and to
// drop body bytes; a light pre-scan of the head enforces Apache's per-line limits before Beast,
// which only parses once the whole head has arrived, would buffer an oversized head.
// Runs in: children. Leans on RFC 9112 (2.2 leading blank lines, 3 request line, 6.1 and 6.3
// message framing and smuggling, 7.1 chunked), RFC 9110 7.2 (Host), RFC 6585 (431).
#include "shared/http/request_parser.h"

#include "shared/spare_pool.h"

#include <cstring>
#include <optional>
#include <vector>

#include "shared/http/authority.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace mpmd {

namespace http = boost::beast::http;
using beast_sv = boost::beast::string_view;

namespace {

HttpMethod classify(http::verb v)
{
    switch (v) {
    case http::verb::get: return HttpMethod::Get;
    case http::verb::head: return HttpMethod::Head;
    case http::verb::post: return HttpMethod::Post;
    case http::verb::options: return HttpMethod::Options;
    case http::verb::trace: return HttpMethod::Trace;
    case http::verb::unknown: return HttpMethod::Unknown;
    default: return HttpMethod::OtherKnown;
    }
}

// The authority of an absolute-form target ("http://host:port/path" -> "host:port"), or
// nullopt for any other form.
std::optional<std::string_view> absolute_form_authority(std::string_view target)
{
    if (target.empty() || target.front() == '/' || target == "*")
        return std::nullopt;
    const size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos)
        return std::nullopt;
    const std::string_view rest = target.substr(scheme_end + 3);
    return rest.substr(0, rest.find_first_of("/?#"));
}

// Status for a request line Beast refused as a bad version: 505 when the version is well
// formed ("HTTP/" DIGIT "." DIGIT) but not 1.0 or 1.1, else 400.
int version_status(std::string_view line, int* version)
{
    const size_t space = line.rfind(' ');
    if (space == std::string_view::npos)
        return 400;
    const std::string_view v = line.substr(space + 1);
    if (v.size() != 8 || v.compare(0, 5, "HTTP/") != 0 || v[6] != '.' || v[5] < '0' || v[5] > '9' ||
        v[7] < '0' || v[7] > '9')
        return 400;
    *version = 10 * (v[5] - '0') + (v[7] - '0');
    return 505;
}

// False when `text` has a line end other than CRLF: an LF not after a CR, or a CR followed
// by anything but LF (a CR at the very end may still get its LF). `before` is the byte
// that preceded `text` in the stream ('\0' when none).
bool crlf_lines_only(std::string_view text, char before)
{
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 ? before : text[i - 1]) != '\r')
            return false;
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] != '\n')
            return false;
    }
    return true;
}

} // namespace

class BeastRequestParser final : public http::basic_parser<true> {
public:
    BeastRequestParser(HttpRequest* request, std::vector<HttpHeader>* spare, const RequestLimits& limits)
        : request_(request), spare_(spare)
    {
        // The pre-scan has already bounded every line, so Beast's whole-head limit only has to
        // admit the largest head those per-line limits allow.
        const uint64_t head = (limits.max_request_line + 2) +
                              limits.max_fields * (limits.max_field_size + 2) + 2;
        header_limit(static_cast<std::uint32_t>(std::min<uint64_t>(head, UINT32_MAX)));
        body_limit(limits.max_body == 0 ? UINT64_MAX : limits.max_body);
        eager(true);
    }

    int status() const { return status_; }

protected:
    void on_request_impl(http::verb method, beast_sv method_str, beast_sv target, int version,
                         boost::beast::error_code& ec) override
    {
        HttpRequest& r = *request_;
        r.method.assign(method_str.data(), method_str.size());
        r.method_kind = classify(method);
        r.target.assign(target.data(), target.size());
        r.version = version;
        // Beast admits exactly one SP between the parts, so this is the line as received.
        r.request_line.reserve(r.method.size() + r.target.size() + 10);
        r.request_line = r.method;
        r.request_line += ' ';
        r.request_line += r.target;
        r.request_line += version == 10 ? " HTTP/1.0" : " HTTP/1.1";
        // RFC 9112 3.2.4: asterisk-form is for OPTIONS only.
        if (r.target == "*" && r.method_kind != HttpMethod::Options)
            return fail(400, ec);
        // RFC 9112 3.2.2: an absolute-form authority stands in for Host, so it is held to
        // the same syntax (userinfo, a bad port or stray characters: 400).
        if (const auto authority = absolute_form_authority(r.target); authority && !valid_authority(*authority, false))
            return fail(400, ec);
    }

    void on_response_impl(int, beast_sv, int, boost::beast::error_code&) override {}

    void on_field_impl(http::field name, beast_sv name_str, beast_sv value,
                       boost::beast::error_code& ec) override
    {
        if (head_done_)
            return;   // a trailer field after a chunked body: read and dropped like the body
        const std::string_view v(value.data(), value.size());
        if (name == http::field::host) {
            ++host_fields_;
            if (!valid_authority(v, true))
                return fail(400, ec);
        } else if (name == http::field::transfer_encoding) {
            // Only "chunked" alone is understood; anything else cannot be framed (RFC 9112 6.1).
            saw_transfer_encoding_ = true;
            if (!ascii_iequals(trim_ows(v), "chunked"))
                return fail(501, ec);
            // RFC 9112 6.1: HTTP/1.0 has no Transfer-Encoding; answer, then close.
            if (request_->version < 11)
                request_->close_after = true;
        } else if (name == http::field::expect) {
            // RFC 9110 10.1.1: 100-continue is the only expectation defined; an HTTP/1.0
            // request's Expect is ignored.
            if (request_->version >= 11) {
                if (!ascii_iequals(trim_ows(v), "100-continue"))
                    return fail(417, ec);
                request_->expects_continue = true;
            }
        } else if (name == http::field::content_length) {
            saw_content_length_ = true;
        }
        // RFC 9112 6.1: both framings at once is the shape of request smuggling.
        if (saw_transfer_encoding_ && saw_content_length_)
            return fail(400, ec);
        if (spare_->empty()) {
            request_->headers.push_back(HttpHeader{std::string(name_str.data(), name_str.size()), std::string(v)});
        } else {
            // Reuse the strings of an earlier request on this connection: no allocation once
            // they have grown to the usual sizes.
            request_->headers.push_back(std::move(spare_->back()));
            spare_->pop_back();
            request_->headers.back().name.assign(name_str.data(), name_str.size());
            request_->headers.back().value.assign(v);
        }
    }

    void on_header_impl(boost::beast::error_code& ec) override
    {
        // RFC 9112 3.2: HTTP/1.1 requires exactly one Host; more than one is always an error.
        if (host_fields_ > 1 || (request_->version >= 11 && host_fields_ == 0))
            return fail(400, ec);
        head_done_ = true;
    }

    void on_body_init_impl(const boost::optional<std::uint64_t>&, boost::beast::error_code&) override {}

    std::size_t on_body_impl(beast_sv body, boost::beast::error_code&) override
    {
        request_->body_bytes += body.size();
        if (body_sink_ != nullptr)
            body_sink_->append(body.data(), body.size());
        return body.size();
    }

    void on_chunk_header_impl(std::uint64_t, beast_sv, boost::beast::error_code&) override { ++chunks_; }

    std::size_t on_chunk_body_impl(std::uint64_t, beast_sv body, boost::beast::error_code&) override
    {
        request_->body_bytes += body.size();
        if (body_sink_ != nullptr)
            body_sink_->append(body.data(), body.size());
        return body.size();
    }

    void on_finish_impl(boost::beast::error_code&) override {}

public:
    void set_body_sink(std::string* sink) { body_sink_ = sink; }
    bool head_done() const { return head_done_; }
    uint64_t chunks() const { return chunks_; }   // chunk lines read, the last one included

private:
    void fail(int status, boost::beast::error_code& ec)
    {
        status_ = status;
        ec = http::error::bad_value;   // any error stops Beast; status_ carries the meaning
    }

    HttpRequest* request_;
    std::vector<HttpHeader>* spare_;
    std::string* body_sink_ = nullptr;
    int status_ = 0;
    int host_fields_ = 0;
    bool saw_transfer_encoding_ = false;
    bool saw_content_length_ = false;
    bool head_done_ = false;
    uint64_t chunks_ = 0;
};

class RequestParser::Impl {
public:
    static constexpr size_t kMaxSpareBytes = 1024;
    // Empty lines tolerated before a request line (RFC 9112 2.2 says "at least one"; Apache
    // allows DEFAULT_LIMIT_BLANK_LINES = 10), counted as CRLF pairs: a stream of them is
    // not a request.
    static constexpr size_t kMaxLeadingBlankLines = 10;
    static constexpr size_t kShortestChunkedBody = 5;   // "0\r\n\r\n"

    explicit Impl(const RequestLimits& limits) : limits_(limits) { reset(); }

    void reset()
    {
        // Oversized strings are let go so that one huge request does not pin its memory.
        for (HttpHeader& h : request_.headers)
            if (h.name.capacity() + h.value.capacity() <= kMaxSpareBytes)
                spare_.push_back(std::move(h));
        request_.clear();
        beast_.emplace(&request_, &spare_, limits_);
        consumed_ = 0;
        scanned_ = 0;
        line_length_ = 0;
        lines_ = 0;
        prescan_done_ = false;
        started_ = false;
        blank_bytes_ = 0;
        error_ = 0;
    }

    Result feed(const char* data, size_t size);

    HttpRequest request_;
    RequestLimits limits_;
    std::vector<HttpHeader> spare_;   // header strings kept from earlier requests, for reuse
    std::optional<BeastRequestParser> beast_;
    int error_;
    bool started_;

private:
    int prescan(const char* data, size_t size);
    Result failed(const char* data, size_t size, size_t consumed, int status);
    static int map_error(const boost::beast::error_code& ec);

    uint64_t consumed_;     // bytes of this request consumed so far (its stream offset of data[0])
    uint64_t scanned_;      // stream offset up to which the pre-scan has looked
    size_t line_length_;    // bytes of the current head line so far, CR included
    size_t lines_;          // head lines completed, the request line included
    bool prescan_done_;     // the empty line ending the head was seen
    size_t blank_bytes_;    // CR and LF bytes of empty lines skipped before the request line
};

// Bounds each head line as it arrives: 414 for the request line, 431 for a field line or for
// too many fields, 400 for a folded field line. Returns 0 when all is well so far.
int RequestParser::Impl::prescan(const char* data, size_t size)
{
    size_t i = static_cast<size_t>(scanned_ - consumed_);
    while (!prescan_done_ && i < size) {
        // RFC 9112 5.2: a field line that starts with whitespace is obs-fold (or junk after
        // the request line); Apache's HttpProtocolOptions Strict refuses it with 400, and so
        // does mpmd rather than guess where one field ends.
        if (lines_ > 0 && line_length_ == 0 && (data[i] == ' ' || data[i] == '\t'))
            return 400;
        const void* nl = std::memchr(data + i, '\n', size - i);
        const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) : size;
        line_length_ += end - i;
        const size_t limit = lines_ == 0 ? limits_.max_request_line : limits_.max_field_size;
        // A CR may still end the line, so a partial line may reach limit + 1 bytes.
        size_t length = line_length_;
        if (nl && length > 0 && data[end - 1] == '\r')
            --length;
        if (length > limit + (nl ? 0 : 1))
            return lines_ == 0 ? 414 : 431;
        if (!nl) {
            i = size;
            break;
        }
        if (lines_ > 0 && length == 0)
            prescan_done_ = true;
        else if (++lines_ > limits_.max_fields + 1)
            return 431;
        line_length_ = 0;
        i = end + 1;
    }
    scanned_ = consumed_ + i;
    return 0;
}

int RequestParser::Impl::map_error(const boost::beast::error_code& ec)
{
    if (ec == http::error::header_limit)
        return 431;
    if (ec == http::error::body_limit)
        return 413;
    return 400;   // bad method, target, field, value, framing or chunk
}

RequestParser::Result RequestParser::Impl::failed(const char* data, size_t size, size_t consumed,
                                                  int status)
{
    error_ = status;
    // The request line is worth logging even when Beast never accepted it, and its method
    // decides whether the error page may have a body (not for HEAD).
    if (request_.request_line.empty() && consumed_ == 0) {
        std::string_view line(data, size);
        line = line.substr(0, line.find('\n'));
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        line = line.substr(0, limits_.max_request_line);
        request_.request_line.assign(line);
        if (request_.method.empty()) {
            const std::string_view method = line.substr(0, line.find(' '));
            request_.method.assign(method);
            request_.method_kind = classify(http::string_to_verb(beast_sv(method.data(), method.size())));
        }
        if (status == 400 && line.size() < size && line.find(' ') != std::string_view::npos) {
            // Beast reports a version it does not speak (HTTP/2.0, HTTP/0.9) as a bad version;
            // a well-formed one deserves 505 (RFC 9110 15.6.6).
            int version = 0;
            if (version_status(line, &version) == 505 && version != 10 && version != 11) {
                error_ = 505;
                request_.version = version;
            }
        }
    }
    return Result{Status::Error, consumed, error_};
}

RequestParser::Result RequestParser::Impl::feed(const char* data, size_t size)
{
    if (error_ != 0)
        return Result{Status::Error, 0, error_};
    if (beast_->is_done())
        return Result{Status::Complete, 0};

    size_t skipped = 0;
    if (!started_) {
        // RFC 9112 2.2: blank lines before a request line are ignored, a few of them. Every
        // CR and LF counts, so a stream of lone CRs is bounded as well.
        while (skipped < size && (data[skipped] == '\r' || data[skipped] == '\n')) {
            if (++blank_bytes_ > 2 * kMaxLeadingBlankLines)
                return failed(data, 0, skipped, 400);
            ++skipped;
        }
        if (skipped == size)
            return Result{Status::NeedMore, skipped};
        started_ = true;
        data += skipped;
        size -= skipped;
    }

    if (!prescan_done_) {
        if (const int status = prescan(data, size))
            return failed(data, size, skipped, status);
    }

    // Boost 1.74's Beast asserts, wrongly, when a chunked body whose first chunk is the last
    // ("0\r\n", its trailer section not yet whole) is presented again in fewer than 5 bytes
    // (fixed in Boost 1.86, boostorg/beast#2861): with assertions on, "0\r\n" and then one
    // byte more let any client abort a child. Until the first chunk line is read, what is
    // left of the body is at least "0\r\n\r\n", so fewer bytes wait for more and no request
    // that has arrived whole waits. They are line bytes, so a bare LF is refused at once.
    if (beast_->head_done() && beast_->chunked() && beast_->chunks() == 0 && size < kShortestChunkedBody) {
        if (!crlf_lines_only(std::string_view(data, size), '\0'))
            return failed(data, size, skipped, 400);
        return Result{Status::NeedMore, skipped};
    }

    boost::beast::error_code ec;
    const size_t used = beast_->put(boost::asio::const_buffer(data, size), ec);
    consumed_ += used;
    if (ec == http::error::need_more)
        ec = {};
    if (ec) {
        if (ec == http::error::bad_version)
            return failed(data, size, skipped + used, 400);
        const int status = beast_->status() != 0 ? beast_->status() : map_error(ec);
        return failed(data, size, skipped + used, status);
    }
    if (beast_->is_done())
        return Result{Status::Complete, skipped + used};
    if (beast_->head_done()) {
        // Inside a body Beast holds back only a chunk-size line or the trailer section; the
        // head limits do not bound those, so a few field lines' worth is the most a client
        // may send.
        const std::string_view held(data + used, size - used);
        if (held.size() > 4 * (limits_.max_field_size + 2))
            return failed(data, size, skipped + used, 400);
        // Beast waits for a CRLF that a chunk line ended with a bare LF (or CR) will never
        // bring: such a body cannot be framed the way every other hop would frame it (RFC
        // 9112 7.1 requires CRLF), so it is refused now instead of left to time out.
        if (beast_->chunked() && !crlf_lines_only(held, used > 0 ? data[used - 1] : '\0'))
            return failed(data, size, skipped + used, 400);
    }
    return Result{Status::NeedMore, skipped + used};
}

RequestParser::RequestParser(const RequestLimits& limits)
{
    if (!SparePool<std::unique_ptr<Impl>, 4>::this_thread().take(&impl_)) {
        impl_ = std::make_unique<Impl>(limits);
        return;
    }
    impl_->limits_ = limits;
    impl_->reset();
}

RequestParser::~RequestParser()
{
    if (impl_)
        SparePool<std::unique_ptr<Impl>, 4>::this_thread().keep(std::move(impl_));
}

RequestParser::Result RequestParser::feed(const char* data, size_t size)
{
    return impl_->feed(data, size);
}

const HttpRequest& RequestParser::request() const
{
    return impl_->request_;
}

bool RequestParser::head_complete() const
{
    return impl_->error_ == 0 && impl_->beast_->head_done();
}

bool RequestParser::got_some() const
{
    return impl_->started_ || impl_->error_ != 0;
}

void RequestParser::reset()
{
    impl_->reset();
}

void RequestParser::set_body_sink(std::string* sink)
{
    impl_->beast_->set_body_sink(sink);
}

} // namespace mpmd
