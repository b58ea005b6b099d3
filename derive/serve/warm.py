"""What a worker does before its first job, done once: imported by the fork server that the workers are
forked from (``derive.serve.pool``), so that every worker, a replaced one too, starts in milliseconds with
SymPy and derive imported and their caches warm, instead of paying the imports again (about two seconds
of a processor, which the other workers would lose while a class is working)."""

from derive.serve import jobs

jobs.warm_up()
