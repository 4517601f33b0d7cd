"""Process exit codes shared by every command (documented in the README and ``--help``)."""

OK = 0  # all requested work done
ERROR = 1  # any other error
USAGE = 2  # bad command line (argparse uses 2 too)
AUTH_FAILED = 3  # login or session failed
NO_USABLE_CAMERA = 4  # no camera can be downloaded from
INCOMPLETE = 5  # fewer images saved than requested
INTERRUPTED = 130  # Ctrl+C

EPILOG = """exit codes:
  0    success (all requested images saved)
  1    other error
  2    usage error
  3    authentication failed
  4    no usable camera
  5    fewer images saved than requested
  130  interrupted (Ctrl+C)
"""
