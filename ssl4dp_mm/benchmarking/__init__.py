"""Benchmarks as a library: suites of rows as data (:mod:`.suite`, :mod:`.camvid_suite`), a runner
of their stages as subprocesses (:mod:`.runner`), the statistics and the reports' claims checked on
the results (:mod:`.statistics`, :mod:`.claims`) and the results files (:mod:`.results_file`,
:mod:`.camvid_report`). ``benchmarks/*.py`` are command lines over it."""
