//go:build unix

package safefs

import (
	"os"
	"syscall"
)

// openFlags open without blocking: a FIFO that appears between the check
// and the open is opened at once (and then refused), never waited on.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK
