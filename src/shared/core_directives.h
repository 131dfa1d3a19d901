// The core module's directive table: [server], [log] and [modules], with Apache's defaults,
// plus the build-time default paths (the Makefile defines the MPMD_* macros; the fallbacks
// below let unit tests compile without them).
// Runs in: master.
#ifndef MPMD_SHARED_CORE_DIRECTIVES_H
#define MPMD_SHARED_CORE_DIRECTIVES_H

#include "shared/directive.h"

#include <string>

#ifndef MPMD_PREFIX
#define MPMD_PREFIX "/usr/local"
#endif
#ifndef MPMD_SYSCONFDIR
#define MPMD_SYSCONFDIR MPMD_PREFIX "/etc/mpmd"
#endif
#ifndef MPMD_RUNDIR
#define MPMD_RUNDIR MPMD_PREFIX "/var/run"
#endif
#ifndef MPMD_LOGDIR
#define MPMD_LOGDIR MPMD_PREFIX "/var/log/mpmd"
#endif
#ifndef MPMD_DATADIR
#define MPMD_DATADIR MPMD_PREFIX "/share/mpmd"
#endif
#ifndef MPMD_USER
#define MPMD_USER "nobody"
#endif
#ifndef MPMD_GROUP
#define MPMD_GROUP "nogroup"
#endif
#ifndef MPMD_DOCROOT
#define MPMD_DOCROOT MPMD_DATADIR "/htdocs"
#endif

namespace mpmd {

// MPMD_SYSCONFDIR "/mpmd.conf": what mpmd reads without -f.
std::string default_config_file();

inline constexpr std::string_view kServerSection = "server";
inline constexpr std::string_view kLogSection = "log";
inline constexpr std::string_view kModulesSection = "modules";
// Written [vhost:NAME], one section per name-based virtual host: its rows are the directives
// only a vhost takes; the rows marked per_vhost of [server] and [log] may be set there too.
inline constexpr std::string_view kVhostSection = "vhost";

// The one directive the loader knows by name: relative Path values resolve against it.
inline constexpr std::string_view kServerRootName = "ServerRoot";

const DirectiveTable& core_directive_table();

} // namespace mpmd

#endif
