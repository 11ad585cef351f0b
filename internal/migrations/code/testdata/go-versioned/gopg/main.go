package main

import (
	"github.com/go-pg/migrations/v8"
	"github.com/go-pg/pg/v10"
)

func main() {
	db := pg.Connect(&pg.Options{})
	_, _, _ = migrations.Run(db, "up")
}
