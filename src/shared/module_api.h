// The module API: what a handler module provides, whether built into mpmd (status_module,
// static_module) or loaded from a shared object by a [modules] LoadModule line
// (LoadModule = echo_module libexec/mpmd/mod_echo.so), as Apache's modules are. A module is
// one `Module` object with C linkage, named as LoadModule names it, holding the version of
// this API it was built against and up to four hooks:
//   - post_config: in the master, once a configuration is loaded (at start and at every
//     restart), before children are forked for it; false refuses that configuration (a
//     restart then keeps the running one), with the module's reason;
//   - child_init: in each child, once, after it dropped its privileges;
//   - handler: in children, for each request no earlier module answered: fills the
//     response and returns true, or returns false to let the next one try; the modules
//     LoadModule loads come first, in file order, then the status page, then static files,
//     which answer every request that reaches them;
//   - log_transaction: in children, after each reply went (or failed), before its access
//     log line.
// Hooks left null are skipped. A module sees mpmd's own types (HttpRequest, Response,
// ServerRuntime), as an Apache module sees request_rec: kModuleApiVersion changes whenever
// they or this file change in a way a built module would notice, and LoadModule refuses a
// module built for another version with a message that says to rebuild it (Apache's
// MODULE_MAGIC_NUMBER check).
// Runs in: master (post_config), children (the rest, on any serving thread: handlers must
// be thread-safe under worker and event).
#ifndef MPMD_SHARED_MODULE_API_H
#define MPMD_SHARED_MODULE_API_H

#include "shared/http/http_request.h"
#include "shared/http/response.h"

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace mpmd {

struct ServerRuntime;
struct VirtualHost;
class Scoreboard;

// 1: the first (mpmd 0.1). t/unit/module_api_test.cc records the sizes of the types a module
// sees for each version, and fails when one changes without a new version.
inline constexpr unsigned kModuleApiVersion = 1;

// What a handler knows of the request besides its head.
struct HandlerContext {
    const HttpRequest& request;
    const ServerRuntime& runtime;        // the configuration serving it, the MIME table, the logs
    const VirtualHost* vhost;            // the vhost it is for; nullptr: the server itself
    const Scoreboard* scoreboard;        // nullptr where there is none (unit tests)
    const sockaddr_storage& client_addr; // the client (as a PROXY header named it, if any)
    std::string_view client_port;        // "ADDR:PORT", for error log lines
    int local_port;                      // the port the request came in on
    bool https;                          // it came over TLS
};

struct Module {
    unsigned api_version;    // kModuleApiVersion, as the module was built
    const char* name;        // "echo_module": LoadModule's first word, and the symbol's name
    const char* source;      // "mod_echo.c": what mpmd -l and -M say of it
    bool (*post_config)(const ServerRuntime& runtime, std::string* problem);
    void (*child_init)(const ServerRuntime& runtime);
    bool (*handler)(const HandlerContext& context, Response* response);
    void (*log_transaction)(const HandlerContext& context, const Response& response, uint64_t body_sent);
};

} // namespace mpmd

#endif
