// mod_echo: the example handler module (module_api.h), built as a shared object and loaded
// with `LoadModule = echo_module libexec/mpmd/mod_echo.so`. It answers GET and HEAD for
// /echo and every path below it with the request as mpmd understood it (method, target,
// protocol, decoded path, query, client, vhost and each header field), as text/plain; any
// other method gets 405. It uses every hook:
//   - post_config counts the configurations it was given (the reply says how many: 1
//     after the start, 2 after a restart) and refuses a DocumentRoot that is not absolute
//     (which mpmd never hands it; it shows the refusal path);
//   - child_init notes the child's pid (the reply says it, and the error log at info);
//   - log_transaction writes one info line per request it answered to the error log.
// Runs in: master (post_config), children (the rest; the handler on any serving thread).
#include "shared/error_log.h"
#include "shared/http/url_path.h"
#include "shared/module_api.h"
#include "shared/server_runtime.h"

#include <unistd.h>

#include <atomic>
#include <string>

namespace {

using namespace mpmd;

int g_configurations = 0;          // master: post_config calls; children inherit the count
pid_t g_child = 0;                 // child_init's process
std::atomic<unsigned long> g_answered{0};

bool is_echo_path(std::string_view path)
{
    return path == "/echo" || path.substr(0, 6) == "/echo/";
}

bool echo_post_config(const ServerRuntime& runtime, std::string* problem)
{
    if (runtime.server.document_root.empty() || runtime.server.document_root.front() != '/') {
        *problem = "DocumentRoot must be an absolute path";
        return false;
    }
    ++g_configurations;
    return true;
}

void echo_child_init(const ServerRuntime&)
{
    g_child = getpid();
    log_error(LogLevel::Info, "echo", "echo_module: child_init in pid %d", int(g_child));
}

bool echo_handler(const HandlerContext& context, Response* response)
{
    const HttpRequest& request = context.request;
    const UrlPath url = parse_url_path(request.target);
    if (url.status != 0 || !is_echo_path(url.path))
        return false;
    if (request.method_kind != HttpMethod::Get && request.method_kind != HttpMethod::Head) {
        *response = error_response(405);
        response->add_header("Allow", "GET, HEAD");
        return true;
    }
    std::string text;
    text += "method: " + request.method + "\n";
    text += "target: " + request.target + "\n";
    text += std::string("protocol: HTTP/1.") + (request.version >= 11 ? "1" : "0") + "\n";
    text += "path: " + url.path + "\n";
    text += "query: " + url.query + "\n";
    text += "client: " + std::string(context.client_port) + "\n";
    text += "vhost: " + (context.vhost ? context.vhost->server_name : context.runtime.server.server_name) + "\n";
    text += "configurations: " + std::to_string(g_configurations) + "\n";
    text += "child: " + std::to_string(g_child) + "\n";
    for (const HttpHeader& field : request.headers)
        text += "field: " + field.name + ": " + field.value + "\n";
    response->status = 200;
    response->add_header("Content-Type", "text/plain; charset=utf-8");
    response->body = std::move(text);
    g_answered.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void echo_log_transaction(const HandlerContext& context, const Response& response, uint64_t body_sent)
{
    const UrlPath url = parse_url_path(context.request.target);
    if (url.status != 0 || !is_echo_path(url.path))
        return;
    log_error(LogLevel::Info, "echo", "echo_module: logged %s %s %d (%llu bytes)", context.request.method.c_str(),
              context.request.target.c_str(), response.status, static_cast<unsigned long long>(body_sent));
}

} // namespace

#ifndef MPMD_ECHO_API_VERSION
#define MPMD_ECHO_API_VERSION mpmd::kModuleApiVersion
#endif

// The symbol LoadModule's first word names.
extern "C" const mpmd::Module echo_module{MPMD_ECHO_API_VERSION, "echo_module", "mod_echo.c",
                                          echo_post_config, echo_child_init, echo_handler, echo_log_transaction};
