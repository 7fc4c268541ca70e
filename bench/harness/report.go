package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

func find(results []*result, tool, in string) *result {
	for _, r := range results {
		if r.Tool == tool && r.Input == in {
			return r
		}
	}
	return nil
}

// medWall is the median wall time of tool on in, or 0 when it has none.
func medWall(results []*result, tool, in string) float64 {
	r := find(results, tool, in)
	if r == nil || len(r.ok()) == 0 {
		return 0
	}
	return r.wall().med
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func memTotal() string {
	b, _ := os.ReadFile("/proc/meminfo")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "MemTotal:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "MemTotal:")), "%d", &kb)
			return fmt.Sprintf("%.1f GiB", float64(kb)/1024/1024)
		}
	}
	return "unknown"
}

func writeResults(tools []tool, inputs []*input, results []*result, started time.Time) {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	goVersion := strings.TrimSpace(strings.TrimPrefix(string(mustOut("go", "version")), "go version "))
	rev := strings.TrimSpace(string(mustOut("git", "describe", "--tags", "--always", "--dirty")))

	p("# stackgate peer benchmark: results\n\n")
	p("Written by `scripts/bench-peers.sh` (bench/harness); do not edit by hand, run it again. ")
	p("What the columns mean and how the targets are judged: [README.md](README.md).\n\n")
	p("- date: %s (run took %s)\n", started.UTC().Format("2006-01-02 15:04 UTC"), time.Since(started).Round(time.Second))
	p("- command: `%s`\n", strings.TrimSpace(*flagCommand))
	p("- machine: %d cores (nproc), %s, %s memory, %s/%s\n", runtime.NumCPU(), cpuModel(), memTotal(), runtime.GOOS, runtime.GOARCH)
	p("- Go: %s; stackgate %s (tree %s)\n", goVersion, toolVersion(tools, "stackgate"), rev)
	p("- load average (1, 5, 15 min) at the start: %s; at the end: %s (on a busy machine wall times exceed CPU times; compare the CPU ratios then)\n", loadStart, loadAvg())
	p("- rounds: %d, interleaved (a tool whose first run on an input took over %s ran once there); timings by `/usr/bin/time -v` of the whole process\n\n", *flagRounds, *flagSlow)

	p("## Tools\n\n| tool | version | how it runs |\n|---|---|---|\n")
	how := map[string]string{
		"stackgate":  "`stackgate scan DIR --format json` / `stackgate plan FILE --format json`",
		"parsefloor": "parse floor: reads and parses every input file once, all cores (hcl/v2, yaml/v3, encoding/json)",
		"startfloor": "start-up floor (version only): a Go program that links OPA's rego package, as every stackgate command must, and prints a version",
		"opa":        "`opa eval` of stackgate's own Rego rules over the rule input stackgate builds (`stackgate inspect`), every document in one process",
		"conftest":   "`conftest test` of stackgate's own Rego rules over the same rule input, one JSON file per template/root module",
		"trivy":      "`trivy config` with its embedded checks, offline (`--skip-check-update`)",
		"tfsec":      "`tfsec DIR` (Terraform only)",
		"tflint":     "`tflint --recursive` (Terraform only; bundled terraform ruleset)",
	}
	for _, t := range tools {
		v := t.Version
		if t.Unavailable != "" {
			v += " — **not available: " + t.Unavailable + "**"
		}
		p("| %s | %s | %s |\n", t.Name, v, how[t.Name])
	}

	p("\n## Inputs\n\n| input | what | files | bytes | rule input documents | resources (model) |\n|---|---|---:|---:|---:|---:|\n")
	for _, in := range inputs {
		if in.Kind == "none" {
			p("| %s | %s | | | | |\n", in.Name, in.Desc)
			continue
		}
		res, units := "", ""
		if in.Units > 0 {
			res, units = fmt.Sprint(in.Res), fmt.Sprint(in.Units)
		}
		p("| %s | %s | %d | %d | %s | %s |\n", in.Name, in.Desc, in.Files, in.Bytes, units, res)
	}

	writeTargets(&b, inputs, results)

	p("\n## Results per input\n\n")
	p("Wall and CPU (user+sys) time: median (min–max) over the rounds; peak RSS: median. ")
	p("*stackgate vs* is this tool's median wall time divided by stackgate's (in brackets the same for CPU time): above 1× stackgate is that many times faster; ")
	p("for the parse floor it is stackgate's time over the floor's (how far stackgate is from only parsing).\n")
	for _, in := range inputs {
		p("\n### %s\n\n%s\n\n", in.Name, in.Desc)
		p("| tool | wall | CPU | peak RSS | findings | runs | stackgate vs | note |\n|---|---:|---:|---:|---:|---:|---:|---|\n")
		sg := medWall(results, "stackgate", in.Name)
		for _, r := range results {
			if r.Input != in.Name {
				continue
			}
			// The start-up floor runs on the version input only, and
			// nothing else does.
			if r.Tool != "stackgate" && (in.Kind == "none") != (r.Tool == "startfloor") {
				continue
			}
			if r.Skip != "" {
				p("| %s | | | | | | | %s |\n", r.Tool, r.Skip)
				continue
			}
			ok := r.ok()
			if len(ok) == 0 {
				errText := "no run"
				if len(r.Runs) > 0 {
					errText = r.Runs[0].Err
				}
				p("| %s | | | | | 0 | | failed: %s |\n", r.Tool, errText)
				continue
			}
			w, c, m := r.wall(), r.cpu(), r.rss()
			vs := ""
			sgc := 0.0
			if s := find(results, "stackgate", in.Name); s != nil && len(s.ok()) > 0 {
				sgc = s.cpu().med
			}
			cpuRatio := func(x float64) string {
				if x <= 0 || sgc <= 0 || x > 1e6 {
					return ""
				}
				return " (CPU " + ratio(x) + ")"
			}
			switch {
			case r.Tool == "stackgate":
				vs = "1×"
			case sg > 0 && (r.Tool == "parsefloor" || r.Tool == "startfloor"):
				vs = "stackgate " + ratio(sg/w.med) + " the floor" + cpuRatio(sgc/c.med)
			case sg > 0:
				vs = ratio(w.med/sg) + cpuRatio(c.med/sgc)
			}
			note := r.Note
			if len(ok) < len(r.Runs) {
				note = strings.TrimPrefix(note+fmt.Sprintf("; %d runs failed: %s", len(r.Runs)-len(ok), firstErr(r)), "; ")
			}
			p("| %s | %s (%s–%s) | %s | %.0f MiB | %s | %d | %s | %s |\n", r.Tool, secs(w.med), secs(w.min), secs(w.max), secs(c.med), m.med, r.Findings, len(ok), vs, note)
		}
	}

	writeScaling(&b, inputs, results)
	must(os.WriteFile(*flagOut, []byte(b.String()), 0o644))
	fmt.Fprintf(os.Stderr, "harness: wrote %s\n", *flagOut)
}

func firstErr(r *result) string {
	for _, x := range r.Runs {
		if x.Err != "" {
			return x.Err
		}
	}
	return ""
}

func toolVersion(tools []tool, name string) string {
	for _, t := range tools {
		if t.Name == name {
			return t.Version
		}
	}
	return ""
}

func mustOut(name string, args ...string) []byte {
	out, _ := exec.Command(name, args...).Output()
	return out
}

func inputByName(inputs []*input, name string) *input {
	for _, in := range inputs {
		if in.Name == name {
			return in
		}
	}
	return nil
}

// writeTargets judges the targets of the performance issue.
func writeTargets(b *strings.Builder, inputs []*input, results []*result) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("\n## Targets\n\n| target | measured | verdict |\n|---|---|---|\n")
	row := func(target, measured string, met bool, known bool) {
		v := "**missed**"
		switch {
		case !known:
			v = "not measured"
		case met:
			v = "met"
		}
		p("| %s | %s | %s |\n", target, measured, v)
	}
	faster := func(in, peer string, want float64, target string) {
		sg, pw := medWall(results, "stackgate", in), medWall(results, peer, in)
		if inputByName(inputs, in) == nil || sg == 0 || pw == 0 {
			why := "no run"
			if inputByName(inputs, in) == nil {
				why = "no input " + in + " (BENCH_CORPUS not given)"
			} else if r := find(results, peer, in); r != nil && r.Skip != "" {
				why = r.Skip
			} else if r != nil && len(r.Runs) > 0 {
				why = firstErr(r)
			}
			row(target, why, false, false)
			return
		}
		row(target, fmt.Sprintf("%s: %s vs %s: %s faster", in, secs(sg), secs(pw), ratio(pw/sg)), pw/sg >= want, true)
	}
	floor := func(in string, want float64, target string) {
		sg, fl := medWall(results, "stackgate", in), medWall(results, "parsefloor", in)
		if sg == 0 || fl == 0 {
			row(target, "no input "+in, false, false)
			return
		}
		row(target, fmt.Sprintf("%s: %s vs floor %s: %s the floor", in, secs(sg), secs(fl), ratio(sg/fl)), sg/fl <= want, true)
	}
	faster("corpus-tf", "trivy", 50, "real Terraform corpus: ≥ 50× faster than trivy config")
	faster("corpus-tf", "tfsec", 3, "real Terraform corpus: ≥ 3× faster than tfsec")
	floor("corpus-tf", 3, "real Terraform corpus: within 3× of the parse floor")
	faster("corpus-cfn", "trivy", 50, "real CloudFormation corpus: ≥ 50× faster than trivy config")
	floor("corpus-cfn", 3, "real CloudFormation corpus: within 3× of the parse floor")
	// conftest: the same rules on every scanned input; the worst ratio counts.
	worst, where, known := 0.0, "", false
	var all []string
	for _, in := range inputs {
		sg, cw := medWall(results, "stackgate", in.Name), medWall(results, "conftest", in.Name)
		if sg == 0 || cw == 0 {
			continue
		}
		all = append(all, fmt.Sprintf("%s %s", in.Name, ratio(cw/sg)))
		if !known || cw/sg < worst {
			worst, where, known = cw/sg, in.Name, true
		}
	}
	row("≥ 3× faster than conftest running the same rules (every input; the worst counts)",
		fmt.Sprintf("worst %s on %s (%s)", ratio(worst), where, strings.Join(all, ", ")), worst >= 3, known)
	for _, k := range []string{"tf", "cfn"} {
		lo, hi := inputByName(inputs, k+"-1x"), inputByName(inputs, k+"-100x")
		if lo == nil || hi == nil || lo.Res == 0 || hi.Res == 0 {
			row(fmt.Sprintf("%s: time per resource flat from 1× to 100×", k), "no 1× and 100× inputs", false, false)
			continue
		}
		a, z := medWall(results, "stackgate", lo.Name)/float64(lo.Res), medWall(results, "stackgate", hi.Name)/float64(hi.Res)
		row(fmt.Sprintf("%s: time per resource flat from 1× to 100× (100× at most 1.5× the 1× figure)", k),
			fmt.Sprintf("%.3f ms → %.3f ms per resource (%.2f×)", a*1000, z*1000, z/a), a > 0 && z <= 1.5*a, a > 0 && z > 0)
	}
	rss := func(in string, limit float64, target string) {
		r := find(results, "stackgate", in)
		if r == nil || len(r.ok()) == 0 {
			row(target, "no input "+in, false, false)
			return
		}
		m := r.rss().med
		row(target, fmt.Sprintf("%s: %.0f MiB", in, m), m <= limit, true)
	}
	rss("corpus-tf", 100, "peak RSS ≤ 100 MiB on the real Terraform corpus")
	rss("corpus-cfn", 100, "peak RSS ≤ 100 MiB on the real CloudFormation corpus")
	rss("tf-100x", 300, "peak RSS ≤ 300 MiB at 100× (Terraform)")
	rss("cfn-100x", 300, "peak RSS ≤ 300 MiB at 100× (CloudFormation)")
	if w := medWall(results, "stackgate", "plan-20k"); w > 0 {
		row("`stackgate plan` on the 20k plan under 2 s", secs(w), w < 2, true)
	} else {
		row("`stackgate plan` on the 20k plan under 2 s", "no run", false, false)
	}
	if w := medWall(results, "stackgate", "version"); w > 0 {
		got := secs(w)
		if fl := medWall(results, "startfloor", "version"); fl > 0 {
			got += fmt.Sprintf(" (start-up floor %s: %s the floor)", secs(fl), ratio(w/fl))
		}
		row("`stackgate version` under 20 ms", got, w < 0.020, true)
	} else {
		row("`stackgate version` under 20 ms", "no run", false, false)
	}
}

// writeScaling shows time and memory per resource across the sizes.
func writeScaling(b *strings.Builder, inputs []*input, results []*result) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("\n## Scaling\n\nMedian wall time and peak RSS of stackgate (and, for comparison, the peers' wall time) per resource of stackgate's model, from 1× to 100×.\n\n")
	p("| input | resources | stackgate wall | per resource | peak RSS | RSS per resource | parse floor per resource | trivy per resource | conftest per resource |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	per := func(tool string, in *input) string {
		w := medWall(results, tool, in.Name)
		if w == 0 || in.Res == 0 {
			return ""
		}
		return fmt.Sprintf("%.3f ms", w/float64(in.Res)*1000)
	}
	for _, in := range inputs {
		if in.Scale == 0 || in.Res == 0 {
			continue
		}
		r := find(results, "stackgate", in.Name)
		if r == nil || len(r.ok()) == 0 {
			continue
		}
		w, m := r.wall().med, r.rss().med
		p("| %s | %d | %s | %.3f ms | %.0f MiB | %.1f KiB | %s | %s | %s |\n", in.Name, in.Res, secs(w), w/float64(in.Res)*1000, m, m*1024/float64(in.Res),
			per("parsefloor", in), per("trivy", in), per("conftest", in))
	}
	for _, in := range inputs {
		if in.Kind != "plan" {
			continue
		}
		r := find(results, "stackgate", in.Name)
		if r == nil || len(r.ok()) == 0 {
			continue
		}
		w, m := r.wall().med, r.rss().med
		p("| %s | %d changes | %s | %.3f ms | %.0f MiB | %.1f KiB | %s | %s | |\n", in.Name, in.Res, secs(w), w/float64(in.Res)*1000, m, m*1024/float64(in.Res),
			per("parsefloor", in), per("trivy", in))
	}
}
