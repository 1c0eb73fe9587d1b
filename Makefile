# ecosim build, run and test targets. Every dependency comes from go.mod,
# including staticcheck (a go.mod tool), so a fresh clone needs only Go.

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
BIN      := bin/ecosim

.PHONY: all build run test vet staticcheck fmt-check bench fuzz clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/ecosim

# The main job: the built-in forest scenario into results/forest.
run: build
	$(BIN) simulate --scenario forest --out results/forest --force

fmt-check:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

# Tests run with the race detector, which allows at most 8,128 live
# goroutines: race-tested runs stay below that. The short fuzz run caps the
# minimising of each new input at 2 s: left at its default of a minute, the
# workers spent most of the 15 s minimising long inputs, not exploring.
test: fmt-check vet staticcheck
	$(GO) test -race -count=1 ./...
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 15s -fuzzminimizetime 2s ./scenarios

# A longer hunt for scenario inputs that crash or slip through validation.
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 5m ./scenarios

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin results
