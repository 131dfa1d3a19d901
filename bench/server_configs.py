"""server_configs.py: the servers `make bench` compares and their generated configs.

One Server per row of the report: mpmd-prefork/worker/event (the build tree's
bench/mpmd-MPM), apache2-prefork/worker/event (Debian's /usr/sbin/apache2 run
directly, loading only the MPM, authz_core, mime, dir and log_config modules;
Debian's apache2 has log_config built in)
and nginx (Debian's /usr/sbin/nginx, master plus 2 workers).  Every config is
self-contained (nothing under /etc is read but the mime types when the tree has
none), listens on 127.0.0.1 only, serves the same document root, and writes an
access log in Apache's common format to a file.  Every server sends files with
sendfile(2): mpmd always, apache2 with EnableSendfile On and nginx with sendfile on
(both Off by default; Debian's nginx.conf turns it on, its apache2.conf does not).
Each also listens for TLS on a second port with the same self-signed certificate
(an RSA 2048 key made by run_bench.py), TLS 1.2 and 1.3 only, session tickets on
(each server's default): mpmd's Listen ... https, apache2's mod_ssl, nginx's ssl.

Two sets of sizes, both taken from the shell benchmarks so that their numbers
stay comparable with these:
  "load"  bench/compare-mpm.sh: no child is started or stopped while wrk holds
          its connections (prefork StartServers 64; worker/event Apache's
          defaults except StartServers 6); KeepAliveTimeout 5.
  "idle"  bench/idle-memory.sh: Apache's defaults, with MaxRequestWorkers and
          ServerLimit raised so that each can hold the idle clients;
          KeepAliveTimeout 300 (longer than the measurement).
"""

import math
import os
from dataclasses import dataclass

MPMS = ("prefork", "worker", "event")
COMMON_FORMAT = '%h %l %u %t "%r" %>s %b'
# As it is written inside double quotes in an Apache or mpmd config.
COMMON_QUOTED = COMMON_FORMAT.replace('"', '\\"')
# nginx's variables for Apache's common format (%b is "-" for 0 bytes in Apache:
# the only difference, and no 0-byte answer is measured).
NGINX_COMMON = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent'

# Debian packages, named when a tool is missing.
PACKAGES = {"apache2": "apache2", "nginx": "nginx (nginx-core)", "wrk": "wrk",
            "gnuplot": "gnuplot-nox", "openssl": "openssl"}


@dataclass(frozen=True)
class Server:
    name: str       # the report's row: mpmd-event, apache2-worker, nginx
    kind: str       # mpmd, apache2 or nginx
    mpm: str = ""   # empty for nginx


def all_servers(mpmd_mpms):
    """Every server in the report's order; mpmd only with the MPMs this build links."""
    out = [Server(f"mpmd-{m}", "mpmd", m) for m in MPMS if m in mpmd_mpms]
    out += [Server(f"apache2-{m}", "apache2", m) for m in MPMS]
    return out + [Server("nginx", "nginx")]


@dataclass
class Paths:
    """Where the binaries and shared files are; set once by run_bench.py."""
    build_dir: str
    mime_types: str             # Apache's format: "type ext ext ..."
    certificate: str = ""       # PEM certificate and key every server's TLS port uses
    key: str = ""
    apache2: str = "/usr/sbin/apache2"
    apache_modules: str = "/usr/lib/apache2/modules"
    nginx: str = "/usr/sbin/nginx"

    def mpmd(self, mpm):
        return os.path.join(self.build_dir, "bench", f"mpmd-{mpm}")


def mpm_sizes(mpm, purpose, idle_clients):
    """Apache's MPM directives as (name, value) pairs, shared by mpmd and apache2."""
    if purpose == "load":
        if mpm == "prefork":
            return [("StartServers", 64), ("MinSpareServers", 8), ("MaxSpareServers", 128),
                    ("MaxRequestWorkers", 128), ("ServerLimit", 128)]
        workers, limit = 400, 16
        start = 6
    else:
        # idle-memory.sh's figures for 2,000 clients, grown for more.
        if mpm == "prefork":       # a process per connection, 100 spare
            workers = max(2100, idle_clients + 100)
            return [("StartServers", 5), ("MinSpareServers", 5), ("MaxSpareServers", 10),
                    ("MaxRequestWorkers", workers), ("ServerLimit", workers)]
        if mpm == "worker":        # a thread per connection, 100 spare
            workers = max(2100, 25 * math.ceil((idle_clients + 100) / 25))
        else:
            # Apache's event: a child holds ThreadsPerChild + AsyncRequestWorkerFactor
            # x idle threads = 75 connections when idle; 20 % more children than needed.
            workers = max(800, 25 * math.ceil(idle_clients * 1.2 / 75))
        limit = workers // 25
        start = 3
    sizes = [("StartServers", start), ("ServerLimit", limit), ("ThreadLimit", 64),
             ("ThreadsPerChild", 25), ("MinSpareThreads", 75), ("MaxSpareThreads", 250),
             ("MaxRequestWorkers", workers)]
    if mpm == "event":
        sizes.append(("AsyncRequestWorkerFactor", 2))
    return sizes


def keepalive_timeout(purpose):
    return 5 if purpose == "load" else 300


def nginx_connections(idle_clients):
    """worker_connections: either worker may end up holding every idle client."""
    return max(4096, idle_clients + 512)


def run_as():
    """(user, group) the children switch to: nobody:nogroup when run as root."""
    if os.geteuid() == 0:
        return "nobody", "nogroup"
    import grp
    import pwd
    return pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name


def write_config(server, paths, work, docroot, port, purpose, idle_clients, tls_port=None):
    """Write SERVER's config into its directory WORK (TLS on TLS_PORT too, when given);
    return its command line."""
    user, group = run_as()
    timeout = keepalive_timeout(purpose)
    if server.kind == "mpmd":
        sizes = "\n".join(f"{k} = {v}" for k, v in mpm_sizes(server.mpm, purpose, idle_clients))
        tls = (f"Listen = 127.0.0.1:{tls_port} https\nSSLCertificateFile = {paths.certificate}\n"
               f"SSLCertificateKeyFile = {paths.key}\n") if tls_port else ""
        text = f"""[server]
Listen = 127.0.0.1:{port}
{tls}ServerRoot = {work}
DocumentRoot = {docroot}
TypesConfig = {paths.mime_types}
PidFile = mpmd.pid
User = {user}
Group = {group}
KeepAlive = On
MaxKeepAliveRequests = 0
KeepAliveTimeout = {timeout}

[log]
ErrorLog = error_log
LogLevel = warn
LogFormat = "{COMMON_QUOTED}" common
CustomLog = access_log common

[mpm_{server.mpm}]
{sizes}
"""
        conf = os.path.join(work, "mpmd.conf")
        argv = [paths.mpmd(server.mpm), "-d", work, "-f", conf, "-D", "FOREGROUND"]
    elif server.kind == "apache2":
        mods = paths.apache_modules
        sizes = "\n".join(f"{k} {v}" for k, v in mpm_sizes(server.mpm, purpose, idle_clients))
        # mod_ssl as Debian's ssl.conf sets it up (its session cache in shared memory).
        tls = f"""LoadModule socache_shmcb_module {mods}/mod_socache_shmcb.so
LoadModule ssl_module {mods}/mod_ssl.so
SSLSessionCache "shmcb:{work}/ssl_scache(512000)"
Listen 127.0.0.1:{tls_port} https
<VirtualHost 127.0.0.1:{tls_port}>
    SSLEngine on
    SSLProtocol all -SSLv3 -TLSv1 -TLSv1.1
    SSLCertificateFile "{paths.certificate}"
    SSLCertificateKeyFile "{paths.key}"
</VirtualHost>
""" if tls_port else ""
        text = f"""ServerRoot "{work}"
ServerName localhost
DefaultRuntimeDir "{work}"
PidFile "{work}/apache2.pid"
ErrorLog "{work}/error_log"
LogLevel warn
Listen 127.0.0.1:{port}
LoadModule mpm_{server.mpm}_module {mods}/mod_mpm_{server.mpm}.so
LoadModule authz_core_module {mods}/mod_authz_core.so
LoadModule mime_module {mods}/mod_mime.so
LoadModule dir_module {mods}/mod_dir.so
<IfModule !log_config_module>
    LoadModule log_config_module {mods}/mod_log_config.so
</IfModule>
User {user}
Group {group}
TypesConfig "{paths.mime_types}"
DocumentRoot "{docroot}"
<Directory "{docroot}">
    Require all granted
</Directory>
DirectoryIndex index.html
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout {timeout}
EnableSendfile On
LogFormat "{COMMON_QUOTED}" common
CustomLog "{work}/access_log" common
{sizes}
{tls}"""
        conf = os.path.join(work, "apache2.conf")
        argv = [paths.apache2, "-f", conf, "-D", "FOREGROUND"]
    else:
        text = nginx_config(paths, work, docroot, port, timeout, idle_clients, user, group, tls_port)
        conf = os.path.join(work, "nginx.conf")
        # -e: Debian's nginx opens its compiled-in error log before reading the config.
        argv = [paths.nginx, "-c", conf, "-p", work + "/", "-e", os.path.join(work, "error_log"),
                "-g", "daemon off;"]
    with open(conf, "w") as f:
        f.write(text)
    return argv


def nginx_types(mime_types):
    """The mime.types file in Apache's format as nginx's types { } block body."""
    lines = []
    with open(mime_types) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if len(words) > 1:
                lines.append(f"        {words[0]} {' '.join(words[1:])};")
    return "\n".join(lines)


def nginx_config(paths, work, docroot, port, timeout, idle_clients, user, group, tls_port=None):
    # worker_processes 2 is nginx's `auto` on the 2-core machine this was written on;
    # pinned so that a report from a bigger host still shows the same configuration.
    # keepalive_requests as MaxKeepAliveRequests 0; the temp paths keep nginx out of
    # /var/lib/nginx.
    user_line = f"user {user} {group};" if os.geteuid() == 0 else ""
    tmp = os.path.join(work, "tmp")
    os.makedirs(tmp, exist_ok=True)
    tls = f"""    server {{
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {paths.certificate};
        ssl_certificate_key {paths.key};
        ssl_protocols TLSv1.2 TLSv1.3;
        root {docroot};
        index index.html;
    }}
""" if tls_port else ""
    return f"""{user_line}
worker_processes 2;
master_process on;
worker_rlimit_nofile {2 * nginx_connections(idle_clients)};
pid {work}/nginx.pid;
error_log {work}/error_log warn;
events {{ worker_connections {nginx_connections(idle_clients)}; }}
http {{
    types {{
{nginx_types(paths.mime_types)}
    }}
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout {timeout};
    keepalive_requests 1000000000;
    log_format common '{NGINX_COMMON}';
    access_log {work}/access_log common;
    client_body_temp_path {tmp};
    proxy_temp_path {tmp};
    fastcgi_temp_path {tmp};
    uwsgi_temp_path {tmp};
    scgi_temp_path {tmp};
    server {{
        listen 127.0.0.1:{port};
        root {docroot};
        index index.html;
    }}
{tls}}}
"""
