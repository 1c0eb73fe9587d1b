package runner

import (
	"crypto/sha256"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/cpu"

	"github.com/ecosim/ecosim/resilience"
	"github.com/ecosim/ecosim/sim"
)

// fmaChild marks the run of TestResultsDoNotDependOnFMA that only prints
// its digests, in the process the test starts.
const fmaChild = "ECOSIM_TEST_DIGESTS_ONLY"

// fingerprint is what must not depend on the processor: the forest's
// digests, and the confidence intervals Summarize gives for 2 to 400
// replicates (their Student's t factor is the one place outside the model
// that computes exponentials).
func fingerprint(t *testing.T) string {
	d := runForest(t, sim.ModeShards, 2).Digests
	h := sha256.New()
	xs := make([]float64, 0, 400)
	for n := range 400 {
		xs = append(xs, math.Sin(float64(n))*10+float64(n%7))
		if n > 0 {
			s := resilience.Summarize(xs)
			fmt.Fprintf(h, "%x %x\n", math.Float64bits(s.CILow), math.Float64bits(s.CIHigh))
		}
	}
	return fmt.Sprintf("%s %s %x", d.Metrics, d.Events, h.Sum(nil))
}

// TestResultsDoNotDependOnFMA computes the fingerprint again in a process
// from which the processor's fused multiply-add is hidden
// (GODEBUG=cpu.fma=off), as on an older processor or in a virtual machine
// that does not pass it on; it must not change. The math package's
// exponential takes another path without it, whose last bits differ now
// and then; ecosim computes its own (internal/fmath).
func TestResultsDoNotDependOnFMA(t *testing.T) {
	if os.Getenv(fmaChild) != "" {
		os.Stdout.WriteString("\nfingerprint " + fingerprint(t) + "\n")
		return
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("GODEBUG=cpu.fma names an amd64 feature")
	}
	if !cpu.X86.HasAVX || !cpu.X86.HasFMA {
		t.Skip("this processor has no FMA, so hiding it changes nothing: the test could not fail here")
	}
	want := fingerprint(t)
	cmd := exec.Command(os.Args[0], "-test.run", "^TestResultsDoNotDependOnFMA$")
	cmd.Env = append(os.Environ(), fmaChild+"=1", "GODEBUG=cpu.fma=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	got := ""
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "fingerprint "); ok {
			got = rest
		}
	}
	if got == "" {
		t.Fatalf("child printed no fingerprint:\n%s", out)
	}
	if got != want {
		t.Errorf("without FMA: %s\nwith it:    %s", got, want)
	}
}
