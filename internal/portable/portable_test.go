package portable

import (
	"bufio"
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/cpu"

	"github.com/ecosim/ecosim/internal/fmath"
	"github.com/ecosim/ecosim/resilience"
	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sweep"
)

// childEnv marks a run of this package's tests, started by one of them in
// another process (FMA hidden, or another architecture), that only prints
// the fingerprint.
const childEnv = "ECOSIM_TEST_FINGERPRINT_ONLY"

// run runs a built-in scenario with overrides, without its control, and
// returns its digests.
func run(t *testing.T, name string, sets ...string) string {
	t.Helper()
	s, err := scenarios.Load(name, sets)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := runner.Run(context.Background(), runner.Options{Scenario: s, Out: filepath.Join(t.TempDir(), name), NoControl: true})
	if err != nil {
		t.Fatal(err)
	}
	return sum.Digests.Metrics + " " + sum.Digests.Events
}

// computeFingerprint hashes what must not depend on the processor:
//   - the forest with its failures moved into 300 ticks: crowns (cube
//     roots), the season (a sine), seeds' directions (sine and cosine),
//     light (exponentials), uptake (powers);
//   - a random topology (G(n, p), whose gaps are logarithms);
//   - the confidence intervals of 2 to 400 replicates (mean, standard
//     deviation, Student's t factor through log-gamma), and the Wilson
//     intervals of shares of 2 to 400;
//   - a sweep's points: a grid range, a Latin hypercube, a sobol design
//     from the Halton sequence;
//   - the results fingerprint, by which broker sweeps match workers to
//     their coordinator (its probes strike with every failure kind);
//   - the partial rank correlations of 3 inputs with an output over 60
//     runs (rank correlations, a matrix inverse, Fisher's z).
func computeFingerprint(t *testing.T) string {
	h := sha256.New()
	fmt.Fprintln(h, run(t, "forest", "ticks=300", "failures[0].at=100", "failures[1].at=200", "failures[1].duration=50"))
	fmt.Fprintln(h, run(t, "topology", "ticks=80", "failures[0].at=40", "network.topology=random"))
	rf, err := sweep.ResultsFingerprint()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(h, rf)
	xs := make([]float64, 0, 400)
	var pv []float64 // paired p-values, then Holm's adjustment of them
	for n := range 400 {
		xs = append(xs, float64(fmath.Sin(float64(n))*10)+float64(n%7))
		if n > 0 {
			s := resilience.Summarize(xs)
			fmt.Fprintf(h, "%x %x %x\n", math.Float64bits(s.SD), math.Float64bits(s.CILow), math.Float64bits(s.CIHigh))
			p := resilience.Proportion(n/3, n+1)
			fmt.Fprintf(h, "%x %x %x\n", math.Float64bits(p.SD), math.Float64bits(p.CILow), math.Float64bits(p.CIHigh))
			pv = append(pv, resilience.PairedP(s.Mean, s.SD, len(xs)))
		}
	}
	for _, p := range append(pv, resilience.Holm(pv)...) {
		fmt.Fprintf(h, "%x\n", math.Float64bits(p))
	}
	for n := 2; n < 60; n += 3 { // paired shares over tables of every shape
		s, p := resilience.PairedProportion(n/4, n/3, n/5, n)
		fmt.Fprintf(h, "%x %x %x %x %x\n", math.Float64bits(s.Mean), math.Float64bits(s.SD), math.Float64bits(s.CILow),
			math.Float64bits(s.CIHigh), math.Float64bits(p))
	}
	plan := &sweep.Plan{Vary: []sweep.Vary{{Path: "a", Values: "0.1:7.3:0.1"}, {Path: "b", Values: "uniform(0.001,3.7)"}}, Design: sweep.DesignLHS, Samples: 64, Reps: 1}
	pts, err := plan.Points(7)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pts {
		fmt.Fprintln(h, p.Values)
	}
	ins, out := make([][]float64, 60), make([]float64, 60)
	for i := range ins {
		u := float64(i)
		ins[i] = []float64{fmath.Sin(u), fmath.Cos(float64(u * 1.7)), float64(i % 11)}
		out[i] = float64(3*ins[i][0]) - ins[i][1] + fmath.Sin(float64(u*u))
	}
	for _, s := range resilience.PRCC(ins, out) {
		fmt.Fprintf(h, "%x %x %x %x\n", math.Float64bits(s.Spearman), math.Float64bits(s.PRCC), math.Float64bits(s.CILow), math.Float64bits(s.CIHigh))
	}
	// Sobol' indices over a sobol design's points, outputs made from
	// their values: the estimators' sums and the bootstrap's percentiles.
	sp := &sweep.Plan{Vary: []sweep.Vary{{Path: "a", Values: "uniform(0.1,2.9)"}, {Path: "b", Values: "uniform(-1,1)"}, {Path: "c", Values: "x,y,z"}},
		Design: sweep.DesignSobol, Samples: 50, Reps: 1}
	spts, err := sp.Points(3)
	if err != nil {
		t.Fatal(err)
	}
	ya, yb, yab := sweep.SobolOutputs(50, 3, func(p int) float64 {
		v := spts[p].Values
		a, _ := strconv.ParseFloat(v[0], 64)
		b, _ := strconv.ParseFloat(v[1], 64)
		return fmath.Sin(float64(a*b)) + float64(a*a) + float64(len(v[2])*int(v[2][0]))/100
	})
	for _, s := range resilience.Sobol(ya, yb, yab) {
		fmt.Fprintf(h, "%x %x %x %x %x %x\n", math.Float64bits(s.First), math.Float64bits(s.FirstLow), math.Float64bits(s.FirstHigh),
			math.Float64bits(s.Total), math.Float64bits(s.TotalLow), math.Float64bits(s.TotalHigh))
	}
	na, nb := make([]float64, 50), make([]float64, 50)
	for j := range na {
		na[j], nb[j] = float64(fmath.Sin(float64(j))*0.01), float64(fmath.Cos(float64(j))*0.02)
	}
	fmt.Fprintf(h, "%x\n", math.Float64bits(resilience.SobolNoise(ya, yb, yab, na, nb)))
	// A sobol design drawn from the scrambled Halton sequence, the
	// default: its places are divisions of exact integers.
	hp := &sweep.Plan{Vary: []sweep.Vary{{Path: "a", Values: "uniform(0.1,2.9)"}, {Path: "b", Values: "uniform(-1,1)"}, {Path: "c", Values: "x,y,z"}},
		Design: sweep.DesignSobol, Samples: 300, Reps: 1}
	if err := hp.Check(); err != nil || hp.Sampler != sweep.SamplerHalton {
		t.Fatalf("sampler %q: %v", hp.Sampler, err)
	}
	hpts, err := hp.Points(3)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range hpts {
		fmt.Fprintln(h, p.Values)
	}
	// A morris design on 8 levels: its places are level/(levels−1).
	lp := &sweep.Plan{Vary: []sweep.Vary{{Path: "a", Values: "uniform(0.1,2.9)"}, {Path: "b", Values: "uniform(-7,3)"}}, Design: sweep.DesignMorris, Samples: 30, Levels: 8, Reps: 1}
	lpts, err := lp.Points(5)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range lpts {
		fmt.Fprintln(h, p.Values)
	}
	// A morris design's points, and elementary effects' summaries.
	mp := &sweep.Plan{Vary: []sweep.Vary{{Path: "a", Values: "uniform(0.1,2.9)"}, {Path: "b", Values: "0.5:4.5:0.5"}}, Design: sweep.DesignMorris, Samples: 20, Reps: 1}
	mpts, err := mp.Points(3)
	if err != nil {
		t.Fatal(err)
	}
	ees := make([][]float64, 2)
	for i, p := range mpts {
		fmt.Fprintln(h, p.Values)
		a, _ := strconv.ParseFloat(p.Values[0], 64)
		ees[i%2] = append(ees[i%2], fmath.Sin(float64(a*float64(i))))
	}
	for _, e := range resilience.Morris(ees) {
		fmt.Fprintf(h, "%x %x %x %x %x\n", math.Float64bits(e.Mu), math.Float64bits(e.MuStar), math.Float64bits(e.MuStarLow),
			math.Float64bits(e.MuStarHigh), math.Float64bits(e.Sigma))
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// hostFingerprint is this process's fingerprint once worked out: two
// tests compare against it, and under the race detector it takes seconds.
var hostFingerprint struct {
	sync.Mutex
	v string
}

// fingerprint is computeFingerprint's result, worked out at the first call.
func fingerprint(t *testing.T) string {
	hostFingerprint.Lock()
	defer hostFingerprint.Unlock()
	if hostFingerprint.v == "" {
		hostFingerprint.v = computeFingerprint(t)
	}
	return hostFingerprint.v
}

// childFingerprint prints the fingerprint when this process is a child.
func childFingerprint(t *testing.T) bool {
	if os.Getenv(childEnv) == "" {
		return false
	}
	os.Stdout.WriteString("\nfingerprint " + fingerprint(t) + "\n")
	return true
}

// fingerprintOf runs cmd, a child of this package's tests, with env added
// to its environment, and returns the fingerprint it printed.
func fingerprintOf(t *testing.T, cmd *exec.Cmd, env ...string) string {
	t.Helper()
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "fingerprint "); ok {
			return rest
		}
	}
	t.Fatalf("%s printed no fingerprint:\n%s", cmd, out)
	return ""
}

// TestResultsDoNotDependOnFMA computes the fingerprint again in a process
// from which the processor's fused multiply-add is hidden
// (GODEBUG=cpu.fma=off), as on an older processor or in a virtual machine
// that does not pass it on; it must not change. The math package's
// exponential takes another path without it, whose last bits differ now
// and then; ecosim computes its own (internal/fmath).
func TestResultsDoNotDependOnFMA(t *testing.T) {
	if childFingerprint(t) {
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
	if got := fingerprintOf(t, cmd, "GODEBUG=cpu.fma=off"); got != want {
		t.Errorf("without FMA: %s\nwith it:    %s", got, want)
	}
}

// moduleRoot is the module's directory, two up from this package's.
func moduleRoot(t *testing.T) string {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root: %v", err)
	}
	return root
}

// goCmd is the go command for GOARCH arch, run in the module's root.
func goCmd(t *testing.T, arch string, args ...string) *exec.Cmd {
	t.Helper()
	bin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to cross-compile with")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = moduleRoot(t)
	cmd.Env = append(os.Environ(), "GOARCH="+arch, "CGO_ENABLED=0")
	return cmd
}

// build runs a go build or test -c for arm64 into dir and returns the
// binary's path.
func build(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	cmd := goCmd(t, "arm64", append(append(args[:1:1], "-o", out), args[1:]...)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, msg)
	}
	return out
}

// resultPackage reports whether a function symbol belongs to code whose
// arithmetic reaches results: every ecosim package but the charts', and
// the gonum packages the model builds networks with (the scale-free
// generator draws through sampleuv's weighted sampler).
func resultPackage(sym string) bool {
	return (strings.HasPrefix(sym, "github.com/ecosim/ecosim/") && !strings.HasPrefix(sym, "github.com/ecosim/ecosim/plots.")) ||
		strings.HasPrefix(sym, "main.") ||
		strings.HasPrefix(sym, "gonum.org/v1/gonum/graph/") ||
		strings.HasPrefix(sym, "gonum.org/v1/gonum/stat/sampleuv.")
}

// exactMath are the math package's functions whose results IEEE 754 or bit
// work fixes, so they are the same on every machine; the others (Sin, Exp,
// Log, Cbrt, Lgamma, ...) are polynomials that arm64's compiler fuses.
var exactMath = map[string]bool{
	"Abs": true, "Ceil": true, "Copysign": true, "FMA": true, "Float64bits": true, "Float64frombits": true,
	"Floor": true, "Frexp": true, "Inf": true, "IsInf": true, "IsNaN": true, "Ldexp": true, "Max": true,
	"Min": true, "NaN": true, "Round": true, "RoundToEven": true, "Signbit": true, "Sqrt": true, "Trunc": true,
}

var (
	textLine  = regexp.MustCompile(`^TEXT (\S+)\(SB\)`)
	fusedOp   = regexp.MustCompile(`\s(FMADD|FMSUB|FNMADD|FNMSUB)[DS]\s`)
	mathCall  = regexp.MustCompile(`\sCALL math\.([A-Za-z0-9_]+)\(SB\)`)
	gonumCall = regexp.MustCompile(`\sCALL (gonum\.org/v1/gonum/[^\s(]+)`)
)

// sourceLines caches the module's Go files by base name, for looking up
// the line an instruction came from.
var sourceLines = struct {
	sync.Once
	byName map[string][][]string
}{}

// callsFMA reports whether line n of a module file named base (any of
// them: base names repeat across packages) calls math.FMA.
func callsFMA(t *testing.T, base string, n int) bool {
	sourceLines.Do(func() {
		sourceLines.byName = map[string][][]string{}
		_ = filepath.WalkDir(moduleRoot(t), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			b, err := os.ReadFile(path)
			if err == nil {
				sourceLines.byName[d.Name()] = append(sourceLines.byName[d.Name()], strings.Split(string(b), "\n"))
			}
			return err
		})
	})
	for _, lines := range sourceLines.byName[base] {
		if n >= 1 && n <= len(lines) && strings.Contains(lines[n-1], "math.FMA(") {
			return true
		}
	}
	return false
}

// TestNoFusedArithmeticOnArm64 compiles ecosim for arm64 and reads its
// machine code: no function of a package whose arithmetic reaches results
// may hold a fused multiply-add other than an explicit math.FMA (exact on
// every machine), nor call one of the math package's or gonum's functions
// whose last bits depend on the architecture. It runs on any host; the
// compiler's fusing is what it checks, not a processor's.
func TestNoFusedArithmeticOnArm64(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles ecosim for arm64 (35 s with a cold cache)")
	}
	bin := build(t, t.TempDir(), "ecosim", "build", "./cmd/ecosim")
	cmd := goCmd(t, runtime.GOARCH, "tool", "objdump", bin)
	cmd.Env = os.Environ()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var fn string
	funcs, fused := 0, 0
	problems := map[string]bool{}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := textLine.FindStringSubmatch(line); m != nil {
			fn = m[1]
			if resultPackage(fn) {
				funcs++
			}
			continue
		}
		if !resultPackage(fn) {
			continue
		}
		if fusedOp.MatchString(line) {
			fused++
			where := strings.Fields(line)[0] // file.go:line
			base, num, _ := strings.Cut(where, ":")
			var n int
			fmt.Sscan(num, &n)
			if !callsFMA(t, base, n) {
				problems[fmt.Sprintf("%s: a fused multiply-add at %s; convert the product to float64 before it is added", fn, where)] = true
			}
		}
		if m := mathCall.FindStringSubmatch(line); m != nil && !exactMath[strings.ToUpper(m[1][:1])+m[1][1:]] {
			problems[fmt.Sprintf("%s calls math.%s, whose last bits differ between amd64 and arm64; use internal/fmath", fn, m[1])] = true
		}
		if m := gonumCall.FindStringSubmatch(line); m != nil && !resultPackage(m[1]) {
			problems[fmt.Sprintf("%s calls %s, compiled with fused arithmetic on arm64", fn, m[1])] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if funcs < 500 {
		t.Fatalf("read %d of ecosim's functions from the disassembly; the reading is broken", funcs)
	}
	t.Logf("%d functions read, %d fused instructions, all explicit math.FMA", funcs, fused)
	for p := range problems {
		t.Error(p)
	}
}

// TestFingerprintOnArm64 runs this package's fingerprint compiled for
// arm64 under qemu's user-mode emulator, which executes arm64's
// instructions with their own rounding (fused ones included), and compares
// it with this machine's. Without qemu-aarch64 it is skipped, unless
// ECOSIM_REQUIRE_QEMU is set (CI installs Debian's qemu-user-static).
func TestFingerprintOnArm64(t *testing.T) {
	if childFingerprint(t) {
		return
	}
	if runtime.GOARCH == "arm64" {
		t.Skip("this machine is arm64: TestNoFusedArithmeticOnArm64 and an amd64 machine's run cover it")
	}
	qemu, err := exec.LookPath("qemu-aarch64-static")
	if err != nil {
		qemu, err = exec.LookPath("qemu-aarch64")
	}
	if err != nil {
		if os.Getenv("ECOSIM_REQUIRE_QEMU") != "" {
			t.Fatal("ECOSIM_REQUIRE_QEMU is set but no qemu-aarch64 is on PATH")
		}
		t.Skip("no qemu-aarch64 on PATH (Debian: qemu-user-static)")
	}
	if testing.Short() {
		t.Skip("cross-compiles and emulates")
	}
	bin := build(t, t.TempDir(), "portable.test", "test", "-c", "./internal/portable")
	got := fingerprintOf(t, exec.Command(qemu, bin, "-test.run", "^TestFingerprintOnArm64$"))
	if want := fingerprint(t); got != want {
		t.Errorf("arm64: %s\n%s: %s", got, runtime.GOARCH, want)
	}
}
