# stackgate — build, test and try it.
GO      ?= go
BIN     ?= bin/stackgate
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
PKGS    := ./...

.PHONY: build test check-files lint vet fmt-check demo bench bench-peers fuzz rules-doc readme clean hook-zip

build: ## build bin/stackgate
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/stackgate

test: vet fmt-check ## the test command CI runs: go vet, gofmt check, go test -race
	$(GO) test -race -count=1 $(PKGS)

check-files: ## fail on tracked executables and on files over 1 MiB not listed in .ci/large-files
	scripts/check-tracked-files.sh

lint: vet fmt-check

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needs to run on:"; echo "$$out"; exit 1; fi

demo: build ## scan the bundled example repository (exits 1: it has blocking findings)
	./$(BIN) scan examples/ || test $$? -eq 1

bench: ## engine and scan benchmarks
	$(GO) test -run='^$$' -bench=. -benchmem $(BENCHFLAGS) ./policies/ ./scanner/... ./cmd/stackgate/

bench-peers: ## stackgate vs opa, conftest, trivy, tfsec, tflint and the parse floor; writes bench/RESULTS.md (ROUNDS=n, BENCH_CORPUS=dir, BENCH_FLAGS=harness flags)
	BENCH_CORPUS='$(BENCH_CORPUS)' BENCH_COMMAND="make bench-peers ROUNDS=$(or $(ROUNDS),5)$(if $(BENCH_CORPUS), BENCH_CORPUS=$(BENCH_CORPUS))$(if $(BENCH_FLAGS), BENCH_FLAGS='$(BENCH_FLAGS)')" \
	  scripts/bench-peers.sh -rounds $(or $(ROUNDS),5) $(BENCH_FLAGS)

# fuzz finds the targets itself (every func FuzzX in a tracked or new
# _test.go file), so a new one is run without editing this file. go test
# -fuzz takes one target per run, anchored so FuzzLoad does not also
# match FuzzLoadX.
fuzz: ## run every fuzz target in the repository for FUZZTIME each (default 30s)
	@set -e; \
	files=$$(git ls-files -co --exclude-standard -- '*_test.go' | xargs grep -l '^func Fuzz' | sort); \
	[ -n "$$files" ] || { echo "no fuzz targets found" >&2; exit 1; }; \
	for f in $$files; do \
	  for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$$f"); do \
	    echo "fuzz: $$t in ./$$(dirname "$$f") for $(or $(FUZZTIME),30s)"; \
	    $(GO) test -run='^$$' -fuzz="^$$t\$$" -fuzztime=$(or $(FUZZTIME),30s) "./$$(dirname "$$f")"; \
	  done; \
	done

# hook-zip builds the deployment hook's Lambda packages for provided.al2023:
# bin/stackgate-hook-arm64.zip and bin/stackgate-hook-x86_64.zip, each
# holding `bootstrap` and the configuration as stackgate.yaml (CONFIG=path,
# default ./stackgate.yaml; without one the hook uses the built-in
# defaults). bin/ is git-ignored: upload the zip to S3, never commit it.
HOOK_CONFIG := $(or $(CONFIG),$(wildcard stackgate.yaml))
hook-zip: ## build bin/stackgate-hook-{arm64,x86_64}.zip for provided.al2023 (CONFIG=stackgate.yaml)
	@set -e; \
	if [ -n "$(HOOK_CONFIG)" ]; then test -f "$(HOOK_CONFIG)" || { echo "CONFIG=$(HOOK_CONFIG): no such file" >&2; exit 1; }; \
	else echo "hook-zip: no stackgate.yaml (CONFIG=path): the hook will use the built-in defaults" >&2; fi; \
	for arch in arm64 x86_64; do \
	  goarch=$$arch; [ $$arch = x86_64 ] && goarch=amd64; \
	  dir=bin/hook-$$arch; rm -rf $$dir; mkdir -p $$dir; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=$$goarch $(GO) build -tags lambda.norpc -trimpath -ldflags '-s -w' -o $$dir/bootstrap ./cmd/stackgate-hook; \
	  files=bootstrap; \
	  if [ -n "$(HOOK_CONFIG)" ]; then cp "$(HOOK_CONFIG)" $$dir/stackgate.yaml; files="$$files stackgate.yaml"; fi; \
	  rm -f bin/stackgate-hook-$$arch.zip; \
	  (cd $$dir && zip -q -X ../stackgate-hook-$$arch.zip $$files); \
	  echo "bin/stackgate-hook-$$arch.zip ($$files)"; \
	done

rules-doc: build ## print the rule catalogue as Markdown (for the README)
	./$(BIN) rules --format markdown

clean:
	rm -rf bin

readme: build ## regenerate the rule catalogue in README.md from the rule metadata
	./$(BIN) rules --format markdown > .rules.md
	awk 'BEGIN{skip=0} /<!-- rules:begin -->/{print; while ((getline l < ".rules.md") > 0) print l; skip=1; next} /<!-- rules:end -->/{skip=0} !skip{print}' README.md > README.md.new
	mv README.md.new README.md; rm -f .rules.md
