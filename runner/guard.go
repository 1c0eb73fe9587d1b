package runner

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// ErrTooBig is returned for a scenario that would need more memory than the
// machine has; it is refused before anything is allocated.
var ErrTooBig = errors.New("runner: scenario too large for this machine")

// availableMemory is the limit a run's estimate must fit in [bytes]:
// ECOSIM_MEMORY_LIMIT (a number of GiB) when set, else MemAvailable from
// /proc/meminfo; 0 when it cannot be known (then no limit applies). Tests
// replace it.
var availableMemory = func() uint64 {
	if v := os.Getenv("ECOSIM_MEMORY_LIMIT"); v != "" {
		if g, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(v, "GiB"), "G"), 64); err == nil && g > 0 {
			return uint64(g * (1 << 30))
		}
	}
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemAvailable:" {
			kb, _ := strconv.ParseUint(fields[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// checkMemory refuses a scenario whose estimate exceeds the available
// memory, naming both.
func checkMemory(s *scenarios.Scenario, mode sim.Mode) error {
	avail := availableMemory()
	need := s.MemoryEstimate(mode == sim.ModeActors)
	if avail == 0 || need <= avail {
		return nil
	}
	return fmt.Errorf("%w: %s needs about %.1f GiB in %s mode (grid %dx%d, agents at their caps) but %.1f GiB is available; shrink the grid or agent counts, or use --mode shards",
		ErrTooBig, s.Name, gib(need), mode, s.World.Width, s.World.Height, gib(avail))
	// (ECOSIM_MEMORY_LIMIT=N, in GiB, overrides the limit for those who know
	// their scenario will not reach its caps.)
}

func gib(b uint64) float64 { return float64(b) / (1 << 30) }
