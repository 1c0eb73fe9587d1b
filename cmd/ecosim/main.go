// Command ecosim runs agent-based ecosystem simulations and measures how
// they hold up under injected failures. See `ecosim --help`.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
