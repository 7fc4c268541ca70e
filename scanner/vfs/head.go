package vfs

import (
	"errors"
	"io"
	"io/fs"
)

// ReadHead returns at most n bytes from the start of a regular file,
// whatever its size: enough to tell what a file over the size limit is
// without reading all of it. An FS that cannot read part of a file gives
// an error wrapping errors.ErrUnsupported.
func ReadHead(fsys FS, name string, n int) ([]byte, error) {
	if h, ok := fsys.(interface {
		readHead(name string, n int) ([]byte, error)
	}); ok {
		return h.readHead(name, n)
	}
	return nil, &fs.PathError{Op: "read", Path: name, Err: errors.ErrUnsupported}
}

func (f osFS) readHead(name string, n int) ([]byte, error) {
	file, _, err := openRegular(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	src, err := io.ReadAll(io.LimitReader(file, int64(n)))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: WithoutPath(err)}
	}
	return src, nil
}

func (o *overlay) readHead(name string, n int) ([]byte, error) {
	p := o.abs(name)
	if src, ok := o.files[p]; ok {
		return append([]byte(nil), src[:min(n, len(src))]...), nil
	}
	if _, ok := o.dirs[p]; ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: ErrNotRegular}
	}
	return ReadHead(o.base, name, n)
}
