.PHONY: demo test lint

demo:  ## pulumi up the quickstart against the emulator (sets everything up)
	scripts/demo.sh

test:  ## the whole test suite, including the real Pulumi CLI (sets everything up)
	scripts/test.sh

lint:  ## ruff, ruff format, mypy (strict for the packages), go vet
	scripts/lint.sh

.PHONY: bench
bench:  ## performance benchmark: real CLI vs a do-nothing provider, emulator load (make bench N=500)
	scripts/bench.sh

.PHONY: reliability
reliability:  ## the long reliability variants (soak, crash, token lifetime); figures to bench/results/reliability.jsonl
	scripts/reliability.sh

.PHONY: golden
golden:  ## record this release's golden stacks (tests/golden/<version>/), once per release
	scripts/golden.sh

.PHONY: lock
lock:  ## re-resolve requirements/*.txt (every environment make test installs) to the newest versions
	scripts/lock.sh
