// ServerConfig: the typed view of the core directives ([server], [log], [modules]) of a loaded
// Config, with the checks that need the system: DocumentRoot and TypesConfig readable, User
// and Group known, CoreDumpDirectory writable by them, PidFile and the logs reached only
// through what root owns (trusted_path.h), Listen not repeated, CustomLog formats resolved
// from LogFormat nicknames.
// Runs in: master (children get it by inheritance across fork).
// Leans on: getpwnam(3), getgrnam(3), stat(2), access(2), open(2), gethostname(2).
#ifndef MPMD_SHARED_SERVER_CONFIG_H
#define MPMD_SHARED_SERVER_CONFIG_H

#include "shared/address_range.h"
#include "shared/cgi_settings.h"
#include "shared/config.h"
#include "shared/file_access.h"
#include "shared/listen_address.h"
#include "shared/log_level.h"
#include "shared/request_read_timeout.h"
#include "shared/tls_settings.h"
#include "shared/version.h"   // ServerTokens

#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace mpmd {

// Apache's built-in access log formats (mod_log_config's documentation and httpd.conf).
inline constexpr std::string_view kCommonLogFormat = "%h %l %u %t \"%r\" %>s %b";
inline constexpr std::string_view kCombinedLogFormat =
    "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"";

struct LogFormatSetting {
    std::string nickname;
    std::string format;
    std::string file;   // line 0 = built in
    int line = 0;
};

struct CustomLogSetting {
    std::string path;       // absolute
    std::string format;     // the format string itself (a nickname already resolved)
    std::string nickname;   // the nickname it came from; "" for a literal format
    std::string file;       // where the CustomLog line is, for errors found later
    int line = 0;
};

struct LoadModuleSetting {
    std::string name;   // e.g. mpm_prefork_module
    std::string path;   // absolute
    std::string file;
    int line = 0;
};

// AcceptFilter: whether the listeners defer a new connection until its first bytes arrive.
enum class AcceptFilter { None, Data };
// How long the kernel holds back a silent connection under AcceptFilter data (Apache's 30).
constexpr int kAcceptFilterDeferSeconds = 30;

// A name-based virtual host, from a [vhost:NAME] section: what it leaves unset is the
// server's ([server]) value.
struct VirtualHost {
    std::string name;                    // the section's NAME
    std::string server_name;             // without a port
    std::vector<std::string> aliases;    // ServerAlias words, patterns with * and ?
    std::string document_root;
    std::vector<std::string> directory_index;
    FileAccess file_access;
    CgiSettings cgi;                             // its own ScriptAlias/AddHandler, else the server's
    std::vector<CustomLogSetting> custom_logs;   // its own, else a copy of the server's
    bool own_custom_logs = false;                // the section sets CustomLog
    TlsCertificate certificate;                  // its own, else the server's
    std::string error_log;                       // its own ErrorLog; "" = the server's
    std::string file;                    // the section header's place, for mpmd -S
    int line = 0;

    // Whether a request for `host` (no port, any case) is this host's: its ServerName, or an
    // alias matched as a pattern.
    bool answers_to(std::string_view host) const;
};

// What the host a request names decides, whether a vhost or the server itself.
struct HostSettings {
    const std::string& server_name;
    const std::string& document_root;
    const std::vector<std::string>& directory_index;
    const FileAccess& file_access;
    const CgiSettings& cgi;
};

struct ServerConfig {
    std::vector<ListenAddress> listen;   // never empty once built: the default is *:80
    // TrustedProxy: who may send a PROXY protocol header on a Listen marked proxy.
    std::vector<AddressRange> trusted_proxies;
    // Listens marked https: the protocols and ciphers, and the certificate of the server
    // itself (the vhosts' are theirs); any_https says whether TLS is needed at all.
    TlsSettings tls;
    TlsCertificate certificate;
    bool any_https = false;
    std::string server_root;             // every path below is absolute
    std::string document_root;
    std::string user;                    // as written: a name or "#uid"
    std::string group;
    uid_t uid = 0;                       // User and Group resolved
    gid_t gid = 0;
    std::string pid_file;
    std::string core_dump_directory;     // "" = none: children are not dumpable
    std::string server_name;
    ServerTokens server_tokens = ServerTokens::Full;
    std::vector<std::string> directory_index;
    FileAccess file_access;              // Options, AllowSymLinksOutsideRoot, DotFiles
    CgiSettings cgi;                     // ScriptAlias, AddHandler
    int cgi_script_timeout = 0;          // seconds a script may stay silent (Timeout's when unset)
    bool trace_enable = false;
    std::string types_config;
    int timeout = 0;                     // seconds
    RequestReadTimeout request_read_timeout;
    bool keep_alive = false;
    int keep_alive_timeout = 0;          // seconds
    int max_keep_alive_requests = 0;     // 0 = unlimited
    int listen_backlog = 0;
    AcceptFilter accept_filter = AcceptFilter::Data;
    int graceful_shutdown_timeout = 0;   // seconds; 0 = no limit
    int graceful_restart_timeout = 0;    // seconds; 0 = no limit
    int request_timeout = 0;             // seconds a handler may run; 0 = no watchdog
    int max_ranges = 0;                  // range-specs one Range field may hold; 0 = ignore Range
    uint64_t limit_request_body = 0;     // body bytes a request may send; 0 = no limit
    int open_file_cache = 0;             // files each serving thread keeps open; 0 = none

    std::string error_log;
    LogLevel log_level = LogLevel::Warn;
    std::vector<LogFormatSetting> log_formats;   // built-ins first, then the file's, by nickname
    std::vector<CustomLogSetting> custom_logs;

    std::vector<LoadModuleSetting> load_modules;

    // Name-based virtual hosts in file order; with any, every request is one's: the host it
    // names, else the first (the default), as in Apache.
    std::vector<VirtualHost> vhosts;

    // The view of `config`; problems found on the way are appended to *errors.
    // `check_system` = false skips the file system and user database (e.g. when the config
    // file itself could not be read and every value is a default).
    static ServerConfig from(const Config& config, bool check_system,
                             std::vector<ConfigMessage>* errors);

    const LogFormatSetting* find_log_format(std::string_view nickname) const;
    // The vhost whose ServerName or ServerAlias `host` matches, else the first; nullptr when
    // there are none. `host` as a request carries it (request_host()): no port.
    const VirtualHost* find_vhost(std::string_view host) const;
    // The settings that answer a request find_vhost() gave to `vhost`: its own, or the
    // server's (nullptr: no vhosts).
    HostSettings settings_of(const VirtualHost* vhost) const;
};

} // namespace mpmd

#endif
