"""What every command shares: exit codes and the Chinese names of severities."""

from __future__ import annotations

from gongkai.model import Severity

# 0 done, no error finding; 1 an error finding (or, for producing commands, a refusal or rows left out);
# 2 a file or the input could not be used; 130 interrupted (Ctrl-C, the shell's convention for SIGINT)
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_REFUSED = EXIT_LEFT_OUT = EXIT_FINDINGS

# name and terminal style of each severity
SEVERITY_NAMES = {Severity.ERROR: ("错误", "bold red"), Severity.WARNING: ("警告", "yellow"),
                  Severity.INFO: ("提示", "cyan")}
