// What this binary is, for the one-shot commands: -v (the version), -V (the build and the
// MPM in use), -l (the modules compiled in), as Apache's httpd prints them.
// Runs in: the mpmd command (never in a running server).
#ifndef MPMD_MASTER_BUILD_INFO_H
#define MPMD_MASTER_BUILD_INFO_H

#include "master/command_line.h"

namespace mpmd {

// -v.
int print_version();
// -V: the build, and the MPM in use. That is the linked one unless -f names a config (or
// none is linked in): then the config's LoadModule lines decide, as they would at start.
int print_build_settings(const CommandLine& line);
// -l: what is compiled in, Apache's way: the MPM as prefork.c, worker.c or event.c when it
// is linked in (a loaded one is not compiled in); mod_so.c is what LoadModule needs.
int print_modules();
// -M: what the configuration (-f, else the default) loads: the compiled-in modules
// "(static)", then the MPM and handler modules LoadModule loads "(shared)", as httpd -M.
int print_loaded_modules(const CommandLine& line);

} // namespace mpmd

#endif
