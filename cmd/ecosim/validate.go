package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/ecosim/ecosim/scenarios"
)

func newValidateCmd() *cobra.Command {
	var sets []string
	c := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check scenario files and report every problem at once",
		Long: `Check scenario files. Every problem is reported, one per line, as
file:line:column: field.path: message. Exit code 2 when any file has a problem.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("validate needs at least one scenario file")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			bad := 0
			for _, f := range args {
				if _, err := scenarios.Load(f, sets); err != nil {
					bad++
					c.PrintErrln(err)
					continue
				}
				c.Printf("%s: ok\n", f)
			}
			if bad > 0 {
				return errors.Join(scenarios.ErrScenario, errors.New("problems found; see above"))
			}
			return nil
		},
	}
	c.Flags().StringArrayVar(&sets, "set", nil, "override a field before checking, path=value (repeatable)")
	return c
}
