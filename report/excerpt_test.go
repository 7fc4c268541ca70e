package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stackgate/stackgate/policies/model"
)

func TestExcerpt(t *testing.T) {
	src := strings.Join([]string{
		"Resources:",                 // 1
		"  Bucket:",                  // 2
		"    Type: AWS::S3::Bucket",  // 3
		"    Properties:",            // 4
		"\tName:\tlogs",              // 5 tabs
		"    Tags:",                  // 6
		"      - Key: team",          // 7
		"        Value: data",        // 8
		"      - Key: env",           // 9
		"        Value: prod",        // 10
		"      - Key: cost",          // 11
		"        Value: \x1b[2Jboom", // 12 hostile
		"",                           // 13
	}, "\r\n") // CRLF line endings are not shown
	tests := []struct {
		name                       string
		line, col, endLine, endCol int
		width                      int
		want                       string
	}{
		{"one line", 3, 11, 3, 26, 160, `
 1 | Resources:
 2 |   Bucket:
 3 |     Type: AWS::S3::Bucket
   |           ^~~~~~~~~~~~~~~
 4 |     Properties:
`},
		{"first line has less context", 1, 1, 1, 11, 160, `
 1 | Resources:
   | ^~~~~~~~~~
 2 |   Bucket:
`},
		{"tabs expand to stops of four", 5, 8, 5, 12, 160, `
 3 |     Type: AWS::S3::Bucket
 4 |     Properties:
 5 |     Name:   logs
   |             ^~~~
 6 |     Tags:
`},
		{"no end marks one column", 4, 5, 0, 0, 160, `
 2 |   Bucket:
 3 |     Type: AWS::S3::Bucket
 4 |     Properties:
   |     ^
 5 |     Name:   logs
`},
		{"multi-line range marks first and last line", 6, 5, 8, 20, 160, `
 4 |     Properties:
 5 |     Name:   logs
 6 |     Tags:
   |     ^~~~~
 7 |       - Key: team
 8 |         Value: data
   |         ~~~~~~~~~~~
 9 |       - Key: env
`},
		{"range ending at column 1 ends on the line before", 6, 5, 8, 1, 160, `
 4 |     Properties:
 5 |     Name:   logs
 6 |     Tags:
   |     ^~~~~
 7 |       - Key: team
   |       ~~~~~~~~~~~
 8 |         Value: data
`},
		{"long range is elided", 2, 3, 11, 18, 160, `
 1 | Resources:
 2 |   Bucket:
   |   ^~~~~~~
 3 |     Type: AWS::S3::Bucket
 4 |     Properties:
   | ...
 9 |       - Key: env
10 |         Value: prod
11 |       - Key: cost
   |       ~~~~~~~~~~~
12 |         Value: ?[2Jboom
`},
		{"control characters are neutralised", 12, 16, 12, 24, 160, `
10 |         Value: prod
11 |       - Key: cost
12 |         Value: ?[2Jboom
   |                ^~~~~~~~
`},
		{"narrow width cuts around the marker", 3, 11, 3, 26, 12, `
 1 | …es:
 2 | …t:
 3 | …e: AWS::S3…
   |     ^~~~~~~~
 4 | …perties:
`},
		{"line past the end of the file", 40, 1, 40, 2, 160, ""},
		{"no line", 0, 0, 0, 0, 160, ""},
	}
	lines := splitLines([]byte(src))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &model.Finding{Line: tt.line, Column: tt.col, EndLine: tt.endLine, EndColumn: tt.endCol}
			var buf bytes.Buffer
			writeExcerpt(&buf, style{}, buildExcerpt(lines, f, tt.width), "", "")
			got := buf.String()
			want := strings.TrimPrefix(tt.want, "\n")
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestLongLineExcerpt checks that a long line (a plan written by terraform
// show -json is one) gives the excerpt the general path gives, without
// the general path's cost: cases at the start, middle and end of the
// line, past its end, over several lines, with multi-byte text, and with
// a width wider than the line.
func TestLongLineExcerpt(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"resource_changes":[`)
	for i := 0; b.Len() < 3*longLine; i++ {
		fmt.Fprintf(&b, `{"address":"aws_s3_bucket.b%d","name":"bücket-%d ✓"},`, i, i)
	}
	b.WriteString(`{}]}`)
	long := b.String()
	src := "  header line\n" + long + "\n\tlast line with a tab\n"
	n := utf8.RuneCountInString(long)
	tests := []struct {
		name                          string
		line, col, endLine, endCol, w int
	}{
		{"start", 2, 1, 2, 5, 120},
		{"middle", 2, n / 2, 2, n/2 + 20, 120},
		{"end", 2, n - 3, 2, n + 1, 120},
		{"past the end", 2, n + 10, 2, n + 12, 120},
		{"point", 2, 5000, 0, 0, 80},
		{"from the line above", 1, 3, 2, 40, 120},
		{"into the line below", 2, n - 10, 3, 6, 120},
		{"whole line", 2, 1, 3, 1, 120},
		{"wider than the line", 2, 100, 2, 120, 1 << 22},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &model.Finding{Line: tt.line, Column: tt.col, EndLine: tt.endLine, EndColumn: tt.endCol}
			fast := splitLines([]byte(src))
			if fast.index(1) == nil {
				t.Fatal("the long line has no index: the test does not take the long path")
			}
			general := splitLines([]byte(src))
			general.long = map[int]*runeIndex{1: nil} // no index: the general path
			var got, want bytes.Buffer
			writeExcerpt(&got, style{}, buildExcerpt(fast, f, tt.w), "", "")
			writeExcerpt(&want, style{}, buildExcerpt(general, f, tt.w), "", "")
			if got.String() != want.String() {
				t.Errorf("long path:\n%.2000s\ngeneral path:\n%.2000s", got.String(), want.String())
			}
			if got.Len() == 0 {
				t.Error("no excerpt")
			}
		})
	}
}

// BenchmarkLongLineExcerpt is one excerpt on a 35 MB one-line plan.
func BenchmarkLongLineExcerpt(b *testing.B) {
	line := strings.Repeat(`{"address":"aws_s3_bucket.b","x":1},`, 1<<20)
	src := splitLines([]byte(line))
	f := &model.Finding{Line: 1, Column: len(line) / 2, EndLine: 1, EndColumn: len(line)/2 + 10}
	for b.Loop() {
		buildExcerpt(src, f, 120)
	}
}
