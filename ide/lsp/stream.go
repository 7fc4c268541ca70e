package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// Limits of the wire format. A message larger than MaxMessageBytes is
// skipped (its bytes are read and dropped) and answered with an error, so
// that one hostile or mistaken message neither exhausts memory nor ends
// the session.
const (
	MaxMessageBytes = 64 << 20
	maxHeaderLine   = 4 << 10
	maxHeaderLines  = 32
)

// stream is jsonrpc2.Stream over the LSP base protocol (Content-Length
// framing), hardened where jsonrpc2.NewStream is not: a message that is
// not JSON-RPC, a frame too large, or a garbled header is answered with a
// JSON-RPC error (id null) and skipped, instead of ending the connection.
// Only the end of the input ends it.
type stream struct {
	conn io.ReadWriteCloser
	in   *bufio.Reader
	wmu  sync.Mutex
}

func newStream(conn io.ReadWriteCloser) *stream {
	return &stream{conn: conn, in: bufio.NewReaderSize(conn, 64<<10)}
}

// errFrame is a problem with one frame after which reading can go on.
type errFrame struct {
	code    jsonrpc2.Code
	message string
}

func (e *errFrame) Error() string { return e.message }

func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		msg, n, err := s.readOne()
		var fe *errFrame
		if errors.As(err, &fe) {
			s.writeError(fe.code, fe.message)
			continue
		}
		return msg, n, err
	}
}

// readLine reads one header line, bounded.
func (s *stream) readLine() (string, error) {
	var b strings.Builder
	for {
		frag, err := s.in.ReadSlice('\n')
		b.Write(frag)
		if err == nil {
			return b.String(), nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return b.String(), err
		}
		if b.Len() > maxHeaderLine {
			// Drop the rest of the line.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = s.in.ReadSlice('\n')
			}
			if err != nil {
				return "", err
			}
			return "", &errFrame{jsonrpc2.ParseError, "header line too long"}
		}
	}
}

func (s *stream) readOne() (jsonrpc2.Message, int64, error) {
	var total, length int64 = 0, -1
	bad := ""
	for lines := 0; ; lines++ {
		line, err := s.readLine()
		total += int64(len(line))
		if err != nil {
			return nil, total, err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			if lines == 0 {
				lines-- // blank lines between frames are tolerated
				continue
			}
			break
		}
		if lines >= maxHeaderLines {
			bad = "too many header lines"
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			bad = fmt.Sprintf("invalid header line %.80q", line)
			continue
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil || n < 0 {
				bad = fmt.Sprintf("invalid Content-Length %.40q", value)
				continue
			}
			length = n
		}
	}
	if length < 0 {
		if bad == "" {
			bad = "missing Content-Length header"
		}
		return nil, total, &errFrame{jsonrpc2.ParseError, bad}
	}
	if length > MaxMessageBytes {
		n, err := io.CopyN(io.Discard, s.in, length)
		total += n
		if err != nil {
			return nil, total, err
		}
		return nil, total, &errFrame{jsonrpc2.InvalidRequest, fmt.Sprintf("message of %d bytes is larger than the limit of %d", length, MaxMessageBytes)}
	}
	data := make([]byte, length)
	if _, err := io.ReadFull(s.in, data); err != nil {
		return nil, total, err
	}
	total += length
	if bad != "" {
		return nil, total, &errFrame{jsonrpc2.ParseError, bad}
	}
	msg, err := jsonrpc2.DecodeMessage(data)
	if err != nil {
		code := jsonrpc2.InvalidRequest
		if !json.Valid(data) {
			code = jsonrpc2.ParseError
		}
		return nil, total, &errFrame{code, "invalid JSON-RPC message: " + err.Error()}
	}
	return msg, total, nil
}

func (s *stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	data, err := marshalMessage(msg)
	if err != nil {
		return 0, fmt.Errorf("marshaling message: %w", err)
	}
	return s.writeFrame(data)
}

// marshalMessage is msg's JSON. jsonrpc2's messages marshal themselves to
// compact JSON; json.Marshal would only scan that output again to compact
// and escape it, which for the diagnostics of a large module cost about
// 1 ms per keystroke.
func marshalMessage(msg jsonrpc2.Message) ([]byte, error) {
	if m, ok := msg.(json.Marshaler); ok {
		return m.MarshalJSON()
	}
	return json.Marshal(msg)
}

func (s *stream) writeFrame(data []byte) (int64, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	head := "Content-Length: " + strconv.Itoa(len(data)) + "\r\n\r\n"
	n, err := io.WriteString(s.conn, head)
	if err != nil {
		return int64(n), err
	}
	m, err := s.conn.Write(data)
	return int64(n + m), err
}

// writeError answers a message that could not be read: its id is unknown,
// so the response's is null (JSON-RPC 2.0, section 5).
func (s *stream) writeError(code jsonrpc2.Code, message string) {
	data, _ := json.Marshal(map[string]any{
		"jsonrpc": "2.0",
		"id":      nil,
		"error":   map[string]any{"code": code, "message": message},
	})
	_, _ = s.writeFrame(data)
}

func (s *stream) Close() error { return s.conn.Close() }
