DROP INDEX index_users_on_email; -- want: require-concurrent-index-deletion
DROP INDEX IF EXISTS public.index_users_on_name, index_users_on_age; -- want: require-concurrent-index-deletion, require-concurrent-index-deletion
