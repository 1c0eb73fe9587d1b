package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"

	"github.com/ecosim/ecosim/plots"
	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
	"github.com/ecosim/ecosim/sweep"
)

// Exit codes, in one place.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// usageError marks errors in how the command was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue), errors.Is(err, scenarios.ErrScenario), errors.Is(err, runner.ErrExists), errors.Is(err, runner.ErrNotDir),
		errors.Is(err, sweep.ErrPlan), errors.Is(err, sweep.ErrBusy), errors.Is(err, plots.ErrOptions), errors.Is(err, runner.ErrTooBig):
		return exitUsage
	case errors.Is(err, sim.ErrInterrupted):
		return exitInterrupted
	}
	return exitFailure
}

// isCobraUsage recognises the errors cobra makes itself for a wrong command
// line; cobra does not type them, so their wording is all there is to go by.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "required flag", "accepts ", "invalid argument"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// run executes the CLI with args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, restore the default so a second one
		// ends the process at once.
		<-ctx.Done()
		stop()
	}()
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && isCobraUsage(err) {
		err = usageError{err}
	}
	if err != nil {
		fmt.Fprintln(stderr, "ecosim:", err)
	}
	return exitCode(err)
}
