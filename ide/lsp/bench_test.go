package lsp

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// module2000 is a Terraform module of about 2,000 lines: KMS keys, S3
// buckets with their companion resources and launch templates, some
// compliant, some not.
func module2000() string {
	var b strings.Builder
	b.WriteString("variable \"environment\" {\n  type    = string\n  default = \"dev\"\n}\n\n")
	for i := 0; strings.Count(b.String(), "\n") < 2000; i++ {
		fmt.Fprintf(&b, `resource "aws_kms_key" "key_%[1]d" {
  description         = "key %[1]d"
  enable_key_rotation = %[2]t
}

resource "aws_s3_bucket" "bucket_%[1]d" {
  bucket = "bucket-%[1]d-${var.environment}"
  tags = {
    data-classification = "internal"
  }
}

resource "aws_s3_bucket_public_access_block" "bucket_%[1]d" {
  bucket                  = aws_s3_bucket.bucket_%[1]d.id
  block_public_acls       = true
  block_public_policy     = %[2]t
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_launch_template" "lt_%[1]d" {
  image_id      = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "optional"
  }
}

`, i, i%2 == 0)
	}
	return b.String()
}

func rssKiB(field string) int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			var n int
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &n)
			return n
		}
	}
	return 0
}

// BenchmarkTyping replays typing into a 2,000-line Terraform module, one
// keystroke per didChange (500 edits), and reports the didChange →
// publishDiagnostics latency (p50, p99; debounce excluded: set to 1 ms) and
// the process's heap and RSS after the run, and its CPU time per edit.
// Run on one core with
//
//	go test ./ide/lsp -run '^$' -bench Typing -benchtime 1x -cpu 1
var benchEdits = 500

func BenchmarkTyping(b *testing.B) {
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "stackgate.yaml"), []byte("version: 1\ndefault_environment: dev\nenvironments:\n  dev:\n    enforcement: block\n"), 0o644)
	src := module2000()
	path := filepath.Join(dir, "main.tf")
	os.WriteFile(path, []byte(src), 0o644)
	defer TuneGC()() // as stackgate lsp runs
	c := startServer(b, Options{Debounce: time.Millisecond})
	c.keepLast = true
	c.initialize(dir)
	uri := c.open(path, "terraform", src)
	first := c.waitDiags(uri, 1)
	if len(first.Diagnostics) == 0 {
		b.Fatal("no diagnostics")
	}
	// Type into the description of a key in the middle of the module.
	t := newText([]byte(src))
	off := strings.Index(src, `"key 40"`) + len(`"key 40`)
	pos := t.position(off)
	var lat []time.Duration
	version := 1
	cpu0 := cpuTime()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for i := 0; i < benchEdits; i++ {
			version++
			ch := "abcdefghijklmnopqrstuvwxyz"[i%26 : i%26+1]
			start := time.Now()
			c.change(uri, version, []protocol.TextEdit{{Range: protocol.Range{Start: pos, End: pos}, NewText: ch}})
			p := c.waitDiags(uri, version)
			lat = append(lat, time.Since(start))
			if len(p.Diagnostics) != len(first.Diagnostics) {
				b.Fatalf("version %d: %d diagnostics, want %d", version, len(p.Diagnostics), len(first.Diagnostics))
			}
			pos.Character++
		}
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	// The process's CPU time per edit (server, collector and the test
	// client): unlike latency, it barely moves when other processes
	// share the machine.
	b.ReportMetric(ms(cpu)/float64(len(lat)), "cpu-ms/edit")
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(rssKiB("VmRSS"))/1024, "rss-MiB")
	b.ReportMetric(float64(rssKiB("VmHWM"))/1024, "peak-rss-MiB")
	b.Logf("%d lines, %d diagnostics, %d edits", len(t.lines), len(first.Diagnostics), len(lat))
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
