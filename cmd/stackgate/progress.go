package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
)

// progress prints "scanning n/total files" on stderr, redrawn in place, when
// stderr is a terminal and the scan is big enough to be worth it. It never
// writes to stdout, so piped reports stay clean.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	on      bool
	total   int
	last    time.Time
	printed bool
	tty     bool
}

func newProgress(w io.Writer, mode string, total int) *progress {
	p := &progress{w: w, total: total}
	if f, ok := w.(*os.File); ok {
		p.tty = isatty.IsTerminal(f.Fd())
	}
	switch mode {
	case "always":
		p.on = true
	case "auto":
		p.on = p.tty && total >= 20
	}
	return p
}

func (p *progress) update(done, total int) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); done == total || now.Sub(p.last) > 100*time.Millisecond {
		p.last = now
		if p.tty {
			fmt.Fprintf(p.w, "\rscanning %d/%d files", done, total)
		} else if done == total {
			fmt.Fprintf(p.w, "scanned %d files", total)
		}
		p.printed = true
	}
}

func (p *progress) done() {
	switch {
	case p.printed && p.tty:
		fmt.Fprint(p.w, "\r\033[K")
	case p.printed:
		fmt.Fprintln(p.w)
	}
}
