package vfs

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"time"
)

// WithOverlay lays files (an editor's unsaved buffers, by absolute path)
// over base: a buffer replaces the file at its path or adds one, and a
// directory that holds buffers exists even when base has no such
// directory (a module created in the editor and not saved yet). Keys are
// cleaned; a relative key is taken relative to the working directory.
// The map is copied; the buffers are not, and must not change afterwards.
// Buffers over base's size limit (OS) are refused as base refuses files.
func WithOverlay(base FS, files map[string][]byte) FS {
	o := &overlay{base: base, files: make(map[string][]byte, len(files)), dirs: map[string]map[string]bool{}}
	if sl, ok := base.(sizeLimiter); ok {
		o.limit = sl.sizeLimit()
	}
	for name, src := range files {
		p, err := filepath.Abs(name)
		if err != nil {
			continue
		}
		o.files[p] = src
	}
	// Record every directory above each buffer with the names in it that
	// only the overlay provides (true: a directory).
	for p := range o.files {
		child, isDir := p, false
		for {
			dir := filepath.Dir(child)
			if dir == child {
				break
			}
			if o.dirs[dir] == nil {
				o.dirs[dir] = map[string]bool{}
			}
			name := filepath.Base(child)
			if _, seen := o.dirs[dir][name]; seen && isDir {
				break // the rest of the way up is recorded
			}
			o.dirs[dir][name] = o.dirs[dir][name] || isDir
			child, isDir = dir, true
		}
	}
	return o
}

type overlay struct {
	base  FS
	files map[string][]byte          // by absolute clean path
	dirs  map[string]map[string]bool // directory -> name -> is a directory
	limit int64
}

func (o *overlay) sizeLimit() int64 { return o.limit }

// abs is the key of name: absolute and clean.
func (o *overlay) abs(name string) string {
	if p, err := filepath.Abs(name); err == nil {
		return p
	}
	return filepath.Clean(name)
}

func (o *overlay) ReadFile(name string) ([]byte, error) {
	p := o.abs(name)
	if src, ok := o.files[p]; ok {
		if err := checkSize(name, int64(len(src)), o.limit); err != nil {
			return nil, err
		}
		return bytes.Clone(src), nil // the caller may modify it
	}
	if _, ok := o.dirs[p]; ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w (a directory)", ErrNotRegular)}
	}
	return o.base.ReadFile(name)
}

func (o *overlay) Stat(name string) (fs.FileInfo, error) {
	p := o.abs(name)
	if src, ok := o.files[p]; ok {
		return fileInfo{name: filepath.Base(p), size: int64(len(src))}, nil
	}
	if _, ok := o.dirs[p]; ok {
		if st, err := o.base.Stat(name); err == nil && st.IsDir() {
			return st, nil
		}
		return fileInfo{name: filepath.Base(p), dir: true}, nil
	}
	return o.base.Stat(name)
}

func (o *overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	p := o.abs(name)
	extra, ok := o.dirs[p]
	entries, err := o.base.ReadDir(name)
	if !ok {
		return entries, err
	}
	if err != nil {
		// The directory exists in the overlay; base may lack it (or not
		// be able to list it): the overlay's entries are what there is.
		entries = nil
	}
	byName := make(map[string]fs.DirEntry, len(entries)+len(extra))
	for _, e := range entries {
		byName[e.Name()] = e
	}
	for n, isDir := range extra {
		if isDir {
			if e, ok := byName[n]; ok && e.IsDir() {
				continue // base has it: keep its entry
			}
			byName[n] = fs.FileInfoToDirEntry(fileInfo{name: n, dir: true})
			continue
		}
		byName[n] = fs.FileInfoToDirEntry(fileInfo{name: n, size: int64(len(o.files[filepath.Join(p, n)]))})
	}
	out := make([]fs.DirEntry, 0, len(byName))
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		out = append(out, byName[n])
	}
	return out, nil
}

// EvalSymlinks returns a buffer's path, or a directory's that only the
// overlay has, as it is: a buffer is the editor's content, not a file the
// path could lead out of. Other paths are base's to resolve.
func (o *overlay) EvalSymlinks(name string) (string, error) {
	p := o.abs(name)
	if _, ok := o.files[p]; ok {
		return p, nil
	}
	if _, ok := o.dirs[p]; ok {
		if _, err := o.base.Stat(name); err != nil {
			return p, nil
		}
	}
	return EvalSymlinks(o.base, name)
}

// fileInfo describes a buffer (a regular file) or a directory that only
// the overlay has.
type fileInfo struct {
	name string
	size int64
	dir  bool
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return i.size }
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.dir }
func (i fileInfo) Sys() any           { return nil }
