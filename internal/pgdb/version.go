package pgdb

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ServerVersion returns the server's major version (15 for 15.4; 9 for
// 9.6, whose major has two parts) and its full version string as the
// server reports it ("15.4 (Debian 15.4-1)").
func ServerVersion(ctx context.Context, conn *pgx.Conn) (major int, full string, err error) {
	var num int
	err = conn.QueryRow(ctx,
		"SELECT current_setting('server_version_num')::int, current_setting('server_version')").Scan(&num, &full)
	if err != nil {
		return 0, "", fmt.Errorf("reading the server version: %w", err)
	}
	return num / 10000, full, nil
}
