package app

const listItems = `SELECT id, name FROM items`
