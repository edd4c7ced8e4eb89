# Type information for mangrove.taskrun, a path of 1.1: the module moved to
# mangrove.fanout.threads in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.fanout.threads import (
    Outcome as Outcome, TaskRun as TaskRun, Reporter as Reporter)

__all__ = ['Outcome', 'TaskRun', 'Reporter']
