.PHONY: demo test lint

demo:  ## pulumi up the quickstart against the emulator (sets everything up)
	scripts/demo.sh

test:  ## the whole test suite, including the real Pulumi CLI (sets everything up)
	scripts/test.sh

lint:  ## ruff, ruff format, mypy (strict for the packages), go vet
	scripts/lint.sh
