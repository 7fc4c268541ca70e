package model

import (
	"fmt"
	"strings"
)

// Error is a problem with an input (template, config, plan) that stops it
// from being checked: a parse failure, an invalid value, hostile input.
// It always names the file and, where known, the line and column.
type Error struct {
	File    string
	Line    int
	Column  int
	Message string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errorf builds an *Error.
func Errorf(file string, line, col int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Column: col, Message: fmt.Sprintf(format, args...)}
}
