// See child_main.h.
#include "child/child_main.h"

#include "child/cgi_launch.h"
#include "child/child_privileges.h"
#include "child/child_signals.h"
#include "child/connection_limit.h"
#include "child/fault_hooks.h"

namespace mpmd {

namespace {

// The child's way to start CGI scripts, for its whole life (none when no host has any).
std::unique_ptr<CgiLauncher> g_cgi_launcher;

bool any_cgi(const ServerConfig& server)
{
    if (server.cgi.any())
        return true;
    for (const VirtualHost& vhost : server.vhosts)
        if (vhost.cgi.any())
            return true;
    return false;
}

} // namespace

bool prepare_child_process(ChildContext& context, bool threaded)
{
    install_child_signals();
    if (!become_server_user(*context.runtime))
        return false;
    if (const FaultHooks* hooks = fault_hooks(); hooks != nullptr && hooks->child_start != nullptr)
        hooks->child_start();
    context.max_connections = draw_connection_limit(context.runtime->max_connections_per_child,
                                                    context.runtime->max_connections_jitter);
    for (const Module* module : context.runtime->modules)
        if (module->child_init != nullptr)
            module->child_init(*context.runtime);
    if (any_cgi(context.runtime->server)) {
        // As the server user, with one thread still: the helper is forked from here.
        std::string problem;
        g_cgi_launcher = threaded ? make_helper_launcher(&problem) : make_forking_launcher();
        if (!g_cgi_launcher) {
            log_error(LogLevel::Emerg, "cgid", "cannot start the CGI helper process: %s", problem.c_str());
            return false;
        }
        context.cgi = g_cgi_launcher.get();
    }
    return true;
}

} // namespace mpmd
