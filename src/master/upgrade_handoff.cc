// See upgrade_handoff.h.
#include "master/upgrade_handoff.h"

#include "shared/directive.h"

#include <unistd.h>

#include <cstdlib>
#include <optional>

namespace mpmd {

namespace {

// A decimal in [min, max] (no sign, no spaces), through the typed helper.
bool parse_number(const std::string& text, long long min, long long max, long long* out)
{
    if (text.empty() || text.front() == '-')
        return false;
    const std::optional<long long> value = parse_integer(text);
    if (!value || *value < min || *value > max)
        return false;
    *out = *value;
    return true;
}

} // namespace

std::string format_inherited_listeners(const std::vector<ListenSocket>& sockets)
{
    std::string out;
    for (const ListenSocket& s : sockets) {
        if (!out.empty())
            out += ',';
        out += std::to_string(s.fd) + ":" + s.key;
    }
    return out;
}

bool parse_inherited_listeners(const std::string& text, std::vector<ListenSocket>* out, std::string* error)
{
    out->clear();
    size_t begin = 0;
    while (begin < text.size()) {
        size_t end = text.find(',', begin);
        if (end == std::string::npos)
            end = text.size();
        const std::string item = text.substr(begin, end - begin);
        const size_t colon = item.find(':');
        long long fd = 0;
        if (colon == std::string::npos || !parse_number(item.substr(0, colon), 3, 0x7fffffff, &fd) ||
            colon + 1 == item.size()) {
            *error = std::string(kInheritedListenersVariable) + ": bad item \"" + item +
                     "\" (allowed: FD:ADDRESS with FD above 2, separated by commas)";
            return false;
        }
        out->push_back(ListenSocket{item.substr(colon + 1), int(fd), 0});
        begin = end + 1;
    }
    return true;
}

std::optional<UpgradeHandoff> take_upgrade_handoff(std::string* error)
{
    const char* from = std::getenv(kUpgradeFromVariable);
    const char* inherited = std::getenv(kInheritedListenersVariable);
    const std::string from_text = from ? from : "";
    const std::string inherited_text = inherited ? inherited : "";
    unsetenv(kUpgradeFromVariable);
    unsetenv(kInheritedListenersVariable);
    if (from == nullptr)
        return std::nullopt;
    long long pid = 0;
    if (!parse_number(from_text, 2, 0x3fffffff, &pid)) {
        *error = std::string(kUpgradeFromVariable) + ": \"" + from_text + "\" is not a process id";
        return std::nullopt;
    }
    if (pid_t(pid) != getppid())
        return std::nullopt;
    UpgradeHandoff handoff;
    handoff.old_master = pid_t(pid);
    if (!parse_inherited_listeners(inherited_text, &handoff.listeners, error))
        return std::nullopt;
    return handoff;
}

} // namespace mpmd
