# The two commands of the README, plus the benchmarks. Each installs what it needs first.
.PHONY: run test bench

run:
	@bash scripts/run

test:
	@bash scripts/test

bench:
	@bash scripts/bench
