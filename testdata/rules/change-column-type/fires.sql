ALTER TABLE orders ALTER COLUMN id TYPE bigint; -- want: change-column-type "type of orders\.id to bigint rewrites the table .* unless the old type is binary compatible"
ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2) USING total::numeric; -- want: change-column-type "type of orders\.total to numeric\(12,2\) rewrites"
