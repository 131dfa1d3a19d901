// LogLevel: Apache's eight error-log severities, shared by the config (LogLevel directive)
// and the error log. Lower value = more severe, so "log if level <= configured".
// Runs in: master and children.
#ifndef MPMD_SHARED_LOG_LEVEL_H
#define MPMD_SHARED_LOG_LEVEL_H

#include <optional>
#include <string_view>

namespace mpmd {

enum class LogLevel { Emerg, Alert, Crit, Error, Warn, Notice, Info, Debug };

// Apache's spelling, as written in LogLevel and in the "[module:level]" field of a log line.
constexpr std::string_view log_level_name(LogLevel level)
{
    constexpr std::string_view names[] = {"emerg", "alert", "crit", "error",
                                          "warn",  "notice", "info", "debug"};
    return names[static_cast<int>(level)];
}

// Case-insensitive; nullopt for anything else.
inline std::optional<LogLevel> parse_log_level(std::string_view text)
{
    for (int i = 0; i <= static_cast<int>(LogLevel::Debug); ++i) {
        const auto level = static_cast<LogLevel>(i);
        const std::string_view name = log_level_name(level);
        if (name.size() != text.size())
            continue;
        bool same = true;
        for (size_t k = 0; k < name.size() && same; ++k)
            same = (text[k] | 0x20) == name[k];
        if (same)
            return level;
    }
    return std::nullopt;
}

constexpr std::string_view kLogLevelChoices = "emerg|alert|crit|error|warn|notice|info|debug";

} // namespace mpmd

#endif
