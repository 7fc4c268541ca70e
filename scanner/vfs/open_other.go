//go:build !unix

package vfs

// openFlags: named pipes cannot be opened as files here.
const openFlags = 0
