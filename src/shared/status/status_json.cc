// The ?json form.
// Runs in: children.
#include "shared/status/status_json.h"

#include "shared/status/status_text.h"

#include <type_traits>

namespace mpmd {

namespace {

// Members of one JSON object appended to a string; the caller opens and closes nesting.
class JsonObject {
public:
    explicit JsonObject(std::string* out) : out_(out) { *out_ += '{'; }
    ~JsonObject() { *out_ += '}'; }
    JsonObject(const JsonObject&) = delete;
    JsonObject& operator=(const JsonObject&) = delete;

    // The name and ':' of the next member; its value is appended by the caller.
    std::string* key(std::string_view name)
    {
        if (!first_)
            *out_ += ',';
        first_ = false;
        append_json_string(out_, name);
        *out_ += ':';
        return out_;
    }
    template <typename Number>
    void number(std::string_view name, Number value)
    {
        if constexpr (std::is_floating_point_v<Number>)
            *key(name) += number_text(static_cast<double>(value));
        else
            *key(name) += std::to_string(value);
    }
    void boolean(std::string_view name, bool value) { *key(name) += value ? "true" : "false"; }
    void text(std::string_view name, std::string_view value) { append_json_string(key(name), value); }
    void null(std::string_view name) { *key(name) += "null"; }
    void seconds(std::string_view name, int64_t microseconds)
    {
        if (microseconds == 0)
            null(name);
        else
            number(name, static_cast<double>(microseconds) / 1e6);
    }

private:
    std::string* out_;
    bool first_ = true;
};

void cpu_object(std::string* out, const CpuTimes& cpu, float ticks)
{
    JsonObject o(out);
    o.number("user", static_cast<float>(cpu.user) / ticks);
    o.number("system", static_cast<float>(cpu.system) / ticks);
    o.number("children_user", static_cast<float>(cpu.children_user) / ticks);
    o.number("children_system", static_cast<float>(cpu.children_system) / ticks);
}

void server_object(std::string* out, const StatusSnapshot& s, const StatusOptions& options)
{
    JsonObject o(out);
    o.text("name", s.server.server_name);
    o.text("version", s.server.server_version);
    o.text("built", s.server.server_built);
    o.text("mpm", s.server.mpm_name);
    o.boolean("threaded", s.server.threaded);
    o.boolean("async", s.server.async);
    o.boolean("extended_status", options.extended_status);
    o.seconds("current_time", s.now);
    o.seconds("start_time", s.start_time);
    o.seconds("restart_time", s.restart_time);
    o.number("uptime_seconds", s.uptime);
    o.number("config_generation", s.config_generation);
    o.number("mpm_generation", s.mpm_generation);
    o.number("server_limit", s.server_limit);
    o.number("thread_limit", s.thread_limit);
    if (s.load) {
        std::string* value = o.key("load");
        *value += "[" + number_text((*s.load)[0]) + "," + number_text((*s.load)[1]) + "," +
                  number_text((*s.load)[2]) + "]";
    } else {
        o.null("load");
    }
    o.number("total_accesses", s.total_accesses);
    o.number("total_bytes", s.total_bytes);
    o.number("total_kbytes", s.total_kbytes);
    o.number("total_duration_ms", s.total_duration_ms);
    o.number("duration_per_request_ms", s.duration_per_request());
    o.number("error_log_lines_lost", s.error_log_lines_lost);
    o.number("access_log_lines_lost", s.access_log_lines_lost);
    o.number("logs_failing", s.logs_failing);
    o.number("requests_per_second", s.requests_per_second());
    o.number("bytes_per_second", s.bytes_per_second());
    o.number("bytes_per_request", s.bytes_per_request());
    o.number("busy_workers", s.busy_workers);
    o.number("idle_workers", s.idle_workers);
    o.number("graceful_workers", s.graceful_workers);
    o.number("processes", s.process_count);
    o.number("stopping_processes", s.stopping_processes);
    o.number("connections_total", s.connections_total);
    o.number("connections_async_keep_alive", s.connections_keep_alive);
    o.number("connections_async_closing", s.connections_closing);
    if (s.has_cpu) {
        CpuTimes all = s.master_cpu;
        all += s.children_cpu;
        cpu_object(o.key("cpu_seconds"), all, s.clock_ticks);
    } else {
        o.null("cpu_seconds");
    }
    if (const std::optional<double> load = s.cpu_load())
        o.number("cpu_load_percent", *load);
    else
        o.null("cpu_load_percent");
    o.text("scoreboard", s.scoreboard);
}

void process_object(std::string* out, const ProcessSnapshot& p, float ticks)
{
    JsonObject o(out);
    o.number("slot", p.slot);
    o.number("pid", p.pid);
    o.number("generation", p.generation);
    o.boolean("quiescing", p.quiescing);
    o.seconds("start_time", p.start_time);
    o.number("async_connections", p.async_connections);
    o.number("async_closing", p.async_closing);
    o.number("busy_threads", p.busy_threads);
    o.number("idle_threads", p.idle_threads);
    if (p.cpu)
        cpu_object(o.key("cpu_seconds"), *p.cpu, ticks);
    else
        o.null("cpu_seconds");
}

void worker_object(std::string* out, const WorkerSnapshot& w, const StatusSnapshot& s,
                   bool extended)
{
    JsonObject o(out);
    o.number("slot", w.slot);
    o.number("thread", w.thread);
    o.text("status", std::string_view(&w.status, 1));
    o.text("state", status_key_name(w.status));
    if (w.pid != 0)
        o.number("pid", w.pid);
    else
        o.null("pid");
    o.number("generation", w.generation);
    o.number("accesses_connection", w.conn_count);
    o.number("accesses_child", w.my_access_count);
    o.number("accesses_slot", w.access_count);
    o.number("bytes_connection", w.conn_bytes);
    o.number("bytes_child", w.my_bytes_served);
    o.number("bytes_slot", w.bytes_served);
    o.seconds("request_start_time", w.start_time);
    o.seconds("request_stop_time", w.stop_time);
    o.number("request_ms", w.request_ms());
    o.number("duration_ms_slot", w.duration_us / 1000);
    if (w.last_used != 0 && s.now >= w.last_used)
        o.number("seconds_since_last_used", (s.now - w.last_used) / 1000000);
    else
        o.null("seconds_since_last_used");
    for (const auto& [name, value] : {std::pair<std::string_view, const std::string*>{"client", &w.client},
                                      {"vhost", &w.vhost}, {"request", &w.request}}) {
        if (extended)
            o.text(name, *value);
        else
            o.null(name);
    }
}

} // namespace

std::string render_status_json(const StatusSnapshot& s, const StatusOptions& options)
{
    std::string out;
    {
        JsonObject document(&out);
        server_object(document.key("server"), s, options);
        std::string* processes = document.key("processes");
        *processes += '[';
        for (const ProcessSnapshot& p : s.processes) {
            if (&p != &s.processes.front())
                *processes += ',';
            process_object(processes, p, s.clock_ticks);
        }
        *processes += ']';
        std::string* workers = document.key("workers");
        *workers += '[';
        for (const WorkerSnapshot& w : s.workers) {
            if (&w != &s.workers.front())
                *workers += ',';
            worker_object(workers, w, s, options.extended_status);
        }
        *workers += ']';
    }
    out += '\n';
    return out;
}

} // namespace mpmd
