package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/stackgate/stackgate/config"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/workspace"
)

// Options configure a server.
type Options struct {
	// ConfigFile is the stackgate.yaml to use for every file (default:
	// found by walking up from each file).
	ConfigFile string
	// Env evaluates every file in this environment (default: chosen
	// from the file's path by stackgate.yaml).
	Env string
	// Debounce is how long the server waits after an edit before it
	// evaluates the buffer (default 150 ms).
	Debounce time.Duration
	// Version is reported in serverInfo.
	Version string
	// Log receives the server's own log lines (default: discarded).
	Log io.Writer
}

// Server is one language server session.
type Server struct {
	opts   Options
	conn   jsonrpc2.Conn
	ctx    context.Context
	logger *log.Logger

	mu        sync.Mutex
	root      string // the editor's workspace folder, if any
	docs      map[protocol.DocumentURI]*document
	spaces    map[string]*space
	cfgDiags  map[protocol.DocumentURI]bool // files holding configuration diagnostics
	watch     bool                          // client can register file watchers
	shutdown  bool
	evalCount int
}

// space is an opened configuration (or its error).
type space struct {
	ws  *workspace.Workspace
	err error
}

// Serve runs a server on rwc (stdin/stdout of `stackgate lsp`) until the
// connection ends or ctx is cancelled.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	s := newServer(opts)
	conn := jsonrpc2.NewConn(newStream(rwc))
	s.conn = conn
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.ctx = ctx
	conn.Go(ctx, protocol.CancelHandler(jsonrpc2.AsyncHandler(jsonrpc2.ReplyHandler(s.handle))))
	select {
	case <-ctx.Done():
		conn.Close()
		<-conn.Done()
	case <-conn.Done():
	}
	s.stopAll()
	if err := conn.Err(); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrClosedPipe) && ctx.Err() == nil {
		return err
	}
	return nil
}

func newServer(opts Options) *Server {
	if opts.Debounce <= 0 {
		opts.Debounce = 150 * time.Millisecond
	}
	w := opts.Log
	if w == nil {
		w = io.Discard
	}
	return &Server{
		opts:     opts,
		logger:   log.New(w, "stackgate lsp: ", log.LstdFlags|log.Lmicroseconds),
		docs:     map[protocol.DocumentURI]*document{},
		spaces:   map[string]*space{},
		cfgDiags: map[protocol.DocumentURI]bool{},
	}
}

func (s *Server) stopAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.docs {
		d.stop()
	}
}

// handle dispatches one request or notification. Every request is
// answered; a panic in a handler becomes an internal error, not a crash.
func (s *Server) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) (err error) {
	replied := false
	once := func(ctx context.Context, result any, err error) error {
		if replied {
			return nil
		}
		replied = true
		return reply(ctx, result, err)
	}
	defer func() {
		if r := recover(); r != nil {
			s.logger.Printf("panic in %s: %v\n%s", req.Method(), r, debug.Stack())
			err = once(ctx, nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", req.Method(), r))
		}
	}()
	_, isCall := req.(*jsonrpc2.Call)
	s.mu.Lock()
	down := s.shutdown
	s.mu.Unlock()
	if down && isCall && req.Method() != protocol.MethodShutdown {
		return once(ctx, nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "server is shut down"))
	}
	result, herr := s.dispatch(ctx, req)
	if herr == errUnknown {
		if !isCall {
			return once(ctx, nil, nil) // unknown notifications are ignored
		}
		herr = jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s", req.Method())
	}
	return once(ctx, result, herr)
}

var errUnknown = errors.New("unknown method")

func decode(req jsonrpc2.Request, v any) error {
	if err := json.Unmarshal(req.Params(), v); err != nil {
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: invalid params: %v", req.Method(), err)
	}
	return nil
}

func (s *Server) dispatch(ctx context.Context, req jsonrpc2.Request) (any, error) {
	switch req.Method() {
	case protocol.MethodInitialize:
		var p protocol.InitializeParams
		if err := decode(req, &p); err != nil {
			return nil, err
		}
		return s.initialize(p), nil
	case protocol.MethodInitialized:
		s.initialized()
		return nil, nil
	case protocol.MethodShutdown:
		s.mu.Lock()
		s.shutdown = true
		s.mu.Unlock()
		s.stopAll()
		return nil, nil
	case protocol.MethodExit:
		go s.conn.Close()
		return nil, nil
	case protocol.MethodTextDocumentDidOpen:
		var p protocol.DidOpenTextDocumentParams
		if err := decode(req, &p); err != nil {
			return nil, err
		}
		s.didOpen(p)
		return nil, nil
	case protocol.MethodTextDocumentDidChange:
		var p didChangeParams
		if err := decode(req, &p); err != nil {
			return nil, err
		}
		s.didChange(p)
		return nil, nil
	case protocol.MethodTextDocumentDidSave:
		var p protocol.DidSaveTextDocumentParams
		if err := decode(req, &p); err != nil {
			return nil, err
		}
		s.didSave(p)
		return nil, nil
	case protocol.MethodTextDocumentDidClose:
		var p protocol.DidCloseTextDocumentParams
		if err := decode(req, &p); err != nil {
			return nil, err
		}
		s.didClose(p)
		return nil, nil
	case protocol.MethodWorkspaceDidChangeWatchedFiles:
		s.configChanged()
		return nil, nil
	case protocol.MethodTextDocumentHover:
		var p protocol.HoverParams
		if err := decode(req, &p); err != nil {
			return nil, err
		}
		return s.hover(p), nil
	case protocol.MethodTextDocumentCodeAction:
		var p protocol.CodeActionParams
		if err := decode(req, &p); err != nil {
			return nil, err
		}
		return s.codeActions(ctx, p), nil
	case protocol.MethodCancelRequest, protocol.MethodSetTrace, protocol.MethodWorkspaceDidChangeConfiguration:
		return nil, nil
	}
	return nil, errUnknown
}

// didChangeParams is DidChangeTextDocumentParams with the change's range
// optional: a change without one replaces the whole text.
type didChangeParams struct {
	TextDocument protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
	Changes      []struct {
		Range *protocol.Range `json:"range"`
		Text  string          `json:"text"`
	} `json:"contentChanges"`
}

func (s *Server) initialize(p protocol.InitializeParams) *protocol.InitializeResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case len(p.WorkspaceFolders) > 0:
		s.root = uriPath(protocol.DocumentURI(p.WorkspaceFolders[0].URI))
	case p.RootURI != "":
		s.root = uriPath(protocol.DocumentURI(p.RootURI))
	case p.RootPath != "":
		s.root = p.RootPath
	}
	if ws := p.Capabilities.Workspace; ws != nil && ws.DidChangeWatchedFiles != nil {
		s.watch = ws.DidChangeWatchedFiles.DynamicRegistration
	}
	if o, ok := p.InitializationOptions.(map[string]any); ok {
		if v, ok := o["configFile"].(string); ok && v != "" {
			s.opts.ConfigFile = v
		}
		if v, ok := o["environment"].(string); ok && v != "" {
			s.opts.Env = v
		}
	}
	return &protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			TextDocumentSync: protocol.TextDocumentSyncOptions{
				OpenClose: true,
				Change:    protocol.TextDocumentSyncKindIncremental,
				Save:      &protocol.SaveOptions{},
			},
			HoverProvider: true,
			CodeActionProvider: protocol.CodeActionOptions{
				CodeActionKinds: []protocol.CodeActionKind{protocol.QuickFix},
			},
		},
		ServerInfo: &protocol.ServerInfo{Name: "stackgate", Version: s.opts.Version},
	}
}

// initialized registers the file watchers that make the server reopen
// its configuration: stackgate.yaml and user rules.
func (s *Server) initialized() {
	s.mu.Lock()
	watch := s.watch
	s.mu.Unlock()
	if !watch {
		return
	}
	go func() {
		params := protocol.RegistrationParams{Registrations: []protocol.Registration{{
			ID:     "stackgate-config",
			Method: protocol.MethodWorkspaceDidChangeWatchedFiles,
			RegisterOptions: protocol.DidChangeWatchedFilesRegistrationOptions{Watchers: []protocol.FileSystemWatcher{
				{GlobPattern: "**/stackgate.yaml"}, {GlobPattern: "**/stackgate.yml"}, {GlobPattern: "**/*.rego"},
			}},
		}}}
		ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
		defer cancel()
		if _, err := s.conn.Call(ctx, protocol.MethodClientRegisterCapability, params, nil); err != nil {
			s.logger.Printf("registering file watchers: %v", err)
		}
	}()
}

// uriPath is the file path of a file: URI ("" for other schemes).
func uriPath(u protocol.DocumentURI) string {
	p, err := url.Parse(string(u))
	if err != nil || p.Scheme != "file" {
		return ""
	}
	path := p.Path
	if len(path) >= 3 && path[0] == '/' && path[2] == ':' { // file:///C:/x
		path = path[1:]
	}
	return filepath.Clean(filepath.FromSlash(path))
}

// pathURI is the file: URI of an absolute path.
func pathURI(path string) protocol.DocumentURI {
	path = filepath.ToSlash(path)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return protocol.DocumentURI((&url.URL{Scheme: "file", Path: path}).String())
}

// absPath makes a path from a finding or error absolute (they are
// relative to the working directory when the loader was given relative
// paths).
func absPath(p string) string {
	if p == "" {
		return ""
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// configFor is the configuration file that applies to path, "" for the
// defaults.
func (s *Server) configFor(path string) string {
	if s.opts.ConfigFile != "" {
		return absPath(s.opts.ConfigFile)
	}
	found, err := config.Find(path)
	if err != nil || found == "" {
		return ""
	}
	return absPath(found)
}

// spaceFor opens (once) the workspace of the configuration that applies
// to path, reading the configuration from the editor's buffer when it is
// open there. Callers hold no lock.
func (s *Server) spaceFor(path string) (*space, string) {
	cfg := s.configFor(path)
	s.mu.Lock()
	sp, ok := s.spaces[cfg]
	var data []byte
	if !ok && cfg != "" {
		if d := s.docs[pathURI(cfg)]; d != nil {
			data = d.text.src
		}
	}
	s.mu.Unlock()
	if ok {
		return sp, cfg
	}
	sp = &space{}
	opts := workspace.Options{Start: path, ConfigFile: cfg, ConfigData: data, Env: s.opts.Env, NoSearch: cfg == ""}
	sp.ws, sp.err = workspace.Open(opts)
	if sp.err == nil {
		_, sp.err = sp.ws.Gate()
	}
	s.mu.Lock()
	if cur, ok := s.spaces[cfg]; ok {
		sp = cur
	} else {
		s.spaces[cfg] = sp
	}
	s.mu.Unlock()
	s.publishConfig(cfg, sp.err)
	return sp, cfg
}

// publishConfig shows a configuration's errors on the files they name
// (stackgate.yaml, a rule's .rego file), and clears those it showed before
// once the configuration is good again.
func (s *Server) publishConfig(cfg string, cfgErr error) {
	byFile := map[protocol.DocumentURI][]protocol.Diagnostic{}
	for _, e := range modelErrors(cfgErr) {
		file := e.File
		if file == "" {
			file = cfg
		}
		if file == "" {
			continue
		}
		path := absPath(file)
		var t *text
		s.mu.Lock()
		if d := s.docs[pathURI(path)]; d != nil {
			t = d.text
		}
		s.mu.Unlock()
		if t == nil {
			src, _ := os.ReadFile(path)
			t = newText(src)
		}
		pos := t.positionLC(e.Line, e.Column)
		end := pos
		if e.Line > 0 && e.Line <= len(t.lines) {
			end = t.position(t.lineEnd(e.Line - 1))
		}
		u := pathURI(path)
		byFile[u] = append(byFile[u], protocol.Diagnostic{
			Range: protocol.Range{Start: pos, End: end}, Severity: protocol.DiagnosticSeverityError,
			Source: "stackgate", Message: e.Message,
		})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for u := range s.cfgDiags {
		if _, ok := byFile[u]; !ok {
			s.notify(protocol.MethodTextDocumentPublishDiagnostics, &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: []protocol.Diagnostic{}})
			delete(s.cfgDiags, u)
		}
	}
	for u, ds := range byFile {
		s.cfgDiags[u] = true
		s.notify(protocol.MethodTextDocumentPublishDiagnostics, &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: ds})
	}
}

// modelErrors lists the *model.Error values in err; an error without a
// position becomes one without a line.
func modelErrors(err error) []*model.Error {
	if err == nil {
		return nil
	}
	var out []*model.Error
	var walk func(error)
	walk = func(e error) {
		switch v := e.(type) {
		case *model.Error:
			out = append(out, v)
			return
		case model.Errors:
			out = append(out, v...)
			return
		case interface{ Unwrap() []error }:
			for _, x := range v.Unwrap() {
				walk(x)
			}
			return
		}
		var me *model.Error
		if errors.As(e, &me) {
			out = append(out, &model.Error{File: me.File, Line: me.Line, Column: me.Column, Message: e.Error()})
			return
		}
		out = append(out, &model.Error{Message: e.Error()})
	}
	walk(err)
	return out
}

// configChanged drops every opened configuration and checks every open
// buffer again (a watched stackgate.yaml or .rego file changed).
func (s *Server) configChanged() {
	s.mu.Lock()
	s.spaces = map[string]*space{}
	docs := make([]*document, 0, len(s.docs))
	for _, d := range s.docs {
		docs = append(docs, d)
	}
	s.mu.Unlock()
	for _, d := range docs {
		s.schedule(d, 0)
	}
}

// notify sends a notification; a closed connection is only logged.
func (s *Server) notify(method string, params any) {
	if s.conn == nil {
		return
	}
	if err := s.conn.Notify(context.Background(), method, params); err != nil {
		s.logger.Printf("%s: %v", method, err)
	}
}
