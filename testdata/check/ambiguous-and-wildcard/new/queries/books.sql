-- name: BookTitles :many
SELECT title, blurb FROM books JOIN authors ON authors.id = books.author_id;

-- name: AllAuthors :many
SELECT * FROM authors;
