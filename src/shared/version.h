// The server's name and version, and the Server: header banner per ServerTokens.
// Runs in: master and children.
#ifndef MPMD_SHARED_VERSION_H
#define MPMD_SHARED_VERSION_H

#include <string>

namespace mpmd {

extern const char kServerName[];     // "mpmd"
extern const char kServerVersion[];  // "0.1.0" (from configure.ac)

// ServerTokens values, Apache's meanings: Prod "mpmd", Major "mpmd/0", Minor "mpmd/0.1",
// Minimal "mpmd/0.1.0", OS "mpmd/0.1.0 (Unix)", Full the same plus nothing secret.
enum class ServerTokens { ProductOnly, Major, Minor, Minimal, OS, Full };

std::string server_banner(ServerTokens tokens);

} // namespace mpmd

#endif
