package report

import (
	"bytes"
	"strings"
	"testing"

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
