//go:build !unix

package pgdb

import (
	"errors"
	"os/exec"
	"syscall"
)

type osUser struct {
	name     string
	uid, gid int
}

// serverOwner fails: stopping the server relies on Unix signals.
func serverOwner() (*osUser, error) {
	return nil, errors.New("the embedded PostgreSQL cluster needs a Unix system")
}

func (u *osUser) prepare(string) error { return nil }

func setProcAttr(*exec.Cmd, *osUser) {}

func signalProcess(pid int, sig syscall.Signal) {}

func killGroup(pid int) {}

// processAlive cannot tell here: nothing is swept.
func processAlive(int) bool { return true }

func runsIn(int, string) bool { return false }
