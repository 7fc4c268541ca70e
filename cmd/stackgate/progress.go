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
	mode    string
	on      bool
	total   int
	last    time.Time
	printed bool
	tty     bool
}

// newProgress returns a progress line that turns itself on when the
// first update tells the total.
func newProgress(w io.Writer, mode string) *progress {
	p := &progress{w: w, mode: mode}
	if f, ok := w.(*os.File); ok {
		p.tty = isatty.IsTerminal(f.Fd())
	}
	return p
}

func (p *progress) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.total == 0 {
		p.total = total
		p.on = p.mode == "always" || (p.mode == "auto" && p.tty && total >= 20)
	}
	if !p.on {
		return
	}
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
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.printed && p.tty:
		fmt.Fprint(p.w, "\r\033[K")
	case p.printed:
		fmt.Fprintln(p.w)
	}
}
