// Package migrations holds the goose migrations, SQL and Go.
package migrations
