-- redmine's 20141122124142: a column added, filled, then changed to the
-- type it has (change_column ... null: false): the migration knows the
-- old type, and it is the same.
ALTER TABLE wiki_redirects ADD COLUMN redirects_to_wiki_id integer;
UPDATE wiki_redirects SET redirects_to_wiki_id = wiki_id;
ALTER TABLE wiki_redirects ALTER COLUMN redirects_to_wiki_id TYPE integer;
ALTER TABLE wiki_redirects ALTER COLUMN redirects_to_wiki_id SET NOT NULL;
-- Added earlier with another type, changed: a rewrite.
ALTER TABLE wiki_redirects ADD COLUMN hits integer;
ALTER TABLE wiki_redirects ALTER COLUMN hits TYPE text; -- want: change-column-type "changing wiki_redirects\.hits from integer to text rewrites"
-- Django writes USING "col"::type: the conversion PostgreSQL makes anyway,
-- so varchar to text still rewrites nothing (django_q's 0002).
ALTER TABLE wiki_redirects ADD COLUMN args varchar(256);
ALTER TABLE wiki_redirects ALTER COLUMN "args" TYPE text USING "args"::text;
-- A USING that converts is a rewrite.
ALTER TABLE wiki_redirects ADD COLUMN title varchar(256);
ALTER TABLE wiki_redirects ALTER COLUMN title TYPE text USING lower(title); -- want: change-column-type "changing wiki_redirects\.title from character varying\(256\) to text rewrites"
