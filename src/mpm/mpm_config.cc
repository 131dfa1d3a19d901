// The load of a whole mpmd configuration: every table, then every typed view.
// Runs in: master.
#include "mpm/mpm_config.h"

namespace mpmd {

DirectiveTables all_directive_tables()
{
    return {core_directive_table(), prefork_directive_table(), worker_directive_table(),
            event_directive_table(), status_directive_table()};
}

LoadedConfig load_config(const LoadOptions& options)
{
    LoadedConfig out;
    out.raw = Config::load(options, all_directive_tables());
    out.errors = out.raw.errors();
    // Without the file every value is a default; checking the system would only add noise.
    out.server = ServerConfig::from(out.raw, out.raw.file_read(), &out.errors);
    out.prefork = PreforkConfig::from(out.raw, &out.errors, &out.warnings);
    out.worker = ThreadedConfig::from(out.raw, kWorkerSection, &out.warnings);
    out.event = ThreadedConfig::from(out.raw, kEventSection, &out.warnings);
    out.status = StatusConfig::from(out.raw, &out.errors);
    sort_messages(&out.errors);
    sort_messages(&out.warnings);
    return out;
}

ConfigMessage MpmSetting::message(std::string_view text,
                                  std::initializer_list<const MpmSetting*> causes) const
{
    const ConfigValue* at = &value();
    for (const MpmSetting* cause : causes)
        if (at->is_default() && !cause->value().is_default())
            at = &cause->value();
    return config.message(*at, section, name, text);
}

} // namespace mpmd
