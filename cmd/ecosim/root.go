package main

import (
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/ecosim/ecosim/sweep"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func versionString() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "ecosim",
		Short: "Agent-based ecosystem simulator: emergent resilience, measured",
		Long: `ecosim runs thousands of agents (trees, mycorrhizal fungi, ants) that follow
simple local rules and share resources over a simulated network, and records
what emerges. The same scenario and seed always give bit-identical results.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newSimulateCmd(), newBenchCmd(), newValidateCmd(), newScenariosCmd(), newPlotCmd(), newReportCmd(), newSweepCmd(), newWorkerCmd(), newBrokerCmd(), newVersionCmd())
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the ecosim version and its results fingerprint",
		Long: `Print the ecosim version and its results fingerprint: a digest of what this
build computes for a few short probe runs that go through every rule and
failure kind. A build that computes any of that otherwise has another
fingerprint. A broker sweep's runs go only to workers with its coordinator's
fingerprint, and a sweep directory takes runs of the fingerprint that began
it only.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			fp, err := sweep.ResultsFingerprint()
			if err != nil {
				return err
			}
			c.Println("ecosim", versionString())
			c.Println("results fingerprint:", fp)
			return nil
		},
	}
}

// exactArgs is cobra.ExactArgs with the error marked as a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(c, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
