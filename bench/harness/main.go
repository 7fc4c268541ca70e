// Command harness runs the peer benchmark and writes bench/RESULTS.md. It
// is started by scripts/bench-peers.sh, which builds stackgate, the
// benchmark's programs and the peers into the cache first; see
// bench/README.md.
//
// Every tool runs as a whole process under /usr/bin/time -v (wall clock,
// user and system CPU, peak RSS), in interleaved rounds: round 1 runs every
// tool on every input, then round 2, and so on, so that a change in the
// machine's load falls on all tools alike. A tool whose first run on an
// input takes longer than -slow is not run again on it (its one run is
// reported); a run longer than -timeout is killed and reported as such.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// tool is one program under test.
type tool struct {
	Name, Version, Path string
	Unavailable         string // why it is not available, when it is not
}

// input is one thing the tools are run on.
type input struct {
	Name    string // e.g. tf-10x
	Kind    string // terraform, cloudformation, plan, none
	Path    string
	Scale   int    // for the scaling table; 0 when not a scaled input
	Desc    string // what it is
	Real    bool   // the real corpus
	Files   int
	Bytes   int64
	Res     int    // resources in stackgate's model (rule input documents)
	Units   int    // rule input documents (templates, root modules)
	RegoIn  string // directory of one rule input JSON per unit (conftest)
	RegoAll string // one JSON holding all of them (opa)
}

type run struct {
	Wall, User, Sys float64 // seconds
	RSS             int64   // KiB
	Exit            int
	Err             string
}

type result struct {
	Tool     string
	Input    string
	Cmd      []string
	Runs     []run
	Findings string // as the tool reports it, or "" when it does not
	Note     string
	Skip     string // not run on this input: why
	// Repeat, when above 1, is how many times a round runs the command
	// again, directly, to time it with the Go clock (timeRepeated).
	Repeat int
}

// startupRepeats is how many times a round runs a start-up command (the
// version input): /usr/bin/time reports wall time in hundredths of a
// second, too coarse for a process of a few milliseconds (a 6 ms program
// read as 0 or 10 ms, and on a busy machine as 30).
const startupRepeats = 25

var (
	flagRounds  = flag.Int("rounds", 5, "interleaved rounds")
	flagCache   = flag.String("cache", "", "cache directory (bin/, inputs/, runs/)")
	flagTools   = flag.String("tools", "", "tools file written by scripts/bench-peers.sh")
	flagCorpus  = flag.String("corpus", "", "real corpus: a directory of checkouts (Terraform modules, CloudFormation templates)")
	flagOut     = flag.String("out", "bench/RESULTS.md", "results file")
	flagScales  = flag.String("scales", "1,10,100", "sizes of the generated Terraform and CloudFormation")
	flagPlans   = flag.String("plans", "1000,20000", "resource changes of the generated plans")
	flagTimeout = flag.Duration("timeout", 10*time.Minute, "kill a run after this long")
	flagSlow    = flag.Duration("slow", 90*time.Second, "run a tool once only on an input where its first run took longer than this")
	flagCommand = flag.String("command", "", "the command line to record in the results")
	flagOnly    = flag.String("only", "", "comma-separated input names to run (default all)")
)

func main() {
	flag.Parse()
	if *flagCache == "" || *flagTools == "" {
		fatalf("harness is started by scripts/bench-peers.sh (needs -cache and -tools)")
	}
	started := time.Now()
	loadStart = loadAvg()
	bin := filepath.Join(*flagCache, "bin")
	tools := readTools(*flagTools, bin)

	inputs := prepareInputs(bin)
	if *flagOnly != "" {
		keep := map[string]bool{}
		for _, n := range strings.Split(*flagOnly, ",") {
			keep[n] = true
		}
		var in []*input
		for _, i := range inputs {
			if keep[i.Name] {
				in = append(in, i)
			}
		}
		inputs = in
	}
	regoDir := writeRegoPolicies()
	for _, in := range inputs {
		prepareRegoInput(bin, in)
	}

	var results []*result
	for _, in := range inputs {
		for _, t := range tools {
			r := &result{Tool: t.Name, Input: in.Name}
			if t.Unavailable != "" {
				r.Skip = "not available: " + t.Unavailable
			} else {
				r.Cmd, r.Skip = command(t, in, regoDir)
			}
			if in.Kind == "none" {
				r.Repeat = startupRepeats
			}
			results = append(results, r)
		}
	}
	runsDir := filepath.Join(*flagCache, "runs")
	_ = os.RemoveAll(runsDir)
	must(os.MkdirAll(runsDir, 0o755))
	for round := 1; round <= *flagRounds; round++ {
		for _, r := range results {
			if r.Cmd == nil || (round > 1 && len(r.Runs) > 0 && (r.Runs[0].Wall > flagSlow.Seconds() || r.Runs[0].Err != "")) {
				continue
			}
			out := filepath.Join(runsDir, r.Tool+"_"+r.Input+".out")
			ru := timeRun(r.Cmd, out, filepath.Join(runsDir, r.Tool+"_"+r.Input+".time"))
			if r.Repeat > 1 && ru.Err == "" {
				ru.Wall, ru.User, ru.Sys = timeRepeated(r.Cmd, r.Repeat)
			}
			r.Runs = append(r.Runs, ru)
			fmt.Fprintf(os.Stderr, "round %d %-10s %-18s %8.3fs %7.1f MiB exit %d %s\n", round, r.Tool, r.Input, ru.Wall, float64(ru.RSS)/1024, ru.Exit, ru.Err)
			if round == 1 {
				r.Findings, r.Note = findings(r.Tool, out)
				if ru.Err == "" && !okExit(r.Tool, ru.Exit) {
					r.Runs[0].Err = fmt.Sprintf("exit %d: %s", ru.Exit, tail(out+".stderr"))
				}
			}
		}
	}
	writeResults(tools, inputs, results, started)
}

func fatalf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "harness: "+format+"\n", a...)
	os.Exit(2)
}

func must(err error) {
	if err != nil {
		fatalf("%v", err)
	}
}

func readTools(file, bin string) []tool {
	b, err := os.ReadFile(file)
	must(err)
	ts := []tool{
		{Name: "stackgate", Version: strings.TrimPrefix(strings.TrimSpace(output(filepath.Join(bin, "stackgate"), "version")), "stackgate "), Path: filepath.Join(bin, "stackgate")},
		{Name: "parsefloor", Version: "bench/parsefloor", Path: filepath.Join(bin, "parsefloor")},
		{Name: "startfloor", Version: "bench/startfloor", Path: filepath.Join(bin, "startfloor")},
	}
	// Only newlines are trimmed: a tool that built ends its line with an
	// empty reason after a tab, which TrimSpace took from the last line
	// (and with it the tool: trivy, written last, was left out).
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) == 3 {
			f = append(f, "")
		}
		if len(f) < 4 {
			continue
		}
		t := tool{Name: f[0], Version: f[1], Path: f[2], Unavailable: strings.ReplaceAll(f[3], "|", "\\|")}
		if t.Path == "" && t.Unavailable == "" {
			t.Unavailable = "not built"
		}
		ts = append(ts, t)
	}
	return ts
}

func output(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

var loadStart string

// loadAvg is the 1, 5 and 15 minute load average: a run on a machine
// that other work keeps busy has wall times far above its CPU times.
func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// ---- inputs ----

func prepareInputs(bin string) []*input {
	dir := filepath.Join(*flagCache, "inputs")
	gen := filepath.Join(bin, "gen")
	var inputs []*input
	// The generated inputs depend only on gen's source: regenerate them
	// when gen changed (its binary differs from the one that made them).
	stamp := filepath.Join(dir, ".gen-stamp")
	sum := fileStamp(gen)
	if old, _ := os.ReadFile(stamp); string(old) != sum {
		_ = os.RemoveAll(dir)
	}
	must(os.MkdirAll(dir, 0o755))
	genOnce := func(path string, args ...string) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		tmp := path + ".tmp"
		_ = os.RemoveAll(tmp)
		cmd := exec.Command(gen, append(args, tmp)...)
		cmd.Stderr = os.Stderr
		must(cmd.Run())
		must(os.Rename(tmp, path))
	}
	for _, s := range intList(*flagScales) {
		p := filepath.Join(dir, fmt.Sprintf("tf-%dx", s))
		genOnce(p, "terraform", "-scale", strconv.Itoa(s))
		inputs = append(inputs, &input{Name: fmt.Sprintf("tf-%dx", s), Kind: "terraform", Path: p, Scale: s,
			Desc: fmt.Sprintf("generated Terraform, %d root modules calling local modules", 6*s)})
	}
	for _, s := range intList(*flagScales) {
		p := filepath.Join(dir, fmt.Sprintf("cfn-%dx", s))
		genOnce(p, "cloudformation", "-scale", strconv.Itoa(s))
		inputs = append(inputs, &input{Name: fmt.Sprintf("cfn-%dx", s), Kind: "cloudformation", Path: p, Scale: s,
			Desc: fmt.Sprintf("generated CloudFormation, %d templates (YAML and JSON)", 10*s)})
	}
	for _, n := range intList(*flagPlans) {
		name := fmt.Sprintf("plan-%dk", n/1000)
		p := filepath.Join(dir, name+".json")
		genOnce(p, "plan", "-changes", strconv.Itoa(n), "-from", "testdata/plan/create/plan.json")
		inputs = append(inputs, &input{Name: name, Kind: "plan", Path: p, Res: n,
			Desc: fmt.Sprintf("generated plan JSON, %d resource changes replicated from testdata/plan/create/plan.json", n)})
	}
	must(os.WriteFile(stamp, []byte(sum), 0o644))
	if *flagCorpus != "" {
		inputs = append(inputs, corpusInputs(*flagCorpus, dir)...)
	}
	inputs = append(inputs, &input{Name: "version", Kind: "none", Desc: "`stackgate version`: start-up cost"})
	for _, in := range inputs {
		if in.Path != "" {
			in.Files, in.Bytes = countFiles(in.Path)
		}
	}
	return inputs
}

func fileStamp(p string) string {
	st, err := os.Stat(p)
	if err != nil {
		return ""
	}
	b, _ := os.ReadFile(p)
	var h uint64 = 1469598103934665603
	for _, c := range b {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return fmt.Sprintf("%d %x", st.Size(), h)
}

func intList(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		must(err)
		out = append(out, n)
	}
	return out
}

// corpusInputs copies each checkout in dir (without .git) to
// inputs/corpus-terraform or inputs/corpus-cloudformation, by which kind of
// file it holds more of, so that every tool reads the same files.
func corpusInputs(corpus, dir string) []*input {
	entries, err := os.ReadDir(corpus)
	must(err)
	kinds := map[string][]string{}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		src := filepath.Join(corpus, e.Name())
		tf, cfn := 0, 0
		_ = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && d.Name() == ".git" {
				return filepath.SkipDir
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".tf":
				tf++
			case ".yaml", ".yml", ".template", ".json":
				cfn++
			}
			return nil
		})
		k := "cloudformation"
		if tf >= cfn {
			k = "terraform"
		}
		kinds[k] = append(kinds[k], src)
	}
	var out []*input
	for _, k := range []string{"terraform", "cloudformation"} {
		if len(kinds[k]) == 0 {
			continue
		}
		dst := filepath.Join(dir, "corpus-"+k)
		_ = os.RemoveAll(dst)
		must(os.MkdirAll(dst, 0o755))
		var names []string
		for _, src := range kinds[k] {
			name := filepath.Base(src)
			names = append(names, name+" "+strings.TrimSpace(output("git", "-C", src, "log", "-1", "--format=%h %cs")))
			cmd := exec.Command("rsync", "-a", "--exclude=.git", src+"/", filepath.Join(dst, name)+"/")
			if _, err := exec.LookPath("rsync"); err != nil {
				cmd = exec.Command("cp", "-a", src, filepath.Join(dst, name))
			}
			cmd.Stderr = os.Stderr
			must(cmd.Run())
			_ = os.RemoveAll(filepath.Join(dst, name, ".git"))
		}
		short := map[string]string{"terraform": "tf", "cloudformation": "cfn"}[k]
		out = append(out, &input{Name: "corpus-" + short, Kind: k, Path: dst, Real: true,
			Desc: "real corpus: " + strings.Join(names, ", ")})
	}
	return out
}

func countFiles(root string) (int, int64) {
	n, b := 0, int64(0)
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == ".terraform") {
			return filepath.SkipDir
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".tf", ".tfvars", ".yaml", ".yml", ".template", ".json":
			if info, err := d.Info(); err == nil {
				n++
				b += info.Size()
			}
		}
		return nil
	})
	return n, b
}

// ---- stackgate's Rego rules for opa and conftest ----

// shim turns the rules' findings into what conftest expects (a msg), and
// runs, for opa, every rule input document in one process. Each document
// is evaluated with the rules its environment enables, as the engine does.
const shim = `package stackgate_bench

import rego.v1

# deny: the findings of the rules that input.environment.rules enables.
deny contains {"msg": f.message, "rule": id, "resource": f.resource, "path": f.path} if {
	some id, _ in input.environment.rules
	pkg := replace(id, "-", "_")
	some f in data.stackgate.rules[pkg].deny
}

# all: deny of every document of input.docs (one opa eval over all of them).
all := [f | some d in input.docs; some f in deny with input as d]
`

// writeRegoPolicies copies the built-in rules and library (not their tests)
// and the shim into the cache, and the tagging table into its data
// directory (regoData).
func writeRegoPolicies() string {
	dst := filepath.Join(*flagCache, "rego")
	_ = os.RemoveAll(dst)
	must(os.MkdirAll(dst, 0o755))
	files, err := filepath.Glob("policies/rules/*/*.rego")
	must(err)
	lib, err := filepath.Glob("policies/lib/*.rego")
	must(err)
	for _, f := range append(files, lib...) {
		if strings.HasSuffix(f, "_test.rego") {
			continue
		}
		b, err := os.ReadFile(f)
		must(err)
		name := strings.ReplaceAll(strings.TrimPrefix(f, "policies/"), "/", "_")
		must(os.WriteFile(filepath.Join(dst, name), b, 0o644))
	}
	must(os.WriteFile(filepath.Join(dst, "stackgate_bench.rego"), []byte(shim), 0o644))
	// The tagging table is data: opa and conftest load a data.json at the
	// path of its directory, data.stackgate.lib.tagging, as the engine does.
	data := filepath.Join(regoData(dst), "stackgate", "lib", "tagging")
	_ = os.RemoveAll(regoData(dst))
	must(os.MkdirAll(data, 0o755))
	table, err := os.ReadFile("policies/lib/tagging.json")
	must(err)
	must(os.WriteFile(filepath.Join(data, "data.json"), table, 0o644))
	return dst
}

// regoData is the data directory beside the policy directory rego.
func regoData(rego string) string { return rego + "-data" }

// prepareRegoInput writes the rule input documents stackgate builds for in
// (stackgate inspect), once per unit for conftest and all in one for opa,
// each with the by_type index the engine adds. It also counts resources.
func prepareRegoInput(bin string, in *input) {
	if in.Kind != "terraform" && in.Kind != "cloudformation" {
		return
	}
	cmd := exec.Command(filepath.Join(bin, "stackgate"), "inspect", "--allow-parse-errors", "--progress", "never", in.Path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		fatalf("stackgate inspect %s: %v: %s", in.Path, err, stderr.String())
	}
	var units []struct {
		File  string         `json:"file"`
		Input map[string]any `json:"input"`
	}
	must(json.Unmarshal(out, &units))
	in.RegoIn = filepath.Join(*flagCache, "rego-input", in.Name)
	_ = os.RemoveAll(in.RegoIn)
	must(os.MkdirAll(in.RegoIn, 0o755))
	docs := make([]any, 0, len(units))
	for i, u := range units {
		rs, _ := u.Input["resources"].([]any)
		in.Res += len(rs)
		byType := map[string][]any{}
		for _, r := range rs {
			m, _ := r.(map[string]any)
			if c, ok := m["change"].(map[string]any); ok && c["action"] == "delete" {
				continue
			}
			t, _ := m["type"].(string)
			byType[t] = append(byType[t], r)
		}
		u.Input["by_type"] = byType
		b, err := json.Marshal(u.Input)
		must(err)
		must(os.WriteFile(filepath.Join(in.RegoIn, fmt.Sprintf("unit-%05d.json", i)), b, 0o644))
		docs = append(docs, u.Input)
	}
	in.Units = len(units)
	b, err := json.Marshal(map[string]any{"docs": docs})
	must(err)
	in.RegoAll = filepath.Join(*flagCache, "rego-input", in.Name+".all.json")
	must(os.WriteFile(in.RegoAll, b, 0o644))
}

// ---- commands ----

// command is how tool t runs on in, or why it does not.
func command(t tool, in *input, rego string) ([]string, string) {
	scan := in.Kind == "terraform" || in.Kind == "cloudformation"
	switch t.Name {
	case "stackgate":
		switch {
		case in.Kind == "none":
			return []string{t.Path, "version"}, ""
		case in.Kind == "plan":
			return []string{t.Path, "plan", in.Path, "--format", "json"}, ""
		default:
			return []string{t.Path, "scan", in.Path, "--format", "json", "--progress", "never", "--allow-parse-errors"}, ""
		}
	case "parsefloor":
		if in.Kind == "none" {
			return nil, "n/a"
		}
		return []string{t.Path, in.Path}, ""
	case "startfloor":
		if in.Kind != "none" {
			return nil, "n/a"
		}
		return []string{t.Path}, ""
	case "opa":
		if !scan {
			return nil, "n/a (rule input of plans not exported by stackgate inspect)"
		}
		return []string{t.Path, "eval", "--format", "json", "-d", rego, "-d", regoData(rego), "-i", in.RegoAll, "count(data.stackgate_bench.all)"}, ""
	case "conftest":
		if !scan {
			return nil, "n/a (rule input of plans not exported by stackgate inspect)"
		}
		return []string{t.Path, "test", "--no-color", "--output", "json", "--policy", rego, "--data", regoData(rego), "--namespace", "stackgate_bench", in.RegoIn}, ""
	case "trivy":
		if in.Kind == "none" {
			return nil, "n/a"
		}
		return []string{t.Path, "config", "--skip-check-update", "--skip-version-check", "--quiet", "--format", "json",
			"--cache-dir", filepath.Join(*flagCache, "trivy-cache"), in.Path}, ""
	case "tfsec":
		if in.Kind != "terraform" {
			return nil, "n/a (Terraform HCL only)"
		}
		return []string{t.Path, in.Path, "--format", "json", "--soft-fail", "--no-color", "--no-module-downloads"}, ""
	case "tflint":
		if in.Kind != "terraform" {
			return nil, "n/a (Terraform HCL only)"
		}
		return []string{t.Path, "--chdir", in.Path, "--recursive", "--format", "json", "--force"}, ""
	}
	return nil, "n/a"
}

func okExit(tool string, code int) bool {
	switch tool {
	case "stackgate", "trivy", "tfsec", "conftest":
		return code == 0 || code == 1
	}
	return code == 0
}

// timeRepeated runs cmd n times in a row, directly (output discarded), and
// returns the mean wall, user and system CPU time of one run in seconds,
// from the Go clock and the process's rusage: precise for a process too
// short for /usr/bin/time's hundredths (whose run still gives the peak
// RSS and exit code).
func timeRepeated(cmd []string, n int) (wall, user, sys float64) {
	for range n {
		c := exec.Command(cmd[0], cmd[1:]...)
		c.Dir, _ = os.Getwd()
		start := time.Now()
		if err := c.Run(); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				fatalf("%s: %v", cmd[0], err)
			}
		}
		wall += time.Since(start).Seconds()
		user += c.ProcessState.UserTime().Seconds()
		sys += c.ProcessState.SystemTime().Seconds()
	}
	return wall / float64(n), user / float64(n), sys / float64(n)
}

// timeRun runs cmd under /usr/bin/time -v, stdout to out.
func timeRun(cmd []string, out, timeFile string) run {
	ctx, cancel := context.WithTimeout(context.Background(), *flagTimeout)
	defer cancel()
	c := exec.CommandContext(ctx, "/usr/bin/time", append([]string{"-v", "-o", timeFile}, cmd...)...)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
	o, err := os.Create(out)
	must(err)
	defer o.Close()
	e, err := os.Create(out + ".stderr")
	must(err)
	defer e.Close()
	c.Stdout, c.Stderr = o, e
	c.Dir, _ = os.Getwd()
	start := time.Now()
	err = c.Run()
	var r run
	if ctx.Err() != nil {
		return run{Wall: time.Since(start).Seconds(), Err: "timeout after " + flagTimeout.String()}
	}
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return run{Err: err.Error()}
		}
	}
	b, err := os.ReadFile(timeFile)
	if err != nil {
		return run{Err: "no /usr/bin/time output"}
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		switch {
		case k == "User time (seconds)":
			r.User, _ = strconv.ParseFloat(v, 64)
		case k == "System time (seconds)":
			r.Sys, _ = strconv.ParseFloat(v, 64)
		case k == "Maximum resident set size (kbytes)":
			r.RSS, _ = strconv.ParseInt(v, 10, 64)
		case k == "Exit status":
			r.Exit, _ = strconv.Atoi(v)
		case strings.HasPrefix(k, "Elapsed (wall clock) time"):
			r.Wall = parseClock(v)
		case strings.HasPrefix(line, "Command terminated by signal"):
			r.Err = line
		}
	}
	return r
}

// parseClock parses [h:]m:ss.ss.
func parseClock(s string) float64 {
	parts := strings.Split(s, ":")
	var t float64
	for _, p := range parts {
		v, _ := strconv.ParseFloat(p, 64)
		t = t*60 + v
	}
	return t
}

func tail(file string) string {
	b, _ := os.ReadFile(file)
	s := strings.TrimSpace(string(b))
	lines := strings.Split(s, "\n")
	s = lines[len(lines)-1]
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return strings.ReplaceAll(s, "|", "\\|")
}

// inspectNote says what opa's and conftest's counts are.
const inspectNote = "the rules' raw deny results over the rule input from `stackgate inspect` (no waivers or suppressions applied)"

// findings counts what the tool reports in its JSON output.
func findings(tool, out string) (string, string) {
	b, err := os.ReadFile(out)
	if err != nil {
		return "", ""
	}
	switch tool {
	case "stackgate":
		var v struct {
			Summary *struct {
				Findings int `json:"findings"`
			} `json:"summary"`
			Findings []any `json:"findings"`
		}
		if json.Unmarshal(b, &v) != nil {
			return "", ""
		}
		if v.Summary != nil {
			return strconv.Itoa(v.Summary.Findings), ""
		}
		return strconv.Itoa(len(v.Findings)), ""
	case "parsefloor":
		var files, bytes, failed int
		if _, err := fmt.Sscanf(string(b), "files %d bytes %d failed %d", &files, &bytes, &failed); err == nil {
			return "", fmt.Sprintf("%d files parsed, %d did not parse", files, failed)
		}
	case "opa":
		var v struct {
			Result []struct {
				Expressions []struct {
					Value any `json:"value"`
				} `json:"expressions"`
			} `json:"result"`
		}
		if json.Unmarshal(b, &v) == nil && len(v.Result) > 0 && len(v.Result[0].Expressions) > 0 {
			return fmt.Sprint(v.Result[0].Expressions[0].Value), inspectNote
		}
	case "conftest":
		var v []struct {
			Failures []any `json:"failures"`
		}
		if json.Unmarshal(b, &v) == nil {
			n := 0
			for _, f := range v {
				n += len(f.Failures)
			}
			return strconv.Itoa(n), inspectNote
		}
	case "trivy":
		var v struct {
			Results []struct {
				Misconfigurations []any `json:"Misconfigurations"`
			} `json:"Results"`
		}
		if json.Unmarshal(b, &v) == nil {
			n := 0
			for _, r := range v.Results {
				n += len(r.Misconfigurations)
			}
			return strconv.Itoa(n), ""
		}
	case "tfsec":
		var v struct {
			Results []any `json:"results"`
		}
		if json.Unmarshal(b, &v) == nil {
			return strconv.Itoa(len(v.Results)), ""
		}
	case "tflint":
		var v struct {
			Issues []any `json:"issues"`
			Errors []any `json:"errors"`
		}
		if json.Unmarshal(b, &v) == nil {
			note := "bundled terraform ruleset only (the AWS ruleset is a plugin downloaded from GitHub)"
			if len(v.Errors) > 0 {
				note += fmt.Sprintf("; %d errors", len(v.Errors))
			}
			return strconv.Itoa(len(v.Issues)), note
		}
	}
	return "", ""
}

// ---- statistics and the report ----

type stat struct{ med, min, max float64 }

func stats(xs []float64) stat {
	if len(xs) == 0 {
		return stat{}
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stat{med, s[0], s[len(s)-1]}
}

func (r *result) ok() []run {
	var out []run
	for _, x := range r.Runs {
		if x.Err == "" {
			out = append(out, x)
		}
	}
	return out
}

func (r *result) wall() stat {
	var xs []float64
	for _, x := range r.ok() {
		xs = append(xs, x.Wall)
	}
	return stats(xs)
}

func (r *result) cpu() stat {
	var xs []float64
	for _, x := range r.ok() {
		xs = append(xs, x.User+x.Sys)
	}
	return stats(xs)
}

func (r *result) rss() stat {
	var xs []float64
	for _, x := range r.ok() {
		xs = append(xs, float64(x.RSS)/1024)
	}
	return stats(xs)
}

func secs(s float64) string {
	switch {
	case s < 1:
		return fmt.Sprintf("%.0f ms", s*1000)
	case s < 10:
		return fmt.Sprintf("%.2f s", s)
	default:
		return fmt.Sprintf("%.1f s", s)
	}
}

func ratio(x float64) string {
	if x >= 10 {
		return fmt.Sprintf("%.0f×", x)
	}
	return fmt.Sprintf("%.1f×", x)
}
