# Type information for mangrove.workerreports, a path of 1.1: the module moved to
# mangrove.fanout.progress in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.fanout.progress import (
    ThreadReports as ThreadReports, ReportDirectory as ReportDirectory,
    ReportWriter as ReportWriter, reporter as reporter)

__all__ = ['ThreadReports', 'ReportDirectory', 'ReportWriter', 'reporter']
