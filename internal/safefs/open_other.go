//go:build !unix

package safefs

import "os"

const openFlags = os.O_RDONLY
