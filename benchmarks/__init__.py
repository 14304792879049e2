"""Speed and memory of minitorch against torch, workload by workload: ``python -m benchmarks``
(see ``benchmarks/RESULTS.md`` for the latest figures and how they are measured)."""
