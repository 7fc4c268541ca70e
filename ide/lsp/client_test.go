package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// pipeRWC is the server's end of two pipes.
type pipeRWC struct {
	io.Reader
	io.Writer
	closers []io.Closer
}

func (p pipeRWC) Close() error {
	for _, c := range p.closers {
		c.Close()
	}
	return nil
}

// client drives a server as an editor would, over io.Pipe pairs.
type client struct {
	t    testing.TB
	w    io.WriteCloser
	wmu  sync.Mutex
	mu   sync.Mutex
	next int
	resp map[int]chan rpcMsg
	pubs map[protocol.DocumentURI][]protocol.PublishDiagnosticsParams
	null []rpcMsg // responses with id null
	cond *sync.Cond
	done chan error
	// keepLast keeps only the newest publication per document (benchmarks).
	keepLast bool
}

type rpcMsg struct {
	ID     *json.RawMessage `json:"id,omitempty"`
	Method string           `json:"method,omitempty"`
	Params json.RawMessage  `json:"params,omitempty"`
	Result json.RawMessage  `json:"result,omitempty"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

func startServer(t testing.TB, opts Options) *client {
	t.Helper()
	cr, sw := io.Pipe() // server → client
	sr, cw := io.Pipe() // client → server
	c := &client{t: t, w: cw, resp: map[int]chan rpcMsg{}, pubs: map[protocol.DocumentURI][]protocol.PublishDiagnosticsParams{}, done: make(chan error, 1)}
	c.cond = sync.NewCond(&c.mu)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { c.done <- Serve(ctx, pipeRWC{sr, sw, []io.Closer{sr, sw}}, opts) }()
	go c.readLoop(bufio.NewReader(cr))
	t.Cleanup(func() {
		cancel()
		cw.Close()
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			t.Error("server did not stop")
		}
	})
	return c
}

func (c *client) readLoop(r *bufio.Reader) {
	for {
		length := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				length, _ = strconv.Atoi(v)
			}
		}
		buf := make([]byte, length)
		if _, err := io.ReadFull(r, buf); err != nil {
			return
		}
		var m rpcMsg
		if err := json.Unmarshal(buf, &m); err != nil {
			c.t.Errorf("server sent invalid JSON: %v: %s", err, buf)
			continue
		}
		switch {
		case m.Method == protocol.MethodTextDocumentPublishDiagnostics:
			var p protocol.PublishDiagnosticsParams
			json.Unmarshal(m.Params, &p)
			c.mu.Lock()
			if c.keepLast {
				c.pubs[p.URI] = c.pubs[p.URI][:0:0]
			}
			c.pubs[p.URI] = append(c.pubs[p.URI], p)
			c.cond.Broadcast()
			c.mu.Unlock()
		case m.Method != "" && m.ID != nil: // a request of the server
			go c.send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": nil})
		case m.Method == "":
			c.mu.Lock()
			if m.ID == nil || string(*m.ID) == "null" {
				c.null = append(c.null, m)
				c.cond.Broadcast()
			} else {
				id, _ := strconv.Atoi(string(*m.ID))
				if ch := c.resp[id]; ch != nil {
					ch <- m
				}
			}
			c.mu.Unlock()
		}
	}
}

func (c *client) send(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.raw(b)
}

func (c *client) raw(b []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n", len(b))
	c.w.Write(b)
}

func (c *client) notify(method string, params any) {
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// start sends a request and returns its id and the channel of its response.
func (c *client) start(method string, params any) (int, chan rpcMsg) {
	c.mu.Lock()
	c.next++
	id := c.next
	ch := make(chan rpcMsg, 1)
	c.resp[id] = ch
	c.mu.Unlock()
	c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	return id, ch
}

func (c *client) call(method string, params, result any) *rpcMsg {
	c.t.Helper()
	_, ch := c.start(method, params)
	select {
	case m := <-ch:
		if m.Error == nil && result != nil {
			if err := json.Unmarshal(m.Result, result); err != nil {
				c.t.Fatalf("%s: %v", method, err)
			}
		}
		return &m
	case <-time.After(20 * time.Second):
		c.t.Fatalf("%s: no response", method)
	}
	return nil
}

func (c *client) initialize(root string) {
	c.t.Helper()
	var res protocol.InitializeResult
	c.call(protocol.MethodInitialize, map[string]any{
		"processId": nil, "rootUri": string(pathURI(root)),
		"capabilities": map[string]any{"workspace": map[string]any{"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true}}},
	}, &res)
	c.notify(protocol.MethodInitialized, map[string]any{})
}

// waitDiags waits for the diagnostics of uri at version (any version
// when version < 0).
func (c *client) waitDiags(uri protocol.DocumentURI, version int) protocol.PublishDiagnosticsParams {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	timer := time.AfterFunc(30*time.Second, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for _, p := range c.pubs[uri] {
			if version < 0 || int(p.Version) == version {
				return p
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no diagnostics for %s version %d (got %d publications)", uri, version, len(c.pubs[uri]))
		}
		c.cond.Wait()
	}
}

func (c *client) publications(uri protocol.DocumentURI) []protocol.PublishDiagnosticsParams {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]protocol.PublishDiagnosticsParams(nil), c.pubs[uri]...)
}

func (c *client) open(path, lang, text string) protocol.DocumentURI {
	uri := pathURI(path)
	c.notify(protocol.MethodTextDocumentDidOpen, map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": lang, "version": 1, "text": text}})
	return uri
}

func (c *client) change(uri protocol.DocumentURI, version int, edits []protocol.TextEdit) {
	changes := make([]map[string]any, len(edits))
	for i, e := range edits {
		changes[i] = map[string]any{"range": e.Range, "text": e.NewText}
	}
	c.notify(protocol.MethodTextDocumentDidChange, map[string]any{"textDocument": map[string]any{"uri": uri, "version": version}, "contentChanges": changes})
}

// applyEdits applies non-overlapping edits to src, as an editor does.
func applyEdits(src string, edits []protocol.TextEdit) string {
	t := newText([]byte(src))
	type e struct {
		a, b int
		s    string
	}
	var es []e
	for _, x := range edits {
		es = append(es, e{t.offset(x.Range.Start), t.offset(x.Range.End), x.NewText})
	}
	// last first
	for i := range es {
		for j := i + 1; j < len(es); j++ {
			if es[j].a > es[i].a {
				es[i], es[j] = es[j], es[i]
			}
		}
	}
	out := src
	for _, x := range es {
		out = out[:x.a] + x.s + out[x.b:]
	}
	return out
}
