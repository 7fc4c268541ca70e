package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// runtimeAPI is a test server implementing the documented Lambda Runtime
// API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html),
// version 2018-06-01: the real bootstrap binary polls it for invocations
// and posts its answers to it, as it does in Lambda.
type runtimeAPI struct {
	srv  *http.Server
	addr string

	queue chan invocation
	mu    sync.Mutex
	// waiting maps a request id to where its result goes.
	waiting map[string]chan result
	// initErr receives what the runtime posts to /runtime/init/error.
	initErr chan string
}

type invocation struct {
	id   string
	body []byte
}

// result is what the runtime posted for one invocation: its response, or
// an error (kind "error").
type result struct {
	kind string // "response" or "error"
	body []byte
	at   time.Time
}

const apiPrefix = "/2018-06-01/runtime/"

func newRuntimeAPI(t testing.TB) *runtimeAPI {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	api := &runtimeAPI{addr: ln.Addr().String(), queue: make(chan invocation, 16), waiting: map[string]chan result{}, initErr: make(chan string, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+apiPrefix+"invocation/next", api.next)
	mux.HandleFunc("POST "+apiPrefix+"invocation/{id}/response", api.post("response"))
	mux.HandleFunc("POST "+apiPrefix+"invocation/{id}/error", api.post("error"))
	mux.HandleFunc("POST "+apiPrefix+"init/error", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		select {
		case api.initErr <- string(b):
		default:
		}
		w.WriteHeader(http.StatusAccepted)
	})
	api.srv = &http.Server{Handler: mux}
	go api.srv.Serve(ln)
	t.Cleanup(func() { api.srv.Close() })
	return api
}

// next blocks until an invocation is queued (the runtime's long poll).
func (a *runtimeAPI) next(w http.ResponseWriter, r *http.Request) {
	select {
	case inv := <-a.queue:
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(25*time.Second).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:111111111111:function:stackgate-hook")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0")
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write(inv.body)
	case <-r.Context().Done():
	}
}

func (a *runtimeAPI) post(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		now := time.Now()
		a.mu.Lock()
		ch := a.waiting[r.PathValue("id")]
		delete(a.waiting, r.PathValue("id"))
		a.mu.Unlock()
		if ch == nil {
			http.Error(w, "unknown request id", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		ch <- result{kind: kind, body: b, at: now}
	}
}

// invoke queues one event and waits for the runtime's answer.
func (a *runtimeAPI) invoke(ctx context.Context, id string, event []byte) (result, error) {
	ch := make(chan result, 1)
	a.mu.Lock()
	a.waiting[id] = ch
	a.mu.Unlock()
	a.queue <- invocation{id: id, body: event}
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
		return result{}, fmt.Errorf("invocation %s: %w", id, ctx.Err())
	}
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// bootstrap builds the function's binary once per test run, as make
// hook-zip does (for the host's architecture).
func bootstrap(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the bootstrap binary")
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "stackgate-hook-e2e")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-o", filepath.Join(buildDir, "bootstrap"), ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "bootstrap")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// function is one running bootstrap process: a Lambda execution
// environment.
type function struct {
	api     *runtimeAPI
	cmd     *exec.Cmd
	started time.Time
	logs    *syncBuffer
	done    chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startFunction starts the binary in a task root holding config (as
// stackgate.yaml; none when empty), with the environment Lambda gives a
// provided.al2023 function, offline, plus env.
func startFunction(t testing.TB, config string, env ...string) *function {
	t.Helper()
	bin := bootstrap(t)
	root := t.TempDir()
	if config != "" {
		src, err := os.ReadFile(config)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "stackgate.yaml"), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	api := newRuntimeAPI(t)
	cmd := exec.Command(bin)
	cmd.Dir = root
	cmd.Env = append([]string{
		"AWS_LAMBDA_RUNTIME_API=" + api.addr,
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_LAMBDA_FUNCTION_NAME=stackgate-hook",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/stackgate-hook",
		"AWS_LAMBDA_LOG_STREAM_NAME=2026/01/01/[$LATEST]0123456789abcdef",
		"LAMBDA_TASK_ROOT=" + root,
		"LAMBDA_RUNTIME_DIR=" + root,
		"TZ=:UTC",
		"STACKGATE_OFFLINE=1",
	}, env...)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	f := &function{api: api, cmd: cmd, logs: logs, done: make(chan error, 1)}
	f.started = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { f.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-f.done
		if t.Failed() {
			t.Logf("function log:\n%s", logs.String())
		}
	})
	return f
}

// invoke sends one event and returns the runtime's answer.
func (f *function) invoke(t testing.TB, id string, event []byte) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	type out struct {
		r   result
		err error
	}
	ch := make(chan out, 1)
	go func() {
		r, err := f.api.invoke(ctx, id, event)
		ch <- out{r, err}
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			t.Fatal(o.err)
		}
		return o.r
	case err := <-f.done:
		f.done <- err
		t.Fatalf("the function exited (%v) before answering %s", err, id)
	}
	return result{}
}

// peakRSS is the process's peak resident set size in bytes (VmHWM).
func (f *function) peakRSS(t testing.TB) int64 {
	t.Helper()
	fh, err := os.Open(fmt.Sprintf("/proc/%d/status", f.cmd.Process.Pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/<pid>/status")
	return 0
}

// cpuTime is the CPU time (user and system) the process has used so far,
// from /proc/<pid>/stat (clock ticks, 100 per second on Linux).
func (f *function) cpuTime(t testing.TB) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", f.cmd.Process.Pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	// Fields after the command name (which may hold spaces), from field 3.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
