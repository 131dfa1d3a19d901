// The core directive table. Defaults and ranges follow Apache httpd 2.4 (core, mod_log_config,
// mod_dir, mod_mime, mod_so, and the byterange filter's MaxRanges) where mpmd has the same
// directive.
// Runs in: master.
#include "shared/core_directives.h"

#include "shared/file_access.h"
#include "shared/log_level.h"
#include "shared/request_read_timeout.h"
#include "shared/tls_settings.h"

namespace mpmd {

namespace {

constexpr std::string_view S = kServerSection;
constexpr std::string_view L = kLogSection;
constexpr std::string_view M = kModulesSection;
constexpr std::string_view V = kVhostSection;

// Grouped by section: the roff reference and `mpmd -L` print them in this order.
constexpr Directive kCoreDirectives[] = {
    make_listen(S, "Listen", "80",
                "An address and port to accept connections on; a port alone or *:port means "
                "every address. The first Listen replaces the default. The flag https: "
                "connections speak TLS (see SSLCertificateFile). The flag proxy: a "
                "connection from a TrustedProxy address begins with a PROXY protocol header "
                "(version 1 or 2) that names the client; others are refused."),
    make_words(S, "TrustedProxy", 1, INT_MAX, "address|CIDR ...",
               "The load balancers that may send the PROXY protocol header on a Listen marked "
               "proxy, e.g. 127.0.0.1 10.0.0.0/8; repeatable. A proxy Listen needs at least one."),
    also_per_vhost(make_path(S, "SSLCertificateFile", "",
              "The certificate (PEM) a Listen marked https presents, its chain after it in the "
              "same file; in a [vhost:NAME] section, that host's (chosen by the client's SNI). "
              "Read by the master as root at start and at each restart.")),
    also_per_vhost(make_path(S, "SSLCertificateKeyFile", "",
              "The private key (PEM) of SSLCertificateFile. A key others may read is warned of at start.")),
    also_per_vhost(make_path(S, "SSLStaplingFile", "",
              "An OCSP response (DER, e.g. from openssl ocsp -respout) for SSLCertificateFile, sent "
              "to clients that ask (OCSP stapling). mpmd does not fetch it: renew it before its "
              "nextUpdate and restart gracefully. A vhost with its own certificate staples only its own.")),
    make_word_list(S, "SSLProtocol", "all", "[+|-]all|TLSv1.2|TLSv1.3 ...",
                   "The TLS versions offered: all is TLS 1.2 and 1.3; older ones are never offered "
                   "(-TLSv1.1 and the like are accepted and change nothing)."),
    make_string(S, "SSLCipherSuite", kDefaultCipherSuite, "OpenSSL cipher list",
                "The ciphers offered for TLS 1.2, in OpenSSL's syntax; the default offers forward "
                "secrecy and AEAD only (Mozilla's intermediate set). TLS 1.3's suites are OpenSSL's own."),
    make_path(S, kServerRootName, MPMD_PREFIX,
              "The directory that relative paths resolve against; mpmd -d DIR overrides it."),
    also_per_vhost(make_path(S, "DocumentRoot", MPMD_DOCROOT,
              "The directory served as the URL path /; it must exist and be readable.")),
    make_string(S, "User", MPMD_USER, "name|#uid",
                "The user the children run as when mpmd is started as root."),
    make_string(S, "Group", MPMD_GROUP, "name|#gid",
                "The group the children run as when mpmd is started as root."),
    needs_full_restart(make_path(S, "PidFile", MPMD_RUNDIR "/mpmd.pid",
              "The file the master writes its process id to; mpmd -k uses it. Written only through "
              "directories and links that root (or the user mpmd runs as) owns; see \"Files written as root\" in mpmd.conf(5).")),
    make_path(S, "CoreDumpDirectory", "",
              "Where children work so that a crash leaves a core dump: they change to it and stay "
              "dumpable. It must exist and be writable by User. Unset, children are not dumpable: no "
              "process of User can ptrace them or read their memory or descriptors."),
    also_per_vhost(make_string(S, "ServerName", "(the host name)", "host[:port]",
                "The name the server uses for itself, e.g. in the access log's %v; in a "
                "[vhost:NAME] section, the host name its requests carry (port ignored).")),
    // Choices in the order of enum ServerTokens (version.h).
    make_enum(S, "ServerTokens", "Full", "Prod[uctOnly]|Major|Minor|Min[imal]|OS|Full",
              "How much the Server response header tells: Prod gives the product name only, "
              "Full adds the version and the operating system."),
    also_per_vhost(make_word_list(S, "DirectoryIndex", "index.html", "file ...",
                   "The files to look for, first found wins, when a request names a directory.")),
    also_per_vhost(make_word_list(S, "Options", "SymLinksIfOwnerMatch", kOptionsWords,
                   "Which symbolic links below DocumentRoot are followed: FollowSymLinks any, "
                   "SymLinksIfOwnerMatch those whose target has the link's owner, None none; a "
                   "refused link answers 403. Links are checked while the file is opened, with no "
                   "window for a swap. ExecCGI: files below DocumentRoot with an AddHandler "
                   "cgi-script extension run as CGI scripts (without it they answer 403).")),
    also_per_vhost(make_words(S, "ScriptAlias", 2, 2, "URL-path directory",
               "Maps URL-path (e.g. /cgi-bin/) to a directory of CGI scripts: every file there "
               "runs as a script, whatever Options says, and what follows the script's name in "
               "the URL is its PATH_INFO. Matched by whole path segments; repeatable, the first "
               "match wins.")),
    also_per_vhost(make_words(S, "AddHandler", 2, INT_MAX, "cgi-script .extension ...",
               "Files below DocumentRoot whose name ends in one of the extensions (compared "
               "without regard to case) run as CGI scripts where Options has ExecCGI. "
               "cgi-script is the one handler mpmd has; repeatable.")),
    make_integer(S, "LimitRequestBody", "1048576", 0, 2147483647, "bytes",
                 "The most bytes of request body (after de-chunking) a request may send; more is "
                 "refused with 413, before the body when its Content-Length says so. 0: no limit. "
                 "Apache's default is 1 GiB; mpmd's is 1 MiB, since only CGI scripts read bodies: "
                 "raise it for uploads."),
    make_integer(S, "CGIScriptTimeout", "0", 0, 86400, "seconds",
                 "How long a CGI script may go without writing output (or reading its request "
                 "body) before it is killed: 504 when it sent no header yet, else the connection "
                 "is cut. 0: the value of Timeout."),
    also_per_vhost(make_flag(S, "AllowSymLinksOutsideRoot", "Off",
              "Whether a symbolic link that Options follows may lead out of DocumentRoot; Off "
              "refuses such a file with 403 whatever Options says.")),
    also_per_vhost(make_enum(S, "DotFiles", "Deny", kDotFilesChoices,
              "Files and directories whose name begins with a dot: Deny refuses every one with 403 "
              "(but /.well-known/, RFC 8615), DenyHt only .ht* (.htaccess, .htpasswd) as Debian's "
              "apache2 does, Allow serves them.")),
    make_flag(S, "TraceEnable", "Off",
              "Whether TRACE requests are answered (echoing the request head as message/http) "
              "or refused with 405; a TRACE with a body is refused with 413 either way."),
    make_path(S, "TypesConfig", MPMD_SYSCONFDIR "/mime.types",
              "The mime.types file that maps file name extensions to a Content-Type."),
    make_integer(S, "Timeout", "60", 1, 86400, "seconds",
                 "How long to wait for a client to send or accept data before closing."),
    make_word_list(S, "RequestReadTimeout", kRequestReadTimeoutDefault, kRequestReadTimeoutSyntax,
                   "Deadlines for receiving a request (Apache's mod_reqtimeout): the head within "
                   "the header timeout, extended by 1 s per MinRate bytes up to maxtimeout, the "
                   "body likewise; a client that misses one gets 408 and is closed. 0 disables a "
                   "stage. The header clock of a kept-alive connection starts at the first byte "
                   "of its next request."),
    make_flag(S, "KeepAlive", "On",
              "Whether a connection stays open for further requests (persistent connections)."),
    make_integer(S, "KeepAliveTimeout", "5", 0, 86400, "seconds",
                 "How long an idle kept-alive connection waits for its next request."),
    make_integer(S, "MaxKeepAliveRequests", "100", 0, INT_MAX, "requests",
                 "How many requests one connection may carry; 0 means unlimited."),
    make_integer(S, "ListenBacklog", "511", 1, 65535, "connections",
                 "The length of the queue of pending connections passed to listen(2)."),
    // Choices in the order of enum AcceptFilter (server_config.h).
    make_enum(S, "AcceptFilter", "data", "none|data",
              "data: the kernel hands a new connection to mpmd only once its first bytes have "
              "arrived (TCP_DEFER_ACCEPT, as Apache's AcceptFilter http data on Linux), so a client "
              "that connects and stays silent costs no process, thread or loop work, and the "
              "request is read at the accept; one silent for 30 s is handed over then, and Timeout "
              "applies from there. none: every connection at once."),
    make_integer(S, "GracefulShutdownTimeout", "0", 0, 86400, "seconds",
                 "How long a graceful stop waits for requests in progress; 0 means no limit."),
    make_integer(S, "GracefulRestartTimeout", "0", 0, 86400, "seconds",
                 "How long a child told to leave gracefully while the server runs on (after a graceful "
                 "restart, or trimmed as a spare) may finish its work before it is stopped; 0 means no limit."),
    // Apache's "default|unlimited|none|number" is a count with three names, not an Enum: each
    // name stands for the count it means (unlimited is INT_MAX, more ranges than any request
    // head can hold), so ServerConfig reads one number and 0 means Range is ignored.
    make_named_integer(S, "MaxRanges", "default", 1, INT_MAX, "ranges",
                       "none=0|default=200|unlimited=2147483647", "default|unlimited|none|number",
                       "The most ranges one Range request may ask for, counted as written (before "
                       "overlapping and adjacent ones are merged); a request that asks for more gets "
                       "the whole file with 200. none ignores Range, default is 200, unlimited sets "
                       "no bound."),
    make_integer(S, "OpenFileCache", "64", 0, 4096, "files",
                 "How many recently served files each serving thread keeps open, so that the next "
                 "request for one costs a single stat of its path (a file of 8 KiB or less, unchanged "
                 "for two seconds, is held in memory too); a file that changed on disk (its inode, "
                 "size, times or mode) is opened again. 0 opens every file per request."),
    make_integer(S, "RequestTimeout", "0", 0, 86400, "seconds",
                 "How long one request may run once its head is read; past it the master logs the "
                 "request line and client and ends the child serving it. 0 means no limit."),

    also_per_vhost(make_path(L, "ErrorLog", MPMD_LOGDIR "/error_log",
              "The error log file, shared by the master and every child. Opened as root only through "
              "directories and links that root (or the user mpmd runs as) owns; see \"Files written as root\" in mpmd.conf(5). "
              "In a [vhost:NAME] section, where that vhost's request errors go (the rest stays in the server's).")),
    // Choices in the order of enum LogLevel (log_level.h).
    make_enum(L, "LogLevel", "warn", kLogLevelChoices,
              "The least severe messages written to the error log."),
    make_words(L, "LogFormat", 2, 2, "\"format\" nickname",
               "Names an access log format for CustomLog; common and combined are built in "
               "with Apache's definitions, and a LogFormat of the same nickname replaces them."),
    also_per_vhost(make_words(L, "CustomLog", 2, 2, "path format|nickname",
               "An access log: a file, then a LogFormat nickname or a literal format. The file is opened "
               "as the ErrorLog is. A vhost with CustomLog lines of its own logs its requests there "
               "alone; one without logs to the server's.")),

    needs_full_restart(make_words(M, "LoadModule", 2, 2, "module path",
               "A module to load from a shared object: the MPM, in a build with --enable-mpms-shared "
               "(e.g. mpm_event_module libexec/mpmd/mod_mpm_event.so); exactly one MPM may be loaded.")),

    make_words(V, "ServerAlias", 1, INT_MAX, "host ...",
               "More names the vhost answers to besides its ServerName, compared without regard to "
               "case and without the port; * and ? match any run of characters and any one "
               "(*.example.org). Only in a [vhost:NAME] section."),
};

constexpr DirectiveTable kCoreTable = make_table("core", kCoreDirectives);

} // namespace

std::string default_config_file()
{
    return MPMD_SYSCONFDIR "/mpmd.conf";
}

const DirectiveTable& core_directive_table()
{
    return kCoreTable;
}

} // namespace mpmd
