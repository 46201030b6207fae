"""The exceptions of synthdata, raised by its native half too."""


class SynthDataError(Exception):
    """Base class of synthdata's errors."""


class ConfigError(SynthDataError, ValueError):
    """A config, a setting or a table name is not valid; the message names each problem
    by its key (``transactions.target_count``), as ``synthdata validate`` does."""


class MemoryLimitError(SynthDataError, MemoryError):
    """A run or a part does not fit the memory limit; the message gives the numbers."""


class RunError(SynthDataError):
    """A run failed for another reason (the disk, a thread, the output directory)."""


class Interrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C: the files written so far are valid and the manifest
    says ``complete: false``. A ``KeyboardInterrupt``, so ``except Exception`` lets it
    through."""
