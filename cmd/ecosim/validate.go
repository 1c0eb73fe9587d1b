package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ecosim/ecosim/scenarios"
)

func newValidateCmd() *cobra.Command {
	var sets []string
	c := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check scenario files and report every problem at once",
		Long: `Check scenario files ("-" reads one from standard input). Every problem is
reported, one per line, as file:line:column: field.path: message. Exit code 2
when any file has a problem.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("validate needs at least one scenario file")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			bad := 0
			for _, f := range args {
				if _, err := loadScenario(c, f, sets); err != nil {
					bad++
					c.PrintErrln(err)
					if isPlan(err) {
						c.PrintErrf("note: %s looks like a sweep plan; check it, and every point it makes, with: ecosim sweep --scenario S --plan %s --dry-run\n", f, f)
					}
					continue
				}
				c.Printf("%s: ok\n", f)
			}
			if bad > 0 {
				return invalidFiles{bad: bad, of: len(args)}
			}
			return nil
		},
	}
	c.Flags().StringArrayVar(&sets, "set", nil, "override a field before checking, path=value (repeatable)")
	return c
}

// invalidFiles ends validate when a file has problems: one line that
// counts them, since each problem is already printed above it, and exit
// code 2 like any invalid scenario.
type invalidFiles struct{ bad, of int }

func (e invalidFiles) Error() string {
	if e.of == 1 {
		return "the file has problems; see above"
	}
	return fmt.Sprintf("%d of %d files have problems; see above", e.bad, e.of)
}

// Is makes errors.Is(err, scenarios.ErrScenario) true, for the exit code.
func (e invalidFiles) Is(target error) bool { return target == scenarios.ErrScenario }

// loadScenario is scenarios.Load with "-" read from standard input, so a
// scenario can be piped in: ecosim scenarios show forest | sed … | ecosim
// simulate --scenario -. Its errors name the file "stdin".
func loadScenario(c *cobra.Command, name string, sets []string) (*scenarios.Scenario, error) {
	if name != "-" {
		return scenarios.Load(name, sets)
	}
	data, err := io.ReadAll(io.LimitReader(c.InOrStdin(), scenarios.MaxFileSize+1))
	if err != nil {
		return nil, &scenarios.FieldError{File: "stdin", Path: "scenario", Msg: err.Error()}
	}
	return scenarios.Parse("stdin", data, sets)
}

// isPlan reports whether err is a scenario's complaint that its file
// has a top-level sweep: section, which is how a sweep plan file begins.
func isPlan(err error) bool {
	var es scenarios.Errors
	if !errors.As(err, &es) {
		return false
	}
	for _, e := range es {
		if e.Path == "sweep" && e.Col == 1 {
			return true
		}
	}
	return false
}
