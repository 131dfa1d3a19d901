// mandoc_lint: what `mandoc -Tlint -W warning` says of a man page, for the unit tests that
// check the roff the binary generates (directives, signals). Empty output and status 0 mean
// the page is clean.
#ifndef MPMD_T_UNIT_MANDOC_LINT_H
#define MPMD_T_UNIT_MANDOC_LINT_H

#include <cstdio>
#include <string>

inline std::string mandoc_lint(const std::string& page, int* status)
{
    std::FILE* lint = popen(("/usr/bin/mandoc -Tlint -W warning " + page + " 2>&1").c_str(), "r");
    if (lint == nullptr) {
        *status = -1;
        return "popen failed";
    }
    std::string output;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, lint))
        output += buffer;
    *status = pclose(lint);
    return output;
}

#endif
