package main

import (
	"bytes"
	"path/filepath"
	"runtime"
	"runtime/pprof"

	"github.com/ecosim/ecosim/internal/atomicfile"
)

// startProfile begins a CPU profile, or prepares a heap profile, of the run;
// the returned function writes it into the run directory once that exists.
func startProfile(kind string) (func(dir string) error, error) {
	switch kind {
	case "":
		return func(string) error { return nil }, nil
	case "cpu":
		var buf bytes.Buffer
		if err := pprof.StartCPUProfile(&buf); err != nil {
			return nil, err
		}
		return func(dir string) error {
			pprof.StopCPUProfile()
			return atomicfile.Bytes(filepath.Join(dir, "profile.cpu.pprof"), buf.Bytes())
		}, nil
	case "mem":
		runtime.MemProfileRate = 64 << 10
		return func(dir string) error {
			var buf bytes.Buffer
			if err := pprof.Lookup("allocs").WriteTo(&buf, 0); err != nil {
				return err
			}
			return atomicfile.Bytes(filepath.Join(dir, "profile.mem.pprof"), buf.Bytes())
		}, nil
	}
	return nil, usagef("--profile must be cpu or mem, got %q", kind)
}
