"""Process exit codes shared by every command (documented in the README and ``--help``)."""

OK = 0  # all requested work done
ERROR = 1  # any other error
USAGE = 2  # bad command line (argparse uses 2 too)
AUTH_FAILED = 3  # login or session failed
NO_USABLE_CAMERA = 4  # no camera can be downloaded from
INCOMPLETE = 5  # fewer images saved than requested
INTERRUPTED = 130  # Ctrl+C (128 + SIGINT)
HANGUP = 129  # SIGHUP: the terminal went away (a dropped SSH session)
TERMINATED = 143  # SIGTERM (kill, timeout, a service manager)

EPILOG = """exit codes:
  0    success (all requested images saved)
  1    other error
  2    usage error
  3    authentication failed
  4    no usable camera
  5    fewer images saved than requested
  129  hung up (SIGHUP: the terminal or SSH session went away)
  130  interrupted (Ctrl+C)
  143  terminated (SIGTERM)
"""


def for_signal(signum: int) -> int:
    """The exit code of a run ended by signal ``signum``: 128 + its number."""
    return 128 + int(signum)
