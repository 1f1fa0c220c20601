"""What building the project costs: the benchmark, its raw-Spark baseline and chart, and the
linter's timing."""
