"""The command line moved: the studies (which also drive the RTL through tb/) are their own
package, so the reference model imports nothing outside model/. Use
``python -m studies <command>``."""

import sys

if __name__ == "__main__":
    print("python -m model: the commands moved to `python -m studies <command>` "
          "(python -m studies --help lists them)", file=sys.stderr)
    sys.exit(2)
