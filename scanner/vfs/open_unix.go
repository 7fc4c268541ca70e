//go:build unix

package vfs

import "syscall"

// openFlags makes opening a named pipe return at once instead of waiting
// for a writer; the pipe is then refused as not regular. It does not change
// how regular files are read.
const openFlags = syscall.O_NONBLOCK
