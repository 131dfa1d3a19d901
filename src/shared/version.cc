// The Server: banner. Apache's Full adds module versions; mpmd adds nothing beyond "(Unix)",
// so Full and OS read the same and no build details leak.
#include "shared/version.h"

#include <config.h>

namespace mpmd {

const char kServerName[] = "mpmd";
const char kServerVersion[] = PACKAGE_VERSION;

std::string server_banner(ServerTokens tokens)
{
    const std::string version = kServerVersion;
    const std::string name = kServerName;
    const auto first_dot = version.find('.');
    const auto second_dot = version.find('.', first_dot + 1);
    switch (tokens) {
    case ServerTokens::ProductOnly: return name;
    case ServerTokens::Major: return name + "/" + version.substr(0, first_dot);
    case ServerTokens::Minor: return name + "/" + version.substr(0, second_dot);
    case ServerTokens::Minimal: return name + "/" + version;
    case ServerTokens::OS:
    case ServerTokens::Full: break;
    }
    return name + "/" + version + " (Unix)";
}

} // namespace mpmd
