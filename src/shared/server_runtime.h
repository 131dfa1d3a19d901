// ServerRuntime: everything a generation of children serves with, built by the master from a
// valid config before the generation starts and inherited by its children through fork(2):
// the typed server settings, the MIME table, the compiled access-log formats with their open
// files, the Server: banner, and the identity children switch to. Immutable once built; a
// restart builds a new one beside the old (log files are shared and reopened in place).
// Runs in: master (builds), children (read).
#ifndef MPMD_SHARED_SERVER_RUNTIME_H
#define MPMD_SHARED_SERVER_RUNTIME_H

#include "shared/error_log.h"
#include "shared/http/mime_types.h"
#include "shared/log_file.h"
#include "shared/log_format.h"
#include "shared/module_api.h"
#include "shared/server_config.h"
#include "shared/status/status_config.h"
#include "shared/status/status_snapshot.h"

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mpmd {

struct AccessLogTarget {
    LogFormat format;
    std::shared_ptr<LogFile> file;
};

class TlsContexts;   // tls_context.h (with OpenSSL only)

struct ServerRuntime {
    ServerConfig server;
    MimeTypes mime;
    std::string banner;                        // Server: header value, per ServerTokens
    std::vector<AccessLogTarget> access_logs;
    // Each vhost's (parallel to server.vhosts): its own CustomLogs, or the server's again.
    std::vector<std::vector<AccessLogTarget>> vhost_access_logs;
    // Each vhost's own ErrorLog (parallel to server.vhosts; nullptr: the server's, error_log()).
    std::vector<std::shared_ptr<ErrorLog>> vhost_error_logs;
    uint64_t max_connections_per_child = 0;    // 0 = never leave for this reason
    uint64_t max_connections_jitter = 0;       // a child draws its limit in [M, M + this]
    StatusConfig status;                       // the [status] section
    StatusServerInfo status_info;              // what the status page says of the build and MPM
    // The TLS contexts of Listens marked https (none: nullptr), built from `server`.
    std::shared_ptr<const TlsContexts> tls;
    // The handler modules in the order they are asked (module_api.h): those LoadModule
    // loaded, in file order, then the built-in status_module and static_module. Empty in a
    // runtime a unit test builds: the built-in ones then.
    std::vector<const Module*> modules;
    bool switch_user = false;                  // started as root: children become uid/gid
    uid_t uid = 0;
    gid_t gid = 0;

    // The access logs of a request answered by `vhost`, one of server.vhosts (nullptr: the
    // server itself; a runtime built without vhost logs, as a unit test's, has the server's).
    const std::vector<AccessLogTarget>& access_logs_for(const VirtualHost* vhost) const
    {
        const size_t index = vhost == nullptr ? SIZE_MAX : size_t(vhost - server.vhosts.data());
        return index < vhost_access_logs.size() ? vhost_access_logs[index] : access_logs;
    }
    // Where the errors of a request `vhost` answers go: its own ErrorLog, or the server's.
    ErrorLog& error_log_for(const VirtualHost* vhost) const
    {
        const size_t index = vhost == nullptr ? SIZE_MAX : size_t(vhost - server.vhosts.data());
        return index < vhost_error_logs.size() && vhost_error_logs[index] ? *vhost_error_logs[index] : error_log();
    }
};

} // namespace mpmd

#endif
