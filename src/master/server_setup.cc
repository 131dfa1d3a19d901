// See server_setup.h.
#include "master/server_setup.h"

#include <config.h>   // HAVE_OPENSSL

#include "shared/error_log.h"
#if HAVE_OPENSSL
#include "shared/tls_context.h"
#endif
#include "shared/version.h"

#include <unistd.h>

namespace mpmd {

std::shared_ptr<LogFile> LogFileCache::get(const std::string& path, std::string* error)
{
    auto found = files_.find(path);
    if (found != files_.end())
        return found->second;
    auto file = std::make_shared<LogFile>();
    if (!file->open(path, error))
        return nullptr;
    file->set_fault_reporter(report_access_log_fault);
    share_fault_word(path, *file);
    files_.emplace(path, file);
    return file;
}

void LogFileCache::share_fault_words(uint64_t* words, uint64_t* lost_totals, size_t count)
{
    words_ = words;
    lost_totals_ = lost_totals;
    word_count_ = count;
    for (auto& [path, file] : files_)
        share_fault_word(path, *file);
}

void LogFileCache::share_fault_word(const std::string& path, LogFile& file)
{
    if (words_ == nullptr)
        return;
    auto known = fault_words_.find(path);
    if (known == fault_words_.end()) {
        if (fault_words_.size() >= word_count_)
            return;
        known = fault_words_.emplace(path, fault_words_.size()).first;
    }
    file.share_fault_state(&words_[known->second], &lost_totals_[known->second]);
}

std::vector<std::shared_ptr<LogFile>> LogFileCache::files() const
{
    std::vector<std::shared_ptr<LogFile>> out;
    for (const auto& entry : files_)
        out.push_back(entry.second);
    return out;
}

void LogFileCache::reopen_all(std::vector<std::string>* errors)
{
    for (auto& [path, file] : files_) {
        std::string error;
        if (!file->reopen(&error))
            errors->push_back(error);
    }
}

void LogFileCache::prune()
{
    for (auto it = files_.begin(); it != files_.end();) {
        if (it->second.use_count() == 1)
            it = files_.erase(it);
        else
            ++it;
    }
}

std::shared_ptr<ServerRuntime> build_runtime(const LoadedConfig& config, const Mpm& mpm, LogFileCache& logs,
                                             std::vector<std::string>* errors)
{
    auto runtime = std::make_shared<ServerRuntime>();
    const ServerConfig& server = config.server;
    runtime->server = server;
    runtime->banner = server_banner(server.server_tokens);
    const MpmLimits limits = mpm.limits(config);
    runtime->max_connections_per_child = limits.max_connections_per_child;
    runtime->max_connections_jitter = limits.max_connections_jitter;
    runtime->status = config.status;
    StatusServerInfo& info = runtime->status_info;
    info.mpm_name = mpm.name();
    info.threaded = mpm.threaded();
    const std::string_view name = mpm.name();
    info.async = name == "event";
    info.threads_per_child = limits.threads_per_child;
    info.max_processes = uint32_t(name == "prefork" ? config.prefork.max_request_workers
                                  : name == "worker" ? config.worker.max_children()
                                                     : config.event.max_children());
    runtime->switch_user = geteuid() == 0;
    runtime->uid = server.uid;
    runtime->gid = server.gid;
    if (runtime->switch_user && server.uid == 0)
        errors->push_back(config.raw.file() + ": [server] User: children would run as root; mpmd refuses to serve "
                          "requests as root (allowed: an unprivileged user such as www-data)");

    std::string error;
    if (!runtime->mime.load(server.types_config, &error))
        errors->push_back(error);

#if HAVE_OPENSSL
    // Certificates and keys are read here, by the master (root when started as root), for
    // every generation: a restart picks up renewed files.
    if (server.any_https) {
        std::vector<std::string> warnings;
        runtime->tls = TlsContexts::build(runtime->server, errors, &warnings);
        for (const std::string& warning : warnings)
            log_error(LogLevel::Warn, "ssl", "%s", warning.c_str());
    }
#endif

    // The files are shared by path (LogFileCache): a vhost that logs to the server's file, or
    // inherits it, writes through the same descriptor.
    const auto open_logs = [&](const std::vector<CustomLogSetting>& settings, const std::string& section,
                               std::vector<AccessLogTarget>* targets) {
        for (const CustomLogSetting& log : settings) {
            const std::string where = log.file + ":" + std::to_string(log.line) + ": [" + section + "] CustomLog: ";
            auto format = LogFormat::compile(log.format, &error);
            if (!format) {
                errors->push_back(where + error);
                continue;
            }
            auto file = logs.get(log.path, &error);
            if (!file) {
                errors->push_back(where + error);
                continue;
            }
            targets->push_back(AccessLogTarget{std::move(*format), std::move(file)});
        }
    };
    open_logs(server.custom_logs, "log", &runtime->access_logs);
    // A vhost's own ErrorLog: opened for each generation (so a restart after logrotate writes
    // to the new file), shared by vhosts naming the same path, at the server's LogLevel.
    std::vector<std::shared_ptr<ErrorLog>> error_logs_by_path;
    for (const VirtualHost& vhost : server.vhosts) {
        std::shared_ptr<ErrorLog> log;
        for (const auto& open : error_logs_by_path)
            if (!vhost.error_log.empty() && open->path() == vhost.error_log)
                log = open;
        if (!vhost.error_log.empty() && !log) {
            log = std::make_shared<ErrorLog>();
            log->set_level(server.log_level);
            if (!log->open(vhost.error_log, &error)) {
                errors->push_back(vhost.file + ":" + std::to_string(vhost.line) + ": [vhost:" + vhost.name +
                                  "] ErrorLog: " + error);
                log.reset();
            } else {
                error_logs_by_path.push_back(log);
            }
        }
        runtime->vhost_error_logs.push_back(log);
    }
    for (const VirtualHost& vhost : server.vhosts) {
        runtime->vhost_access_logs.emplace_back();
        if (vhost.own_custom_logs)
            open_logs(vhost.custom_logs, "vhost:" + vhost.name, &runtime->vhost_access_logs.back());
        else
            runtime->vhost_access_logs.back() = runtime->access_logs;
    }
    if (!errors->empty())
        return nullptr;
    return runtime;
}

std::vector<ListenSpec> listen_specs(const ServerConfig& server)
{
    std::vector<ListenSpec> specs;
    for (const ListenAddress& address : server.listen)
        specs.push_back(ListenSpec{address.host, address.port,
                                   address.file + ":" + std::to_string(address.line), address.proxy,
                                   address.https});
    return specs;
}

} // namespace mpmd
