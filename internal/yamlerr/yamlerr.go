// Package yamlerr turns the YAML library's syntax errors into a line number
// and a message, the same way for every stackgate file format.
package yamlerr

import (
	"regexp"
	"strconv"
	"strings"
)

var lineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are the errors raised by the YAML parser (as opposed to
// its scanner). For these the library reports the 0-based line of the
// enclosing construct, one less than its real line; scanner errors are
// already 1-based.
var parserProblems = map[string]bool{
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// Position returns the 1-based line (0 when the error names none) and the
// message of a YAML syntax error.
func Position(err error) (line int, msg string) {
	text := err.Error()
	m := lineRe.FindStringSubmatch(text)
	if m == nil {
		return 0, strings.TrimPrefix(text, "yaml: ")
	}
	line, _ = strconv.Atoi(m[1])
	if parserProblems[m[2]] {
		line++
	}
	return line, m[2]
}
