package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
)

// TestControlIsIdenticalUntilTheFirstFailure runs a scenario with failures
// and checks the paired control: the two metrics.csv agree row for row up to
// the tick before the first failure and differ from it on, and
// resilience.json holds a figure for every indicator named.
func TestControlIsIdenticalUntilTheFirstFailure(t *testing.T) {
	s, err := scenarios.Load("topology", []string{"ticks=150"})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "r")
	sum, err := Run(context.Background(), Options{Scenario: s, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Control == nil || sum.FirstFailure != 100 {
		t.Fatalf("summary lacks the control: %+v", sum)
	}
	rows := func(p string) [][]byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Split(b, []byte("\n"))
	}
	fail, ctl := rows(filepath.Join(out, "metrics.csv")), rows(filepath.Join(out, "control", "metrics.csv"))
	// Row 0 is the header, row k+1 is tick k.
	for tick := 0; tick < 100; tick++ {
		if !bytes.Equal(fail[tick+1], ctl[tick+1]) {
			t.Fatalf("tick %d differs before the first failure", tick)
		}
	}
	if bytes.Equal(fail[101], ctl[101]) {
		t.Fatal("tick 100, when the hubs are killed, is identical to the control")
	}
	var r Resilience
	b, err := os.ReadFile(filepath.Join(out, "resilience.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Indicators) != len(s.Resilience.Indicators) || r.FirstFailure != 100 {
		t.Fatalf("resilience.json: %s", b)
	}
	gc := r.Indicators[0]
	if gc.Name != "giant_component" || gc.Resistance >= 1 || gc.Loss <= 0 {
		t.Fatalf("killing the hubs of a scale-free network must cost giant component: %+v", gc)
	}
}

func TestNoControl(t *testing.T) {
	s, err := scenarios.Load("topology", []string{"ticks=120"})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "r")
	if _, err := Run(context.Background(), Options{Scenario: s, Out: out, NoControl: true}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"control", "resilience.json"} {
		if _, err := os.Stat(filepath.Join(out, p)); !os.IsNotExist(err) {
			t.Errorf("%s written despite NoControl", p)
		}
	}
}
