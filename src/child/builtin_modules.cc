// See builtin_modules.h.
#include "child/builtin_modules.h"

#include "child/core_methods.h"
#include "child/static_handler.h"
#include "child/status_handler.h"
#include "shared/server_runtime.h"

namespace mpmd {

namespace {

bool status_handler(const HandlerContext& context, Response* response)
{
    if (context.scoreboard == nullptr)
        return false;
    std::optional<Response> status =
        handle_status_request(context.request, context.runtime, *context.scoreboard, context.client_addr);
    if (!status)
        return false;
    *response = std::move(*status);
    return true;
}

bool static_handler(const HandlerContext& context, Response* response)
{
    const ServerConfig& config = context.runtime.server;
    const HostSettings host = config.settings_of(context.vhost);
    const StaticContext files{host.document_root, host.directory_index, context.runtime.mime,
                              host.server_name, context.local_port, host.file_access,
                              allowed_methods(config), context.client_port, config.max_ranges,
                              config.open_file_cache, context.https,
                              &context.runtime.error_log_for(context.vhost)};
    *response = handle_static(context.request, files);
    return true;
}

const Module status_module{kModuleApiVersion, "status_module", "mod_status.c", nullptr, nullptr, status_handler,
                           nullptr};
const Module static_module{kModuleApiVersion, "static_module", "mod_static.c", nullptr, nullptr, static_handler,
                           nullptr};

} // namespace

const std::vector<const Module*>& builtin_handler_modules()
{
    static const std::vector<const Module*> modules{&status_module, &static_module};
    return modules;
}

} // namespace mpmd
