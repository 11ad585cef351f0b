//go:build unix

package pgdb

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// osUser is the unprivileged account the server runs as when schemagate
// runs as root.
type osUser struct {
	name     string
	uid, gid int
}

// serverOwner returns nil when the server can run as the current user,
// else the "postgres" system user (or "nobody"): initdb and postgres
// refuse to run as root.
func serverOwner() (*osUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 != nil || err2 != nil {
			continue
		}
		return &osUser{name: name, uid: uid, gid: gid}, nil
	}
	return nil, fmt.Errorf("running as root, and neither a postgres nor a nobody user exists to run the PostgreSQL server as (it refuses root)")
}

// prepare hands dir to the user and checks the user can reach it.
func (u *osUser) prepare(dir string) error {
	if err := os.Chown(dir, u.uid, u.gid); err != nil {
		return fmt.Errorf("handing %s to user %s: %w", dir, u.name, err)
	}
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		searchable := fi.Mode()&0o001 != 0 ||
			ok && int(st.Uid) == u.uid && fi.Mode()&0o100 != 0 ||
			ok && int(st.Gid) == u.gid && fi.Mode()&0o010 != 0
		if !searchable {
			return fmt.Errorf("the PostgreSQL server runs as user %s, which cannot enter %s: put the temp dir elsewhere (TMPDIR)", u.name, d)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// setProcAttr puts the child in its own process group, so a Ctrl-C at
// the terminal reaches schemagate (which then stops the server in order)
// and not the server directly, and runs it as owner when set.
func setProcAttr(cmd *exec.Cmd, owner *osUser) {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if owner != nil {
		attr.Credential = &syscall.Credential{Uid: uint32(owner.uid), Gid: uint32(owner.gid), Groups: []uint32{}}
	}
	setParentDeathSignal(attr)
	cmd.SysProcAttr = attr
}

func signalProcess(pid int, sig syscall.Signal) {
	if pid > 0 {
		_ = syscall.Kill(pid, sig)
	}
}

// killGroup kills the server and any backends left in its process group.
func killGroup(pid int) {
	if pid > 0 {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
}

// processAlive reports whether a process with this pid exists (one of
// another user's counts).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
