package orm

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/internal/source"
)

// Whether a belongs_to without optional:/required: makes its foreign key
// required is the app's belongs_to_required_by_default. ActiveRecord's
// own default is false; `config.load_defaults 5.0` (or later) and the
// new_framework_defaults initializer of a Rails 5.0 app set it true, and
// an app may set it either way in config/application.rb or an
// initializer (which runs after application.rb and wins).

// arConfigFile reports the files that may set it: config/application.rb
// and config/initializers/*.rb (new_framework_defaults*.rb among them).
func arConfigFile(p string) bool {
	p = strings.ReplaceAll(p, `\`, "/")
	if !strings.HasSuffix(p, ".rb") {
		return false
	}
	dir := path.Dir(p)
	return p == "config/application.rb" || strings.HasSuffix(p, "/config/application.rb") ||
		dir == "config/initializers" || strings.HasSuffix(dir, "/config/initializers")
}

// appRoot is the directory a config file belongs to: the one holding
// config/.
func appRoot(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	i := strings.LastIndex(p, "config/")
	if i < 0 {
		return ""
	}
	return p[:i]
}

var (
	reBelongsRequired = regexp.MustCompile(`belongs_to_required_by_default\s*=\s*(true|false)\b`)
	reLoadDefaults    = regexp.MustCompile(`\bload_defaults\s*\(?\s*["']?(\d+)\.(\d+)`)
)

// arAppConfig is what one app's config says about belongs_to.
type arAppConfig struct {
	app         bool // config/application.rb was read
	loadDefault bool // load_defaults 5.0 or later
	set         *bool
	initSet     *bool // set in an initializer: wins over application.rb
}

// belongsRequired is the app's belongs_to_required_by_default.
func (c *arAppConfig) belongsRequired() bool {
	switch {
	case c.initSet != nil:
		return *c.initSet
	case c.set != nil:
		return *c.set
	case c.app:
		return c.loadDefault
	}
	// No application.rb (an engine, a partial tree): the default of
	// every app generated since Rails 5.
	return true
}

// readARConfig reads belongs_to_required_by_default and load_defaults
// from the config files, per app root. Commented lines do not count.
func readARConfig(files []*source.File) map[string]*arAppConfig {
	out := map[string]*arAppConfig{}
	for _, f := range files {
		if !arConfigFile(f.Path) {
			continue
		}
		root := appRoot(f.Path)
		c := out[root]
		if c == nil {
			c = &arAppConfig{}
			out[root] = c
		}
		initializer := !strings.HasSuffix(f.Path, "application.rb")
		c.app = c.app || !initializer
		for line := range strings.SplitSeq(string(f.Text), "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "#") {
				continue
			}
			if m := reBelongsRequired.FindStringSubmatch(line); m != nil {
				v := m[1] == "true"
				if initializer {
					c.initSet = &v
				} else {
					c.set = &v
				}
			}
			if m := reLoadDefaults.FindStringSubmatch(line); m != nil && !initializer {
				major, _ := strconv.Atoi(m[1])
				c.loadDefault = major >= 5
			}
		}
	}
	return out
}

// belongsRequiredFor returns the setting for a model file: that of the
// app whose root is the longest prefix of its path.
func belongsRequiredFor(configs map[string]*arAppConfig, p string) bool {
	p = strings.ReplaceAll(p, `\`, "/")
	best, found := "", false
	for root := range configs {
		if strings.HasPrefix(p, root) && (!found || len(root) > len(best)) {
			best, found = root, true
		}
	}
	if !found {
		return (&arAppConfig{}).belongsRequired()
	}
	return configs[best].belongsRequired()
}
