package vfs

import (
	"bytes"
	"io"
	"io/fs"
	"path/filepath"
)

// Sub is the directory dir of fsys as an io/fs file system (slash
// separated paths relative to dir), for code that takes one, such as a
// glob. It implements fs.StatFS, fs.ReadDirFS and fs.ReadFileFS; Open
// reads a file whole (within fsys's limit) on the first Read.
func Sub(fsys FS, dir string) fs.FS { return subFS{fsys: fsys, dir: dir} }

type subFS struct {
	fsys FS
	dir  string
}

// path is the OS path of the io/fs name, or an error for an invalid name.
func (s subFS) path(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return filepath.Join(s.dir, filepath.FromSlash(name)), nil
}

func (s subFS) Stat(name string) (fs.FileInfo, error) {
	p, err := s.path("stat", name)
	if err != nil {
		return nil, err
	}
	return s.fsys.Stat(p)
}

func (s subFS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := s.path("readdir", name)
	if err != nil {
		return nil, err
	}
	return s.fsys.ReadDir(p)
}

func (s subFS) ReadFile(name string) ([]byte, error) {
	p, err := s.path("read", name)
	if err != nil {
		return nil, err
	}
	return s.fsys.ReadFile(p)
}

func (s subFS) Open(name string) (fs.File, error) {
	p, err := s.path("open", name)
	if err != nil {
		return nil, err
	}
	st, err := s.fsys.Stat(p)
	if err != nil {
		return nil, err
	}
	return &subFile{fsys: s.fsys, path: p, info: st}, nil
}

// subFile is an opened file or directory of a Sub.
type subFile struct {
	fsys    FS
	path    string
	info    fs.FileInfo
	content *bytes.Reader // read on first Read
	entries []fs.DirEntry // listed on first ReadDir
	listed  bool
}

func (f *subFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *subFile) Close() error               { return nil }

func (f *subFile) Read(b []byte) (int, error) {
	if f.info.IsDir() {
		return 0, &fs.PathError{Op: "read", Path: f.path, Err: ErrNotRegular}
	}
	if f.content == nil {
		src, err := f.fsys.ReadFile(f.path)
		if err != nil {
			return 0, err
		}
		f.content = bytes.NewReader(src)
	}
	return f.content.Read(b)
}

// ReadDir implements fs.ReadDirFile.
func (f *subFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if !f.listed {
		entries, err := f.fsys.ReadDir(f.path)
		if err != nil {
			return nil, err
		}
		f.entries, f.listed = entries, true
	}
	if n <= 0 {
		out := f.entries
		f.entries = nil
		return out, nil
	}
	if len(f.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(f.entries))
	out := f.entries[:n]
	f.entries = f.entries[n:]
	return out, nil
}
