package pgdb

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ClusterOptions tunes StartCluster. verify names its superuser (User);
// the tests take the zero value.
type ClusterOptions struct {
	// BinDir holds initdb and postgres; empty: FindBinaries.
	BinDir string
	// Parent is where the cluster's temp dir is made; empty: os.TempDir().
	Parent string
	// User names the bootstrap superuser; empty: "postgres".
	User string
	// Password, when set, makes the superuser authenticate with it
	// (scram-sha-256) instead of being trusted on the socket.
	Password string
	// Port is the number in the socket's name (.s.PGSQL.<port>); 0: 5432.
	// The server never listens on TCP, so it cannot clash with another.
	Port int
	// Settings are extra server settings, passed as -c name=value.
	Settings map[string]string
	// StartTimeout bounds initdb plus startup; 0: one minute.
	StartTimeout time.Duration
}

// Cluster is a running throwaway PostgreSQL server that listens only on
// a Unix socket in its own temp dir. Stop it to remove every trace.
type Cluster struct {
	Dir       string // temp dir holding everything below; removed by Stop
	DataDir   string
	SocketDir string
	LogFile   string // the server's stdout and stderr
	Port      int
	Version   int    // major version, from PG_VERSION
	BinDir    string // where initdb and postgres came from
	User      string // the bootstrap superuser: ClusterOptions.User, default "postgres"
	Password  string // the superuser's password; empty when trusted
	// StatStatements is true when pg_stat_statements is in
	// shared_preload_libraries, so CREATE EXTENSION pg_stat_statements works.
	StatStatements bool

	exited   chan struct{} // closed when the server process has exited
	pid      int
	waitErr  error
	stopOnce sync.Once
	stopErr  error
}

const superuser = "postgres"

// StartCluster creates a cluster with initdb in a new temp dir and starts
// it, tuned for speed over durability (no fsync, no full page writes,
// asynchronous commit). When running as root, the server runs as the
// "postgres" system user (else "nobody") because PostgreSQL refuses root.
// On error nothing is left behind. The directory carries the pid of this
// process, so that if it is killed before Stop, the next StartCluster
// in the same parent removes what it left (see SweepStale).
func StartCluster(ctx context.Context, opt ClusterOptions) (_ *Cluster, err error) {
	bin := opt.BinDir
	if bin == "" {
		if bin, err = FindBinaries(); err != nil {
			return nil, err
		}
	} else if !hasServer(bin) {
		return nil, noBinariesError("in " + bin)
	}
	timeout := opt.StartTimeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	owner, err := serverOwner()
	if err != nil {
		return nil, err
	}
	parent := cmp.Or(opt.Parent, os.TempDir())
	SweepStale(parent)
	dir, err := os.MkdirTemp(parent, clusterPrefix)
	if err != nil {
		return nil, fmt.Errorf("creating the cluster directory: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("marking the cluster directory: %w", err)
	}
	c := &Cluster{
		Dir:       dir,
		DataDir:   filepath.Join(dir, "data"),
		SocketDir: dir,
		LogFile:   filepath.Join(dir, "server.log"),
		Port:      cmp.Or(opt.Port, 5432),
		BinDir:    bin,
		User:      cmp.Or(opt.User, superuser),
		Password:  opt.Password,
	}
	defer func() {
		if err != nil {
			_ = c.Stop()
		}
	}()
	if owner != nil {
		if err := owner.prepare(dir); err != nil {
			return nil, err
		}
	}
	if err := c.initdb(ctx, owner); err != nil {
		return nil, err
	}
	if err := c.start(ctx, owner, opt.Settings); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Cluster) initdb(ctx context.Context, owner *osUser) error {
	args := []string{"-D", c.DataDir, "--no-sync", "-U", c.User, "-E", "UTF8", "--locale=C"}
	if c.Password == "" {
		args = append(args, "-A", "trust")
	} else {
		// initdb reads the password from a file; it lives only until initdb is done.
		pwfile := filepath.Join(c.Dir, "pwfile")
		if err := os.WriteFile(pwfile, []byte(c.Password+"\n"), 0o600); err != nil {
			return fmt.Errorf("writing the password file: %w", err)
		}
		defer os.Remove(pwfile)
		if owner != nil {
			if err := os.Chown(pwfile, owner.uid, owner.gid); err != nil {
				return fmt.Errorf("handing the password file to user %s: %w", owner.name, err)
			}
		}
		args = append(args, "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--pwfile="+pwfile)
	}
	cmd := exec.CommandContext(ctx, filepath.Join(c.BinDir, "initdb"), args...)
	cmd.Env = serverEnv()
	cmd.Dir = c.Dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	setProcAttr(cmd, owner)
	// On cancellation, end initdb's helper processes (postgres --boot) too.
	cmd.Cancel = func() error {
		killGroup(cmd.Process.Pid)
		return nil
	}
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("initdb did not finish: %w", ctx.Err())
		}
		return fmt.Errorf("initdb failed (%w): %s", err, lastLines(out.Bytes(), 4))
	}
	v, err := os.ReadFile(filepath.Join(c.DataDir, "PG_VERSION"))
	if err != nil {
		return fmt.Errorf("reading the new cluster's version: %w", err)
	}
	major, err := strconv.Atoi(strings.TrimSpace(string(v)))
	if err != nil {
		return fmt.Errorf("reading the new cluster's version: PG_VERSION says %q", strings.TrimSpace(string(v)))
	}
	if major < 10 {
		return fmt.Errorf("PostgreSQL %s in %s is too old: schemagate needs 10 or newer", strings.TrimSpace(string(v)), c.BinDir)
	}
	c.Version = major
	return nil
}

func (c *Cluster) start(ctx context.Context, owner *osUser, extra map[string]string) error {
	settings := map[string]string{
		"listen_addresses":   "",
		"fsync":              "off",
		"full_page_writes":   "off",
		"synchronous_commit": "off",
	}
	if hasStatStatements(ctx, c.BinDir) {
		settings["shared_preload_libraries"] = "pg_stat_statements"
		c.StatStatements = true
	}
	for k, v := range extra {
		settings[k] = v
	}
	if _, ok := extra["shared_preload_libraries"]; ok {
		c.StatStatements = strings.Contains(extra["shared_preload_libraries"], "pg_stat_statements")
	}
	args := []string{"-D", c.DataDir, "-k", c.SocketDir, "-p", strconv.Itoa(c.Port)}
	names := make([]string, 0, len(settings))
	for k := range settings {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		args = append(args, "-c", k+"="+settings[k])
	}

	log, err := os.OpenFile(c.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("creating the server log: %w", err)
	}
	defer log.Close()
	// The server outlives ctx: Stop ends it.
	cmd := exec.CommandContext(context.WithoutCancel(ctx), filepath.Join(c.BinDir, "postgres"), args...)
	cmd.Env = serverEnv()
	cmd.Dir = c.Dir
	cmd.Stdout, cmd.Stderr = log, log
	setProcAttr(cmd, owner)

	// The server is started from a goroutine that keeps its OS thread
	// locked until the server exits: the parent-death signal (see
	// setProcAttr) fires when the thread that started the child ends, and
	// Go may otherwise retire that thread while the server still runs.
	c.exited = make(chan struct{})
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			close(c.exited)
			return
		}
		c.pid = cmd.Process.Pid
		started <- nil
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("starting postgres: %w", err)
	}
	return c.waitReady(ctx)
}

// waitReady polls postmaster.pid until the server says it accepts
// connections (the status line pg_ctl -w reads), or it exits.
func (c *Cluster) waitReady(ctx context.Context) error {
	pidFile := filepath.Join(c.DataDir, "postmaster.pid")
	delay := 2 * time.Millisecond
	for {
		if b, err := os.ReadFile(pidFile); err == nil {
			lines := strings.Split(string(b), "\n")
			if len(lines) > 7 && strings.TrimSpace(lines[7]) == "ready" {
				return nil
			}
		}
		select {
		case <-c.exited:
			exit := c.waitErr
			if exit == nil {
				exit = errors.New("exit status 0")
			}
			return fmt.Errorf("PostgreSQL server exited during startup (%w): %s", exit, c.logTail())
		case <-ctx.Done():
			return fmt.Errorf("PostgreSQL server did not start (%w): %s", ctx.Err(), c.logTail())
		case <-time.After(delay):
		}
		delay = min(delay*2, 50*time.Millisecond)
	}
}

func (c *Cluster) logTail() string {
	b, _ := os.ReadFile(c.LogFile)
	if len(bytes.TrimSpace(b)) == 0 {
		return "the server log " + c.LogFile + " is empty"
	}
	return "server log: " + lastLines(b, 5)
}

// lastLines joins the last n non-empty lines of out into one line.
func lastLines(out []byte, n int) string {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 0 {
		return "no output"
	}
	return strings.Join(lines, " | ")
}

// PID is the server's process id (0 before it started).
func (c *Cluster) PID() int { return c.pid }

// URL is a connection URL for database db as the superuser over the
// cluster's socket: postgres://postgres@/db?host=<socketdir>&port=<port>.
// It carries the password when the cluster has one: print it with redact.ConnString.
func (c *Cluster) URL(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(c.User),
		Path:     "/" + db,
		RawQuery: "host=" + strings.ReplaceAll(url.QueryEscape(c.SocketDir), "%2F", "/") + "&port=" + strconv.Itoa(c.Port),
	}
	if c.Password != "" {
		u.User = url.UserPassword(c.User, c.Password)
	}
	return u.String()
}

// Stop shuts the server down (fast shutdown, then immediate, then
// SIGKILL to its process group) and removes the cluster's directory.
// It may be called more than once; later calls return the first result.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() { c.stopErr = c.stop() })
	return c.stopErr
}

func (c *Cluster) stop() error {
	var errs []error
	if c.exited != nil {
		steps := []struct {
			sig  syscall.Signal
			wait time.Duration
		}{{syscall.SIGINT, 30 * time.Second}, {syscall.SIGQUIT, 5 * time.Second}}
		for _, s := range steps {
			if c.hasExited() {
				break
			}
			signalProcess(c.pid, s.sig)
			select {
			case <-c.exited:
			case <-time.After(s.wait):
			}
		}
		if !c.hasExited() {
			killGroup(c.pid)
			<-c.exited
			errs = append(errs, fmt.Errorf("PostgreSQL server %d did not shut down and was killed", c.pid))
		}
	}
	if c.Dir != "" {
		if err := os.RemoveAll(c.Dir); err != nil {
			errs = append(errs, fmt.Errorf("removing the cluster directory: %w", err))
		}
	}
	return errors.Join(errs...)
}

func (c *Cluster) hasExited() bool {
	select {
	case <-c.exited:
		return true
	default:
		return false
	}
}

// serverEnv is this process's environment without the PG* variables
// (PGDATA, PGPORT, ... would redirect initdb and postgres) and with the
// C locale, so messages are in English and the cluster's locale is fixed.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

// hasStatStatements reports whether the server's library directory holds
// pg_stat_statements, so it can be preloaded.
func hasStatStatements(ctx context.Context, bin string) bool {
	dirs := []string{
		filepath.Join(bin, "..", "lib"),
		filepath.Join(bin, "..", "lib", "postgresql"),
	}
	has := func(dir string) bool {
		for _, ext := range []string{".so", ".dylib"} {
			if _, err := os.Stat(filepath.Join(dir, "pg_stat_statements"+ext)); err == nil {
				return true
			}
		}
		return false
	}
	for _, d := range dirs {
		if has(d) {
			return true
		}
	}
	// Unusual layouts: ask the server's own pg_config.
	out, err := exec.CommandContext(ctx, filepath.Join(bin, "pg_config"), "--pkglibdir").Output()
	return err == nil && has(strings.TrimSpace(string(out)))
}
