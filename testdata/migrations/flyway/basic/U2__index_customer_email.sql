DROP INDEX CONCURRENTLY customers_email_idx;
