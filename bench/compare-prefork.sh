#!/usr/bin/env bash
# compare-prefork.sh: mpmd prefork against apache2 prefork; kept for existing
# users, it is `compare-mpm.sh prefork` (same environment variables).
# Never part of `make check`.  See bench/README.md.
exec "$(dirname "$0")/compare-mpm.sh" prefork "$@"
