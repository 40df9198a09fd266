"""Runs a command whose files cannot grow past a limit, as on a full disk:

    python3 file-size-limit.py LIMIT COMMAND [ARG...]

LIMIT is a number of bytes, or FILE+N: FILE's size now plus N. A write past
the limit fails with EFBIG ("File too large") instead of raising the SIGXFSZ
that would kill the process, so the command's own handling of a write the
system refuses is what runs."""

import os
import resource
import signal
import sys

limit = sys.argv[1]
if "+" in limit:
    path, room = limit.rsplit("+", 1)
    limit = os.path.getsize(path) + int(room)
limit = int(limit)
# An ignored signal stays ignored across exec.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
os.execvp(sys.argv[2], sys.argv[2:])
