// The static file handler. Files are opened once (document_open.h applies the link rule on
// the way) and checked with fstat on the open descriptor, so what is checked is what is
// sent; a file the thread's open-file cache still holds unchanged is taken from there.
// O_NONBLOCK keeps a FIFO placed in the tree from blocking the open, and fstat then
// refuses it as not a regular file. Range is applied last, to a file that passed its
// preconditions, by byte_ranges and partial_content.
// Runs in: children. Leans on fstat(2), RFC 9110 9.3, 13.1.5, 13.2.2, 14.2, 15.4.2.
#include "child/static_handler.h"

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include "child/document_open.h"
#include "child/open_file_cache.h"
#include "shared/error_log.h"
#include "shared/http/byte_ranges.h"
#include "shared/http/conditional.h"
#include "shared/http/mime_types.h"
#include "shared/http/partial_content.h"
#include "shared/http/url_path.h"

namespace mpmd {

namespace {

constexpr int kOpenFlags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;

int status_for_errno(int err)
{
    switch (err) {
    case ENOENT:
    case ENOTDIR:
        return 404;
    case EACCES:
    case EPERM:
    case ELOOP:
    case ENAMETOOLONG:
        return 403;
    default:
        return 500;
    }
}

// RFC 9112 3.2.2: an absolute-form target's authority replaces Host.
ErrorLog& request_error_log(const StaticContext& context)
{
    return context.error_log != nullptr ? *context.error_log : error_log();
}

std::string redirect_host(const HttpRequest& request, const UrlPath& url, const StaticContext& context)
{
    if (!url.authority.empty())
        return url.authority;
    const std::string* host = request.header("Host");
    if (host != nullptr && !host->empty())
        return *host;
    std::string h = context.server_name;
    if (context.port != (context.https ? 443 : 80)) {
        h += ':';
        h += std::to_string(context.port);
    }
    return h;
}

// What a request's Range asks of a file of `size` bytes (RFC 9110 13.2.2 step 5): a GET's
// only, and only if an If-Range it carries matches. Range is not a list field, so two of
// them make no valid ranges-specifier together: the whole file is sent.
RangeSelection requested_ranges(const HttpRequest& request, std::string_view etag, time_t mtime,
                                uint64_t size, int max_ranges)
{
    const RangeSelection whole;
    if (request.method_kind != HttpMethod::Get)
        return whole;
    const std::string* range = nullptr;
    for (const HttpHeader& h : request.headers) {
        if (!ascii_iequals(h.name, "Range"))
            continue;
        if (range != nullptr)
            return whole;
        range = &h.value;
    }
    if (range == nullptr)
        return whole;
    const std::string* if_range = request.header("If-Range");
    if (if_range != nullptr && !if_range_matches(*if_range, etag, mtime, time(nullptr)))
        return whole;
    return select_byte_ranges(*range, size, max_ranges > 0 ? static_cast<size_t>(max_ranges) : 0);
}

// A regular file, directory or other node a URL path names, open, with its fstat.
struct OpenedFile {
    int fd = -1;
    bool owned = true;   // false: lent by the thread's OpenFileCache
    int error = 0;       // errno when fd < 0
    struct stat st {};
    std::shared_ptr<const std::string> bytes;   // the whole file, when the cache holds it

    OpenedFile() = default;
    OpenedFile(const OpenedFile&) = delete;
    OpenedFile& operator=(const OpenedFile&) = delete;
    ~OpenedFile() { close(); }
    // Hands the descriptor to a Response, which then lets go of it.
    void lend_to(Response& r)
    {
        r.file_fd = std::exchange(fd, -1);
        r.file_owned = owned;
        r.file_bytes = std::move(bytes);
    }
    void close()
    {
        if (fd >= 0 && owned)
            ::close(fd);
        fd = -1;
        bytes.reset();
    }
};

// 200, 206, 304, 412 or 416 for an open regular file, which the Response takes.
Response serve_file(OpenedFile& file, std::string_view name, const HttpRequest& request,
                    const StaticContext& context)
{
    Response r;
    const struct stat st = file.st;
    file.lend_to(r);
    const EntityTag tag = make_etag(static_cast<uint64_t>(st.st_size), st.st_mtim);
    const std::string_view etag = tag.view();
    switch (evaluate_preconditions(request, etag, st.st_mtim.tv_sec)) {
    case Precondition::Failed:
        return error_response(412);   // r closes fd
    case Precondition::NotModified:
        r.close_file();
        r.status = 304;
        r.add_header("ETag", etag);
        r.send_body = false;
        return r;
    case Precondition::Proceed:
        break;
    }
    char date[29];
    format_http_date(st.st_mtim.tv_sec, date);
    r.add_header("Last-Modified", std::string_view(date, sizeof date));
    r.add_header("ETag", etag);
    r.add_header("Accept-Ranges", context.max_ranges > 0 ? "bytes" : "none");   // RFC 9110 14.3
    const std::string& type = context.mime.lookup(name);
    const auto size = static_cast<uint64_t>(st.st_size);
    const RangeSelection ranges = requested_ranges(request, etag, st.st_mtim.tv_sec, size, context.max_ranges);
    switch (ranges.verdict) {
    case RangeVerdict::Unsatisfiable:
        return range_not_satisfiable(size);   // r closes fd
    case RangeVerdict::Partial:
        make_partial_content(&r, ranges.ranges, size, type);
        break;
    case RangeVerdict::Whole:
        r.add_header("Content-Type", type);
        r.add_file_range(0, st.st_size);
        break;
    }
    if (request.method_kind == HttpMethod::Head) {
        r.close_file();
        r.send_body = false;
    }
    return r;
}

// The full file name of a URL path, into *file (whose buffer is reused).
void set_file_name(const StaticContext& context, std::string_view path, std::string* file)
{
    *file = context.document_root;
    while (!file->empty() && file->back() == '/')
        file->pop_back();
    *file += path;
}

// The same, for error log lines.
std::string file_name(const StaticContext& context, std::string_view path)
{
    std::string file;
    set_file_name(context, path, &file);
    return file;
}

// Opens a URL path under the link rule (a refused link is logged as Apache's AH00037), or
// takes it from the thread's open-file cache while it names the same unchanged file.
void open_path(const StaticContext& context, std::string_view path, OpenedFile* out)
{
    out->close();
    const auto capacity = static_cast<size_t>(context.open_file_cache);
    OpenFileCache& cache = OpenFileCache::this_thread();
    // The key, built in a buffer each thread keeps, so a hit allocates nothing.
    static thread_local std::string file;
    if (capacity == 0 && cache.size() > 0)
        cache.clear();   // OpenFileCache 0: nothing is kept
    if (capacity > 0) {
        set_file_name(context, path, &file);
        out->fd = cache.find(file, &out->st, &out->bytes);
        if (out->fd >= 0) {
            out->owned = false;
            return;
        }
    }
    const DocumentFile opened = open_document(context.document_root, path, context.access, kOpenFlags);
    out->fd = opened.fd;
    out->owned = true;
    out->error = opened.error;
    if (opened.link_refused)
        log_client_error_to(request_error_log(context), LogLevel::Error, "core", context.client,
                            "Symbolic link not allowed or link target not accessible: %s",
                            file_name(context, path).c_str());
    if (out->fd < 0)
        return;
    if (::fstat(out->fd, &out->st) != 0) {
        out->error = errno;
        out->close();
        return;
    }
    if (capacity > 0 && opened.without_links && cache.keep(file, out->fd, out->st, capacity))
        out->owned = false;
}

// A directory requested with its trailing slash: the first DirectoryIndex name that is a
// regular file, else 403 (no listing). The index is opened by its path, so a link there
// meets the same rule as anywhere else.
Response serve_directory(std::string_view path, const HttpRequest& request, const StaticContext& context)
{
    std::string index_path;
    for (const std::string& name : context.directory_index) {
        if (name.empty())
            continue;
        index_path.assign(path);
        index_path += name;
        OpenedFile file;
        open_path(context, index_path, &file);
        if (file.fd >= 0 && S_ISREG(file.st.st_mode))
            return serve_file(file, name, request, context);
    }
    return error_response(403);
}

Response not_allowed(int status, const StaticContext& context)
{
    Response r = error_response(status);
    if (status == 405)
        r.add_header("Allow", context.allow);
    return r;
}

Response dispatch(const HttpRequest& request, const StaticContext& context)
{
    switch (request.method_kind) {
    case HttpMethod::Get:
    case HttpMethod::Head:
    case HttpMethod::Options:
        break;
    case HttpMethod::Unknown:
        return not_allowed(501, context);
    default:
        return not_allowed(405, context);
    }

    const UrlPath url = parse_url_path(request.target);
    if (url.status != 0)
        return error_response(url.status);
    if (url.asterisk)
        return error_response(400);
    if (dot_path_denied(url.path, context.access.dot_files)) {
        // Apache's AH01630, which Debian's "<FilesMatch ^\.ht> Require all denied" gives.
        log_client_error_to(request_error_log(context), LogLevel::Error, "core", context.client,
                            "client denied by server configuration: %s",
                         file_name(context, url.path).c_str());
        return error_response(403);
    }

    OpenedFile file;
    open_path(context, url.path, &file);
    if (file.fd < 0)
        return error_response(status_for_errno(file.error));
    const struct stat& st = file.st;
    if (request.method_kind == HttpMethod::Options && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
        // RFC 9110 9.3.7: what the resource allows, and no body.
        Response r;
        r.add_header("Allow", context.allow);
        return r;
    }
    if (S_ISREG(st.st_mode))
        return serve_file(file, url.path, request, context);
    if (!S_ISDIR(st.st_mode))
        return error_response(403);
    if (url.path.back() != '/') {
        std::string location = context.https ? "https://" : "http://";
        location += redirect_host(request, url, context);
        location += escape_url_path(url.path);
        location += '/';
        location += url.query;
        return redirect_response(301, location);
    }
    file.close();
    return serve_directory(url.path, request, context);
}

} // namespace

Response handle_static(const HttpRequest& request, const StaticContext& context)
{
    Response r = dispatch(request, context);
    if (request.method_kind == HttpMethod::Head)
        r.send_body = false;
    return r;
}

} // namespace mpmd
