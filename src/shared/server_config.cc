// ServerConfig: the core directives as typed values, and the checks that need the system.
// Access log formats are compiled here once (LogFormat::compile) so that `mpmd -t` reports
// a bad one with its line; the master compiles them again for use.
// Runs in: master.
// Leans on: getpwnam(3), getgrnam(3), stat(2), access(2), open(2), gethostname(2).
#include "shared/server_config.h"

#include <config.h>   // HAVE_OPENSSL

#include "shared/host_name.h"
#include "shared/log_format.h"
#include "shared/trusted_path.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <optional>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mpmd {

namespace {

constexpr std::string_view kServer = kServerSection;
constexpr std::string_view kLog = kLogSection;
constexpr std::string_view kModules = kModulesSection;
constexpr std::string_view kVhost = kVhostSection;

std::string with_errno(const std::string& path, int err)
{
    return path + ": " + std::strerror(err);
}

// "" when `path` is a directory we can list and enter, else "path: reason".
std::string directory_problem(const std::string& path)
{
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
        return with_errno(path, errno);
    if (!S_ISDIR(st.st_mode))
        return with_errno(path, ENOTDIR);
    if (access(path.c_str(), R_OK | X_OK) != 0)
        return with_errno(path, errno);
    return {};
}

// "" when `path` is a regular file we can open for reading, else "path: reason".
std::string readable_file_problem(const std::string& path)
{
    // Non-blocking, no controlling terminal, no FIFO: a pipe or a tty named by mistake must
    // not hang `mpmd -t` or the master's reload.
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return with_errno(path, errno);
    struct stat st;
    const int err = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    close(fd);
    if (err)
        return with_errno(path, err);
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
        return path + ": not a file (a FIFO or a socket)";
    return {};
}

// Whether uid/gid (a child after setgroups to gid alone) may use `st` for `bits` (4 read, 2
// write, 1 search): the owner's, the group's or the others' bits, the first that applies.
bool permits(const struct stat& st, uid_t uid, gid_t gid, mode_t bits)
{
    const mode_t mode = st.st_uid == uid ? st.st_mode >> 6 : st.st_gid == gid ? st.st_mode >> 3 : st.st_mode;
    return (mode & bits) == bits;
}

// "" when the children (uid/gid when the master is root, else this very user) can change to
// directory `path` and create files in it, else the problem.
std::string child_writable_directory_problem(const std::string& path, uid_t uid, gid_t gid, const std::string& user)
{
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
        return with_errno(path, errno);
    if (!S_ISDIR(st.st_mode))
        return with_errno(path, ENOTDIR);
    if (geteuid() != 0)
        return access(path.c_str(), W_OK | X_OK) == 0 ? std::string() : with_errno(path, errno);
    // Every directory above must let the child through (search), the directory itself
    // must let it in and create files.
    for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        const std::string above = path.substr(0, slash);
        struct stat up;
        if (stat(above.c_str(), &up) == 0 && !permits(up, uid, gid, 1))
            return path + " is not reachable by User " + user + ": " + above + " does not let it search";
    }
    if (!permits(st, uid, gid, 3))
        return path + " is not writable by User " + user + " (chown " + user + " " + path +
               ", or give its group write and search permission)";
    return {};
}

// "#N" is a numeric id, as in Apache's User and Group.
std::optional<long long> numeric_id(const std::string& name)
{
    if (name.size() < 2 || name.front() != '#')
        return std::nullopt;
    const std::optional<long long> id = parse_integer(std::string_view(name).substr(1));
    if (!id || *id < 0 || *id > UINT_MAX - 1)
        return std::nullopt;
    return id;
}

std::string host_name()
{
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        return "localhost";
    return name;
}

int as_int(const Config& config, std::string_view section, std::string_view name)
{
    return static_cast<int>(config.integer(section, name));
}

class Builder {
public:
    Builder(const Config& config, bool check_system, std::vector<ConfigMessage>* errors)
        : config_(config), check_system_(check_system), errors_(errors)
    {
    }

    void listen(ServerConfig& out) const;
    void trusted_proxies(ServerConfig& out) const;
    void tls(ServerConfig& out) const;
    TlsCertificate certificate(const VhostSection* vhost) const;
    void paths(ServerConfig& out) const;
    void accounts(ServerConfig& out) const;
    void core_dumps(ServerConfig& out) const;
    void written_as_root(const ServerConfig& out) const;
    void logs(ServerConfig& out) const;
    void modules(ServerConfig& out) const;
    void read_timeouts(ServerConfig& out) const;
    // The server's (vhost null) or a vhost's; errors only for values set in that section.
    void file_access(const VhostSection* vhost, FileAccess& out) const;
    void cgi(const VhostSection* vhost, CgiSettings& out) const;
    void vhosts(ServerConfig& out) const;
    void vhost_logs(const VhostSection& section, const ServerConfig& out, VirtualHost& host) const;

private:
    // Compiles an access log format as the log code will; false after reporting an error.
    bool format_compiles(const ConfigValue& value, std::string_view name,
                         std::string_view format) const
    {
        std::string problem;
        if (LogFormat::compile(format, &problem))
            return true;
        error(value, kLog, name, problem);
        return false;
    }
    // User or Group: "#N", else looked up with `lookup`; an unknown name is an error.
    std::optional<long long> account_id(std::string_view directive, std::string_view kind,
                                        std::string_view function,
                                        std::optional<long long> (*lookup)(const char*)) const;
    void error(const ConfigValue& value, std::string_view section, std::string_view name,
               std::string_view problem) const
    {
        errors_->push_back(config_.message(value, section, name, problem));
    }

    const Config& config_;
    bool check_system_;
    std::vector<ConfigMessage>* errors_;
};

void Builder::listen(ServerConfig& out) const
{
    for (const ConfigValue& value : config_.values(kServer, "Listen")) {
        std::string problem;
        std::optional<ListenAddress> address = parse_listen(value.words, &problem);
        if (!address)
            continue;   // the loader reported it
        address->file = value.file;
        address->line = value.line;
        bool clash = false;
        for (const ListenAddress& earlier : out.listen) {
            if (earlier.port != address->port || clash)
                continue;
            const std::string first = " (first on line " + std::to_string(earlier.line) + ")";
            if (earlier.same_endpoint(*address)) {
                error(value, kServer, "Listen", address->text() + " is given twice" + first);
                clash = true;
            } else if (earlier.host.empty() || address->host.empty()) {
                error(value, kServer, "Listen",
                      address->text() + " overlaps " + earlier.text() + first);
                clash = true;
            }
        }
        if (!clash)
            out.listen.push_back(std::move(*address));
    }
}

// TrustedProxy: the load balancers a Listen marked proxy takes a PROXY header from. A proxy
// Listen with none is an error: every connection on it would be refused.
void Builder::trusted_proxies(ServerConfig& out) const
{
    for (const ConfigValue& value : config_.values(kServer, "TrustedProxy")) {
        for (const std::string& word : value.words) {
            std::string problem;
            if (const std::optional<AddressRange> range = parse_address_range(word, &problem))
                out.trusted_proxies.push_back(*range);
            else
                error(value, kServer, "TrustedProxy",
                      problem + " (allowed: addresses or CIDR ranges, e.g. 127.0.0.1 10.0.0.0/8 ::1)");
        }
    }
    if (!config_.values(kServer, "TrustedProxy").empty())
        return;
    for (const ConfigValue& value : config_.values(kServer, "Listen")) {
        std::string unused;
        const std::optional<ListenAddress> address = parse_listen(value.words, &unused);
        if (address && address->proxy)
            error(value, kServer, "Listen",
                  address->text() + " proxy: no address may send the PROXY protocol header; set "
                  "TrustedProxy to your load balancers' addresses (e.g. TrustedProxy = 127.0.0.1 10.0.0.0/8)");
    }
}

// The certificate and key `vhost` (nullptr: the server) presents, with the place it was set.
TlsCertificate Builder::certificate(const VhostSection* vhost) const
{
    TlsCertificate out;
    const auto first_word = [](const ConfigValue& value) {
        return value.words.empty() ? std::string() : value.words.front();   // "" (the default): none
    };
    // Where `name` was set for this host (its vhost's line, or [server]'s), "FILE:LINE: [SECTION] NAME".
    const auto origin_of = [&](const char* name, const ConfigValue** value) {
        *value = &config_.value_for(vhost, kServer, name);
        const bool own = vhost != nullptr && *value != &config_.value(kServer, name);
        std::string origin = config_.message(**value, own ? vhost->label() : std::string(kServer), name, "").str();
        while (!origin.empty() && (origin.back() == ' ' || origin.back() == ':'))
            origin.pop_back();
        return std::make_pair(origin, own);
    };
    const ConfigValue* certificate = nullptr;
    const auto [origin, own_certificate] = origin_of("SSLCertificateFile", &certificate);
    out.certificate_file = first_word(*certificate);
    out.origin = origin;
    out.key_file = first_word(config_.value_for(vhost, kServer, "SSLCertificateKeyFile"));
    // A response is for one certificate: a vhost with its own does not inherit the server's.
    const ConfigValue* stapling = nullptr;
    const auto [stapling_origin, own_stapling] = origin_of("SSLStaplingFile", &stapling);
    if (!own_certificate || own_stapling) {
        out.stapling_file = first_word(*stapling);
        out.stapling_origin = stapling_origin;
    }
    return out;
}

// Listens marked https: each host that may answer one needs a certificate and a key (a vhost
// without its own has the server's); the files themselves are read when the master builds
// the TLS contexts (tls_context.h).
void Builder::tls(ServerConfig& out) const
{
    std::string problem;
    if (!parse_ssl_protocol(config_.words(kServer, "SSLProtocol"), &out.tls, &problem))
        error(config_.value(kServer, "SSLProtocol"), kServer, "SSLProtocol", problem);
    out.tls.cipher_suite = config_.string(kServer, "SSLCipherSuite");
    out.certificate = certificate(nullptr);
    for (const ConfigValue& value : config_.values(kServer, "Listen")) {
        std::string unused;
        const std::optional<ListenAddress> address = parse_listen(value.words, &unused);
        if (!address || !address->https)
            continue;
        out.any_https = true;
#ifndef HAVE_OPENSSL
        error(value, kServer, "Listen", address->text() + " https: this mpmd was built without OpenSSL "
                                        "(install libssl-dev and configure --with-openssl)");
#endif
    }
    if (!out.any_https)
        return;
    const auto check = [&](const TlsCertificate& c, const ConfigValue& at, const std::string& section) {
        if (c.certificate_file.empty() || c.key_file.empty())
            error(at, section, "SSLCertificateFile",
                  "a Listen marked https needs SSLCertificateFile and SSLCertificateKeyFile here "
                  "(or in [server], for every vhost without its own)");
    };
    const std::vector<VhostSection>& sections = config_.vhosts();
    if (sections.empty())
        check(out.certificate, config_.value(kServer, "SSLCertificateFile"), std::string(kServer));
    for (size_t i = 0; i < sections.size() && i < out.vhosts.size(); ++i) {
        out.vhosts[i].certificate = certificate(&sections[i]);
        // Set nowhere: the message points at the section that has none.
        ConfigValue at = config_.value_for(&sections[i], kServer, "SSLCertificateFile");
        if (at.is_default()) {
            at.file = sections[i].file;
            at.line = sections[i].line;
        }
        check(out.vhosts[i].certificate, at, sections[i].label());
    }
}

void Builder::paths(ServerConfig& out) const
{
    out.server_root = config_.server_root();
    out.document_root = config_.string(kServer, "DocumentRoot");
    out.pid_file = config_.string(kServer, "PidFile");
    out.types_config = config_.string(kServer, "TypesConfig");
    out.error_log = config_.string(kLog, "ErrorLog");
    if (!check_system_)
        return;
    if (const std::string problem = directory_problem(out.document_root); !problem.empty())
        error(config_.value(kServer, "DocumentRoot"), kServer, "DocumentRoot", problem);
    if (const std::string problem = readable_file_problem(out.types_config); !problem.empty())
        error(config_.value(kServer, "TypesConfig"), kServer, "TypesConfig", problem);
}

void Builder::accounts(ServerConfig& out) const
{
    out.user = config_.string(kServer, "User");
    out.group = config_.string(kServer, "Group");
    const auto uid = account_id("User", "user", "getpwnam", [](const char* name) {
        const passwd* pw = getpwnam(name);
        return pw ? std::optional<long long>(pw->pw_uid) : std::nullopt;
    });
    const auto gid = account_id("Group", "group", "getgrnam", [](const char* name) {
        const group* gr = getgrnam(name);
        return gr ? std::optional<long long>(gr->gr_gid) : std::nullopt;
    });
    out.uid = static_cast<uid_t>(uid.value_or(0));
    out.gid = static_cast<gid_t>(gid.value_or(0));
}

void Builder::core_dumps(ServerConfig& out) const
{
    out.core_dump_directory = config_.string(kServer, "CoreDumpDirectory");
    // Without a known User (an error already) there is nothing to check against.
    if (out.core_dump_directory.empty() || !check_system_ || (geteuid() == 0 && out.uid == 0))
        return;
    const std::string problem = child_writable_directory_problem(out.core_dump_directory, out.uid, out.gid, out.user);
    if (!problem.empty())
        error(config_.value(kServer, "CoreDumpDirectory"), kServer, "CoreDumpDirectory", problem);
}

// The files the master writes as root, walked by the rule of trusted_path.h, so that `mpmd -t`
// reports a path another user could steer at its line (a missing directory is left to the
// open at start, as before).
void Builder::written_as_root(const ServerConfig& out) const
{
    if (!check_system_)
        return;
    const auto check = [&](const ConfigValue& value, std::string_view section, std::string_view name,
                           const std::string& path, FinalLink final_link) {
        std::string problem;
        bool broken_rule = false;
        if (!reach_trusted_directory(path, final_link, &problem, &broken_rule) && broken_rule)
            error(value, section, name, problem);
    };
    check(config_.value(kServer, "PidFile"), kServer, "PidFile", out.pid_file, FinalLink::Keep);
    check(config_.value(kLog, "ErrorLog"), kLog, "ErrorLog", out.error_log, FinalLink::Follow);
    for (const ConfigValue& value : config_.values(kLog, "CustomLog"))
        check(value, kLog, "CustomLog", resolve_path(config_.server_root(), value.words[0]), FinalLink::Follow);
}

std::optional<long long> Builder::account_id(std::string_view directive, std::string_view kind,
                                             std::string_view function,
                                             std::optional<long long> (*lookup)(const char*)) const
{
    const std::string& name = config_.string(kServer, directive);
    if (std::optional<long long> id = numeric_id(name))
        return id;
    if (!check_system_)
        return std::nullopt;
    if (std::optional<long long> id = lookup(name.c_str()))
        return id;
    error(config_.value(kServer, directive), kServer, directive,
          "unknown " + std::string(kind) + " \"" + name + "\" (" + std::string(function) +
              " found no such " + std::string(kind) + "; or write #" + std::string(kind.substr(0, 1)) + "id)");
    return std::nullopt;
}

void Builder::logs(ServerConfig& out) const
{
    out.log_level = static_cast<LogLevel>(config_.choice(kLog, "LogLevel"));
    out.log_formats = {{"common", std::string(kCommonLogFormat), {}, 0},
                       {"combined", std::string(kCombinedLogFormat), {}, 0}};
    std::vector<std::string> broken;
    for (const ConfigValue& value : config_.values(kLog, "LogFormat")) {
        const std::string& nickname = value.words[1];
        if (nickname.find('%') != std::string::npos) {
            error(value, kLog, "LogFormat",
                  "nickname \"" + nickname + "\" may not contain '%' (allowed: \"format\" nickname)");
            continue;
        }
        if (!format_compiles(value, "LogFormat", value.words[0])) {
            broken.push_back(nickname);   // its CustomLogs are not reported again
            continue;
        }
        LogFormatSetting setting{nickname, value.words[0], value.file, value.line};
        const auto known = std::find_if(
            out.log_formats.begin(), out.log_formats.end(),
            [&](const LogFormatSetting& f) { return f.nickname == nickname; });
        if (known != out.log_formats.end())
            *known = std::move(setting);
        else
            out.log_formats.push_back(std::move(setting));
    }
    for (const ConfigValue& value : config_.values(kLog, "CustomLog")) {
        const std::string& format = value.words[1];
        CustomLogSetting setting{resolve_path(config_.server_root(), value.words[0]), format, {},
                                 value.file, value.line};
        if (const LogFormatSetting* named = out.find_log_format(format)) {
            setting.format = named->format;
            setting.nickname = named->nickname;
        } else if (format.find('%') != std::string::npos) {
            if (!format_compiles(value, "CustomLog", format))
                continue;
        } else if (std::find(broken.begin(), broken.end(), format) != broken.end()) {
            continue;
        } else {
            std::string known;
            for (const LogFormatSetting& f : out.log_formats)
                known += (known.empty() ? "" : ", ") + f.nickname;
            error(value, kLog, "CustomLog",
                  "unknown LogFormat nickname \"" + format + "\" (allowed: " + known +
                      ", or a format containing %)");
            continue;
        }
        out.custom_logs.push_back(std::move(setting));
    }
}

void Builder::modules(ServerConfig& out) const
{
    for (const ConfigValue& value : config_.values(kModules, "LoadModule"))
        out.load_modules.push_back({value.words[0],
                                    resolve_path(config_.server_root(), value.words[1]),
                                    value.file, value.line});
}

void Builder::read_timeouts(ServerConfig& out) const
{
    const ConfigValue& value = config_.value(kServer, "RequestReadTimeout");
    std::string problem;
    if (std::optional<RequestReadTimeout> parsed = RequestReadTimeout::parse(value.words, &problem))
        out.request_read_timeout = *parsed;
    else
        error(value, kServer, "RequestReadTimeout",
              problem + " (allowed: " + std::string(kRequestReadTimeoutSyntax) + ")");
}

void Builder::file_access(const VhostSection* vhost, FileAccess& out) const
{
    const ConfigValue& value = config_.value_for(vhost, kServer, "Options");
    const bool own = vhost == nullptr || &value != &config_.value(kServer, "Options");
    std::string problem;
    if (!parse_options(value.words, &out, &problem) && own)
        error(value, vhost ? vhost->label() : std::string(kServer), "Options", problem);
    out.symlinks_outside_root = config_.value_for(vhost, kServer, "AllowSymLinksOutsideRoot").number != 0;
    // The directive's choices are listed in the enum's order (file_access.h).
    out.dot_files = static_cast<DotFiles>(config_.value_for(vhost, kServer, "DotFiles").number);
}

// ScriptAlias and AddHandler lines: a vhost with any of its own has only its own (each
// directive on its own, as the repeatable CustomLog is).
void Builder::cgi(const VhostSection* vhost, CgiSettings& out) const
{
    const std::string label = vhost ? vhost->label() : std::string(kServer);
    const std::vector<ConfigValue>& aliases = config_.values_for(vhost, kServer, "ScriptAlias");
    const bool own_aliases = vhost == nullptr || &aliases != &config_.values(kServer, "ScriptAlias");
    for (const ConfigValue& value : aliases) {
        std::string problem;
        if (!add_script_alias(value.words, config_.server_root(), &out, &problem)) {
            if (own_aliases)
                error(value, label, "ScriptAlias", problem);
            continue;
        }
        if (check_system_ && own_aliases)
            if (const std::string missing = directory_problem(out.script_aliases.back().directory); !missing.empty())
                error(value, label, "ScriptAlias", missing);
    }
    const std::vector<ConfigValue>& handlers = config_.values_for(vhost, kServer, "AddHandler");
    const bool own_handlers = vhost == nullptr || &handlers != &config_.values(kServer, "AddHandler");
    for (const ConfigValue& value : handlers) {
        std::string problem;
        if (!add_handler(value.words, &out, &problem) && own_handlers)
            error(value, label, "AddHandler", problem);
    }
}

// Each [vhost:NAME] section as a VirtualHost; needs the server's own values (ServerName).
void Builder::vhosts(ServerConfig& out) const
{
    for (const VhostSection& section : config_.vhosts()) {
        const std::string label = section.label();
        VirtualHost host;
        host.name = section.name;
        host.file = section.file;
        host.line = section.line;
        const ConfigValue& name = config_.value_for(&section, kServer, "ServerName");
        const bool own_name = &name != &config_.value(kServer, "ServerName");
        host.server_name = std::string(host_without_port(own_name ? name.words.front() : out.server_name));
        for (const ConfigValue& alias : config_.values_for(&section, kVhost, "ServerAlias"))
            host.aliases.insert(host.aliases.end(), alias.words.begin(), alias.words.end());
        const ConfigValue& root = config_.value_for(&section, kServer, "DocumentRoot");
        host.document_root = root.words.front();
        if (check_system_ && &root != &config_.value(kServer, "DocumentRoot"))
            if (const std::string problem = directory_problem(host.document_root); !problem.empty())
                error(root, label, "DocumentRoot", problem);
        host.directory_index = config_.value_for(&section, kServer, "DirectoryIndex").words;
        file_access(&section, host.file_access);
        cgi(&section, host.cgi);
        vhost_logs(section, out, host);
        const ConfigValue& error_log = config_.value_for(&section, kLog, "ErrorLog");
        if (&error_log != &config_.value(kLog, "ErrorLog")) {
            host.error_log = error_log.words.front();
            std::string problem;
            bool broken_rule = false;
            if (check_system_ && !reach_trusted_directory(host.error_log, FinalLink::Follow, &problem, &broken_rule) &&
                broken_rule)
                error(error_log, label, "ErrorLog", problem);
        }
        // A second vhost of the same ServerName would never be chosen (the first wins).
        for (const VirtualHost& earlier : out.vhosts)
            if (own_name && equals_ignoring_case(earlier.server_name, host.server_name))
                error(name, label, "ServerName",
                      host.server_name + " is already [vhost:" + earlier.name + "]'s (line " +
                          std::to_string(earlier.line) + "): requests for it would never reach this vhost");
        out.vhosts.push_back(std::move(host));
    }
}

} // namespace

ServerConfig ServerConfig::from(const Config& config, bool check_system,
                                std::vector<ConfigMessage>* errors)
{
    ServerConfig out;
    const Builder builder(config, check_system, errors);
    builder.listen(out);
    builder.trusted_proxies(out);
    builder.paths(out);
    builder.accounts(out);
    builder.core_dumps(out);
    builder.written_as_root(out);
    builder.logs(out);
    builder.modules(out);
    builder.read_timeouts(out);
    builder.file_access(nullptr, out.file_access);
    builder.cgi(nullptr, out.cgi);

    out.server_name = config.string(kServer, "ServerName");
    if (out.server_name.empty())
        out.server_name = host_name();
    // The directive's choices are listed in the enum's order (version.h).
    out.server_tokens = static_cast<ServerTokens>(config.choice(kServer, "ServerTokens"));
    out.directory_index = config.words(kServer, "DirectoryIndex");
    out.trace_enable = config.flag(kServer, "TraceEnable");
    out.timeout = as_int(config, kServer, "Timeout");
    out.keep_alive = config.flag(kServer, "KeepAlive");
    out.keep_alive_timeout = as_int(config, kServer, "KeepAliveTimeout");
    out.max_keep_alive_requests = as_int(config, kServer, "MaxKeepAliveRequests");
    out.listen_backlog = as_int(config, kServer, "ListenBacklog");
    out.accept_filter = static_cast<AcceptFilter>(config.choice(kServer, "AcceptFilter"));
    out.graceful_shutdown_timeout = as_int(config, kServer, "GracefulShutdownTimeout");
    out.graceful_restart_timeout = as_int(config, kServer, "GracefulRestartTimeout");
    out.request_timeout = as_int(config, kServer, "RequestTimeout");
    out.max_ranges = as_int(config, kServer, "MaxRanges");
    out.open_file_cache = as_int(config, kServer, "OpenFileCache");
    out.limit_request_body = uint64_t(config.integer(kServer, "LimitRequestBody"));
    out.cgi_script_timeout = as_int(config, kServer, "CGIScriptTimeout");
    if (out.cgi_script_timeout == 0)
        out.cgi_script_timeout = out.timeout;   // mod_cgi's default
    builder.vhosts(out);
    builder.tls(out);
    return out;
}

// A vhost's own CustomLog lines (nicknames are the server's LogFormats), checked as the
// server's are; without any, the server's logs.
void Builder::vhost_logs(const VhostSection& section, const ServerConfig& out, VirtualHost& host) const
{
    const std::vector<ConfigValue>& values = config_.values_for(&section, kLog, "CustomLog");
    host.own_custom_logs = &values != &config_.values(kLog, "CustomLog");
    if (!host.own_custom_logs) {
        host.custom_logs = out.custom_logs;
        return;
    }
    const std::string label = section.label();
    for (const ConfigValue& value : values) {
        const std::string& format = value.words[1];
        CustomLogSetting setting{resolve_path(config_.server_root(), value.words[0]), format, {}, value.file,
                                 value.line};
        if (const LogFormatSetting* named = out.find_log_format(format)) {
            setting.format = named->format;
            setting.nickname = named->nickname;
        } else if (format.find('%') != std::string::npos) {
            std::string problem;
            if (!LogFormat::compile(format, &problem)) {
                error(value, label, "CustomLog", problem);
                continue;
            }
        } else {
            error(value, label, "CustomLog", "unknown LogFormat nickname \"" + format +
                                                 "\" (LogFormat lines are the server's, in [log])");
            continue;
        }
        if (check_system_) {
            std::string problem;
            bool broken_rule = false;
            if (!reach_trusted_directory(setting.path, FinalLink::Follow, &problem, &broken_rule) && broken_rule) {
                error(value, label, "CustomLog", problem);
                continue;
            }
        }
        host.custom_logs.push_back(std::move(setting));
    }
}

bool VirtualHost::answers_to(std::string_view host) const
{
    if (equals_ignoring_case(server_name, host))
        return true;
    for (const std::string& alias : aliases)
        if (host_matches(alias, host))
            return true;
    return false;
}

const VirtualHost* ServerConfig::find_vhost(std::string_view host) const
{
    if (vhosts.empty())
        return nullptr;
    for (const VirtualHost& vhost : vhosts)
        if (vhost.answers_to(host))
            return &vhost;
    return &vhosts.front();
}

HostSettings ServerConfig::settings_of(const VirtualHost* vhost) const
{
    if (vhost != nullptr)
        return {vhost->server_name, vhost->document_root, vhost->directory_index, vhost->file_access, vhost->cgi};
    return {server_name, document_root, directory_index, file_access, cgi};
}

const LogFormatSetting* ServerConfig::find_log_format(std::string_view nickname) const
{
    for (const LogFormatSetting& format : log_formats)
        if (format.nickname == nickname)
            return &format;
    return nullptr;
}

} // namespace mpmd
