// Package vfs is the view of files that the loaders read through: the disk,
// or the disk with an editor's unsaved buffers laid over it.
//
// Paths are OS paths, absolute or relative to the working directory, as
// the loaders use them (filepath.Join, filepath.Abs). The standard io/fs
// interfaces take slash-separated paths relative to a root and refuse
// absolute ones, which does not fit a loader that is given "/repo/envs/prod"
// or "../modules/x" and must name files the way the user wrote them; FS is
// the equivalent interface on OS paths. Sub adapts a directory of an FS to
// io/fs for code that wants one (globbing).
//
// Reading is bounded: a file over the size limit is refused before it is
// read, and anything that is not a regular file (a device such as
// /dev/zero, a named pipe, a socket; also through a symbolic link) is
// refused without reading, so a hostile repository can neither hang a load
// nor exhaust its memory.
package vfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// FS is the view of files a loader reads through: paths are OS paths
// (absolute or relative to the working directory), as the loaders use them.
// Errors name the file (they are *fs.PathError values where the standard
// library's would be).
type FS interface {
	// ReadFile returns the content of a regular file, following symbolic
	// links as the OS does. It refuses anything that is not a regular file
	// (ErrNotRegular) and a file over the size limit (ErrTooLarge), before
	// reading it. The caller owns the result and may modify it.
	ReadFile(name string) ([]byte, error)
	// Stat describes a file or directory, following symbolic links.
	Stat(name string) (fs.FileInfo, error)
	// ReadDir lists a directory, sorted by name.
	ReadDir(name string) ([]fs.DirEntry, error)
}

// SymlinkEvaluator is implemented by file systems whose paths can go
// through symbolic links (the disk). EvalSymlinks returns name with every
// link resolved, as filepath.EvalSymlinks does. Use the EvalSymlinks
// function, which works for every FS.
type SymlinkEvaluator interface {
	EvalSymlinks(name string) (string, error)
}

var (
	// ErrNotRegular is the cause of reading something that is not a
	// regular file: a directory, device, named pipe or socket.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge is the cause of reading a file over the size limit.
	ErrTooLarge = errors.New("over the limit")
)

// EvalSymlinks returns name with every symbolic link resolved, when fsys
// has links (SymlinkEvaluator); otherwise name, cleaned, when it exists.
// Callers use it to check that a path stays inside a directory.
func EvalSymlinks(fsys FS, name string) (string, error) {
	if se, ok := fsys.(SymlinkEvaluator); ok {
		return se.EvalSymlinks(name)
	}
	if _, err := fsys.Stat(name); err != nil {
		return "", err
	}
	return filepath.Clean(name), nil
}

// WithoutPath returns the cause of a file error without the operation and
// path (*fs.PathError), for messages that name the file themselves.
func WithoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// OS is the disk. ReadFile refuses files over limit bytes (limit <= 0:
// no limit other than what the reader's memory allows; give one).
func OS(limit int64) FS { return osFS{limit: limit} }

type osFS struct{ limit int64 }

func (f osFS) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (f osFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (f osFS) EvalSymlinks(name string) (string, error) {
	p, err := filepath.EvalSymlinks(name)
	if err != nil {
		return "", &fs.PathError{Op: "evalsymlinks", Path: name, Err: WithoutPath(err)}
	}
	return p, nil
}
func (f osFS) sizeLimit() int64 { return f.limit }

// ReadFile opens name without blocking (a named pipe with no writer would
// block an ordinary open), checks on the open file that it is regular and
// within the limit, and reads at most limit+1 bytes, so a file that grows
// while it is read is refused too.
func (f osFS) ReadFile(name string) ([]byte, error) {
	file, st, err := openRegular(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	if err := checkSize(name, st.Size(), f.limit); err != nil {
		return nil, err
	}
	r := io.Reader(file)
	if f.limit > 0 {
		r = io.LimitReader(file, f.limit+1)
	}
	src, err := ReadAllSized(r, st.Size(), f.limit)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: WithoutPath(err)}
	}
	if f.limit > 0 && int64(len(src)) > f.limit {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("file grew past %d bytes while read: %w of %s", f.limit, ErrTooLarge, size(f.limit))}
	}
	return src, nil
}

// ReadAllSized reads r to its end into a buffer of the size the file
// had when opened (plus one byte, to see the end without growing), as
// os.ReadFile does, instead of io.ReadAll's doubling from 512 bytes: a
// Terraform load reads every file of every module it calls, a plan can be
// hundreds of megabytes. The buffer still grows if the file does while it
// is read (or from 512 bytes when size is 0: a pipe); limit (when
// positive) bounds the first allocation, the caller bounds the read.
func ReadAllSized(r io.Reader, size, limit int64) ([]byte, error) {
	n := size + 1
	if n < 512 {
		n = 512
	}
	if limit > 0 && n > limit+1 {
		n = limit + 1
	}
	buf := make([]byte, 0, n)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// openRegular opens name without blocking (a named pipe with no writer
// would block an ordinary open) and checks on the open file that it is a
// regular file; the caller closes it.
func openRegular(name string) (*os.File, fs.FileInfo, error) {
	file, err := os.OpenFile(name, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err := file.Stat()
	if err == nil {
		err = checkRegular(name, st)
	}
	if err != nil {
		file.Close()
		return nil, nil, err
	}
	return file, st, nil
}

// checkRegular refuses what is not a regular file, saying what it is.
func checkRegular(name string, st fs.FileInfo) error {
	m := st.Mode()
	if m.IsRegular() {
		return nil
	}
	what := "special file"
	switch {
	case m.IsDir():
		what = "directory"
	case m&fs.ModeNamedPipe != 0:
		what = "named pipe"
	case m&fs.ModeSocket != 0:
		what = "socket"
	case m&fs.ModeCharDevice != 0:
		what = "character device"
	case m&fs.ModeDevice != 0:
		what = "device"
	}
	return &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w (a %s)", ErrNotRegular, what)}
}

// checkSize refuses n bytes when over limit (limit <= 0: none).
func checkSize(name string, n, limit int64) error {
	if limit > 0 && n > limit {
		return &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("file is %d bytes, %w of %s", n, ErrTooLarge, size(limit))}
	}
	return nil
}

// size renders a byte count for messages: "8 MiB", "1000 bytes".
func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// sizeLimiter is implemented by file systems with a size limit, for an
// overlay to apply the same limit to buffers.
type sizeLimiter interface{ sizeLimit() int64 }
