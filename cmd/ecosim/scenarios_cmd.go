package main

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecosim/ecosim/scenarios"
)

func newScenariosCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "scenarios [list|show NAME|schema]",
		Short: "List, show and document the built-in scenarios",
		Args:  cobra.NoArgs,
		RunE:  func(c *cobra.Command, _ []string) error { return listScenarios(c) },
	}
	c.AddCommand(&cobra.Command{
		Use: "list", Short: "List the built-in scenarios", Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return listScenarios(c) },
	}, &cobra.Command{
		Use: "show NAME", Short: "Print a built-in scenario, with its comments, to copy and edit", Args: exactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return scenarios.Builtins(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			b, ok := scenarios.BuiltinSource(args[0])
			if !ok {
				return usagef("no built-in scenario %q (built-ins: %s)", args[0], strings.Join(scenarios.Builtins(), ", "))
			}
			_, err := c.OutOrStdout().Write(b)
			return err
		},
	}, &cobra.Command{
		Use: "schema", Short: "Document every scenario field: meaning, unit and default", Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			d := scenarios.Default()
			writeSchema(c, reflect.ValueOf(d), "")
			return nil
		},
	})
	return c
}

func listScenarios(c *cobra.Command) error {
	for _, n := range scenarios.Builtins() {
		s, err := scenarios.Load(n, nil)
		if err != nil {
			return err
		}
		c.Printf("%-12s %s\n", n, s.Description)
	}
	return nil
}

// writeSchema prints one line per field from the struct tags, with the
// default value, so the schema documentation cannot drift from the code.
func writeSchema(c *cobra.Command, v reflect.Value, prefix string) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if f.Tag.Get("yaml") == ",inline" {
			writeSchema(c, v.Field(i), prefix)
			continue
		}
		path := tag
		if prefix != "" {
			path = prefix + "." + tag
		}
		unit := f.Tag.Get("unit")
		if unit != "" {
			unit = " [" + unit + "]"
		}
		fv := v.Field(i)
		switch fv.Kind() {
		case reflect.Struct:
			c.Printf("%-34s %s\n", path+":", f.Tag.Get("doc"))
			writeSchema(c, fv, path)
		case reflect.Slice:
			c.Printf("%-34s %s (a list)\n", path+":", f.Tag.Get("doc"))
			if et := f.Type.Elem(); et.Kind() == reflect.Struct {
				writeSchema(c, reflect.New(et).Elem(), path+"[]")
			}
		default:
			def := ""
			if !strings.Contains(path, "[]") {
				def = fmt.Sprintf(" (default %v)", fv.Interface())
			}
			c.Printf("%-34s %s%s%s\n", path, f.Tag.Get("doc"), unit, def)
		}
	}
}
