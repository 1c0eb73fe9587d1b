package plots

import (
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// probeScript measures every chart once the page has loaded and writes the
// sizes and any script errors into the page, for --dump-dom to print.
const probeScript = `<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message)));
window.addEventListener('load', () => {
  const sizes = [...document.querySelectorAll('figure.chart svg')].map(s => {
    const r = s.getBoundingClientRect(); return [r.width, r.height]; });
  const out = document.createElement('pre'); out.id = 'probe';
  out.textContent = JSON.stringify({sizes: sizes, errors: window.__errors});
  document.body.appendChild(out);
});
</script>`

// chromiumFlags are those that let headless Chromium run as root on a
// machine with no network.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
	"--enable-logging=stderr", "--v=0"}

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestReportRendersInChromium opens the report in headless Chromium: every
// chart must render with a non-zero size and the page must log no errors.
// A screenshot is kept in $ECOSIM_ARTIFACTS (default: a temp directory).
func TestReportRendersInChromium(t *testing.T) {
	bin := findChromium()
	if bin == "" {
		if os.Getenv("ECOSIM_REQUIRE_CHROMIUM") != "" {
			t.Fatal("chromium is required here (ECOSIM_REQUIRE_CHROMIUM is set) but not installed")
		}
		t.Skip("chromium not installed; apt-get install chromium to run the browser test")
	}
	dir := writeFixture(t)
	report, err := Report(dir)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := os.ReadFile(report)
	probe := filepath.Join(dir, "probe.html")
	os.WriteFile(probe, []byte(strings.Replace(string(page), "</body>", probeScript+"</body>", 1)), 0o644)
	dom, logs := runChromium(t, bin, "--dump-dom", "--virtual-time-budget=5000", "file://"+probe)
	m := regexp.MustCompile(`(?s)<pre id="probe">(.*?)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the page never finished loading; DOM:\n%.500s\nlog:\n%s", dom, logs)
	}
	var res struct {
		Sizes  [][2]float64 `json:"sizes"`
		Errors []string     `json:"errors"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Sizes) != 5 {
		t.Errorf("%d charts in the page, want 5", len(res.Sizes))
	}
	for i, s := range res.Sizes {
		if s[0] <= 0 || s[1] <= 0 {
			t.Errorf("chart %d rendered at %v×%v", i, s[0], s[1])
		}
	}
	if len(res.Errors) > 0 {
		t.Errorf("page errors: %v", res.Errors)
	}
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "CONSOLE") {
			t.Errorf("console message: %s", line)
		}
	}
	shot := filepath.Join(artifactDir(t), "report-screenshot.png")
	runChromium(t, bin, "--screenshot="+shot, "--window-size=1280,2400", "file://"+report)
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
		t.Errorf("no screenshot at %s: %v", shot, err)
	}
	t.Logf("screenshot of the report: %s", shot)
}

func artifactDir(t *testing.T) string {
	d := os.Getenv("ECOSIM_ARTIFACTS")
	if d == "" {
		d = filepath.Join(os.TempDir(), "ecosim-artifacts")
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

func runChromium(t *testing.T, bin string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	all := append(append([]string{}, chromiumFlags...), "--user-data-dir="+t.TempDir())
	cmd := exec.CommandContext(ctx, bin, append(all, args...)...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.String(), errb.String()
}
